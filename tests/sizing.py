"""Sizing for docs/operations.md: disk per event on SQLite and PostgreSQL, backup sizes and
times, and the memory of a gunicorn worker serving the public pages. Run from the root:

    .venv/bin/python -m tests.sizing --events 200000               # SQLite, in a temp folder
    .venv/bin/python -m tests.sizing --events 200000 --postgresql  # a throwaway PostgreSQL

1. A season of `--events` events is bulk-written by `bench/season.py`'s generator (harvest lot →
   receipt, cooling, inspection, treatment → packed lot of 100 cartons → pallet; ten pallets a
   shipment, loaded, shipped, arrived; a carton label job per packed lot), with its event refs,
   graph edges, lots, pallets and label jobs. Disk per event = (size after − size before) /
   events, indexes included (SQLite: the file after a WAL checkpoint; PostgreSQL:
   pg_database_size after VACUUM).
2. The same through the use cases themselves (`bench/core.py`'s chain: each event its own
   transaction, hashed and chained), `--chains` chains, as a check on the bulk figure.
3. One scan-counter row per scanned carton (`--scans` distinct cartons).
4. `flask --app wsgi backup` of the whole database: seconds and bytes (the bulk season's hashes
   are zeros, which pg_dump's compression makes nothing of: bytes per event of a backup are
   measured on the use cases' database); and how fast `verify` checks the chain.
5. gunicorn (`sync`, 2 workers) on that database answers `--pages` lot pages of random lots; each
   worker's resident memory (VmRSS, VmHWM) is read from /proc.

Prints a Markdown summary. Nothing here runs in the test suite (the name does not start with
test_); it lives beside the tests because it uses their throwaway PostgreSQL server.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, text
from sqlmodel import Session

from bench import core as core_bench
from bench import lookup as lookup_bench
from tests.pg import Server, bindir
from trace.config import ROOT
from trace.db import migrate
from trace.db.engine import make_engine
from trace.db.models import ScanCounter
from trace.services import audit, backup, users


def size_of(engine) -> int:
    """Bytes the database takes on disk now."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return Path(engine.url.database).stat().st_size
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
        return conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()


def table_sizes(engine) -> dict[str, int]:
    """Bytes per table, its indexes included (SQLite's dbstat, PostgreSQL's relation sizes)."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(
                "SELECT coalesce(m.tbl_name, s.name), sum(s.pgsize) FROM dbstat s "
                "LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY 1"
            )
        else:
            rows = conn.execute(
                text("SELECT relname, pg_total_relation_size(relid) FROM pg_stat_user_tables")
            )
        return {name: int(size) for name, size in rows}


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("event", "event_ref", "edge", "lot", "pallet", "shipment", "label_job")
        }


def bulk(url: str, events: int) -> dict:
    engine = make_engine(url)
    migrate.upgrade(engine)
    before = size_of(engine)
    start = time.perf_counter()
    made = lookup_bench.generate(engine, events)
    seconds = time.perf_counter() - start
    after = size_of(engine)
    held = counts(engine)
    tables = table_sizes(engine)
    engine.dispose()
    return {
        "seconds": seconds,
        "before": before,
        "after": after,
        "counts": held,
        "per_event": (after - before) / held["event"],
        "tables": tables,
        "samples": made["samples"],
    }


def through_services(url: str, chains: int, folder: Path) -> dict:
    engine = make_engine(url)
    migrate.upgrade(engine)
    rng = random.Random(2026)
    with Session(engine, expire_on_commit=False) as session:
        ids = core_bench.setup(session)
        actor = users.create(session, "sizing", "worker")[0]
        core_bench.chain(session, actor, ids, rng, 0, "8931234")  # every table has a first row
        before, first = size_of(engine), counts(engine)["event"]
        backup_before = backed_up(url, folder)["bytes"]
        start = time.perf_counter()
        for i in range(1, chains + 1):
            core_bench.chain(session, actor, ids, rng, i, "8931234")
        seconds = time.perf_counter() - start
    after, events = size_of(engine), counts(engine)["event"] - first
    backup_after = backed_up(url, folder)["bytes"]
    with Session(engine) as session:
        start = time.perf_counter()
        checked = audit.verify(session)
        verify_seconds = time.perf_counter() - start
    assert checked["ok"], checked
    engine.dispose()
    return {
        "seconds": seconds,
        "events": events,
        "per_event": (after - before) / events,
        "verified": checked["events_checked"] / verify_seconds,
        "backup_per_event": (backup_after - backup_before) / events,
    }


def scans(url: str, number: int) -> float:
    """Bytes per scan-counter row (one per distinct carton scanned)."""
    engine = make_engine(url)
    before = size_of(engine)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for start in range(0, number, 50_000):
            conn.execute(
                insert(ScanCounter.__table__),
                [
                    {
                        "gtin": lookup_bench.GTIN,
                        "lot": f"P{i // 100:08d}",
                        "serial": str(i + 1),
                        "count": 1 + i % 5,
                        "first_at": now,
                        "last_at": now,
                    }
                    for i in range(start, min(start + 50_000, number))
                ],
            )
    after = size_of(engine)
    engine.dispose()
    return (after - before) / number


def backed_up(url: str, folder: Path) -> dict:
    start = time.perf_counter()
    summary = backup.backup(url, folder / "sizing.backup")
    seconds = time.perf_counter() - start
    (folder / "sizing.backup").unlink()
    return {"seconds": seconds, "bytes": summary.size}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _memory(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) * 1024
    return fields


def worker_memory(url: str, samples: list[dict], pages: int, folder: Path) -> dict:
    port = _free_port()
    env = os.environ | {
        "TRACE_DATABASE_URL": url,
        "TRACE_RATELIMIT_ENABLED": "false",
        "TRACE_SIGNING_KEY_PATH": str(folder / "no-key.pem"),
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "-k", "sync", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(3)  # every worker has imported the app
        children = [
            int(p.name)
            for p in Path("/proc").iterdir()
            if p.name.isdigit() and _parent(p) == server.pid
        ]
        idle = {pid: _memory(pid) for pid in children}
        rng = random.Random(1)
        start = time.perf_counter()
        for _ in range(pages):
            sample = rng.choice(samples)
            request = urllib.request.Request(
                f"{base}/01/{lookup_bench.GTIN}/10/{sample['lot']}",
                headers={"Accept-Language": rng.choice(["ja", "vi", "en"])},
            )
            with urllib.request.urlopen(request) as response:
                response.read()
        seconds = time.perf_counter() - start
        busy = {pid: _memory(pid) for pid in children}
    finally:
        server.terminate()
        server.wait()
    return {"idle": idle, "busy": busy, "seconds": seconds, "pages": pages}


def _parent(proc: Path) -> int:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return -1


def mb(size: float) -> str:
    return f"{size / 1_000_000:,.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--chains", type=int, default=250, help="chains through the use cases")
    parser.add_argument("--scans", type=int, default=200_000)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--postgresql", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="trace-sizing-"))
    server = None
    if args.postgresql:
        binaries = bindir()
        if binaries is None:
            sys.exit("no PostgreSQL server binaries (pg_config --bindir)")
        server = Server(binaries)
        server.start()
        admin = make_engine(server.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE bulk"))
            conn.execute(text("CREATE DATABASE services"))
        admin.dispose()
        bulk_url, services_url = server.url("bulk"), server.url("services")
    else:
        bulk_url = f"sqlite:///{folder / 'bulk.db'}"
        services_url = f"sqlite:///{folder / 'services.db'}"
    try:
        made = bulk(bulk_url, args.events)
        print(f"bulk: {made['counts']} in {made['seconds']:.0f} s", flush=True)
        kept = backed_up(bulk_url, folder)
        memory = worker_memory(bulk_url, made["samples"], args.pages, folder)
        per_scan = scans(bulk_url, args.scans)
        served = through_services(services_url, args.chains, folder)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    engine = "PostgreSQL" if args.postgresql else "SQLite"
    c = made["counts"]
    print(f"\n### {engine}\n")
    print(
        f"`python -m tests.sizing --events {args.events}{' --postgresql' if server else ''}` on "
        f"{datetime.now(UTC):%Y-%m-%d}, {platform.machine()}, Python {platform.python_version()}"
    )
    print(
        f"\n- bulk season: {c['event']:,} events ({c['event_ref']:,} event refs, "
        f"{c['edge']:,} edges, {c['lot']:,} lots, {c['pallet']:,} pallets, "
        f"{c['shipment']:,} shipments, {c['label_job']:,} label jobs): "
        f"{mb(made['after'] - made['before'])} → **{made['per_event']:,.0f} bytes per event**"
    )
    print(
        f"- through the use cases ({served['events']:,} events, hashed and chained, "
        f"{served['events'] / served['seconds']:,.0f} events/s): "
        f"**{served['per_event']:,.0f} bytes per event**"
    )
    print(f"- scan counter: **{per_scan:,.0f} bytes per scanned carton** ({args.scans:,} rows)")
    print(
        f"- `backup` of the bulk season: {kept['seconds']:.1f} s, {mb(kept['bytes'])}; of the "
        f"use cases' database (real hashes, which compress less): "
        f"**{served['backup_per_event']:,.0f} bytes per event**"
    )
    print(
        f"- the hash chain checked (`verify`, after a restore): {served['verified']:,.0f} events/s"
    )
    busy = sorted(m["VmHWM"] for m in memory["busy"].values())
    idle = sorted(m["VmRSS"] for m in memory["idle"].values())
    print(
        f"- gunicorn sync worker: {', '.join(mb(m) for m in idle)} resident at start, peak "
        f"{', '.join(mb(m) for m in busy)} after {memory['pages']} lot pages of random lots "
        f"({memory['pages'] / memory['seconds']:.0f} pages/s, one client)"
    )
    print("\n| table (with its indexes) | size | bytes per event |\n|---|---:|---:|")
    for name, size in sorted(made["tables"].items(), key=lambda item: -item[1])[:8]:
        print(f"| {name} | {mb(size)} | {size / c['event']:,.0f} |")


if __name__ == "__main__":
    main()
