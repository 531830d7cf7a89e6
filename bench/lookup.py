"""Benchmark: the public lookup page under gunicorn, against a Flask hello world in the same run.

    make bench                                   # every benchmark; this one: 1,000,000 events
    .venv/bin/python bench/lookup.py --events 200000 --duration 5

A SQLite database (or `--database-url`, an empty PostgreSQL database) is filled with a season
of `--events` events written straight into the tables in bulk (the hash chain is not computed:
the page never reads it): chains of harvest lot → receipt, cooling, inspection, treatment →
packed lot → pallet, ten pallets to a shipment that is loaded, departs and arrives, and a carton
label job per packed lot. Then gunicorn (`sync`, 2 workers, as docs/FINDINGS item 10) serves,
one after the other, a Flask hello world and the app, and wrk (2 threads, 32 connections,
127.0.0.1 only, `--duration` seconds each) requests: the hello world; lot pages of 1,000 random
lots (HTML, Japanese); carton pages of random serials (each a counted scan: one upsert); the
lots' linksets. Rate limiting is off for the run. Results: docs/benchmarks.md, section lookup.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench.report import write_section  # noqa: E402
from trace.db import migrate  # noqa: E402
from trace.db.engine import make_engine  # noqa: E402
from trace.db.models import (  # noqa: E402
    Edge,
    Event,
    EventRef,
    LabelJob,
    Lot,
    Pallet,
    PalletContent,
    Shipment,
)
from trace.gs1 import Sscc, check_digit  # noqa: E402
from trace.services import masterdata, users  # noqa: E402

# The reference: the smallest Flask app, served the same way (gunicorn bench.lookup:hello).
hello = Flask("hello")


@hello.get("/")
def _hello():
    return "Hello, World!"


PREFIX = "8931234"
GTIN = "0" + PREFIX + "00011" + check_digit(PREFIX + "00011")
CARTONS = 100
PALLETS_PER_SHIPMENT = 10
DAY0 = datetime(2026, 6, 1, 5, 0, tzinfo=UTC)
ZERO = "0" * 64


def _master(session: Session) -> dict:
    code = {"scheme": "PUC", "value": "VN-HDTH-0001", "market": "JP", "status": "active"}
    ids = {
        "orchards": [
            masterdata.create_location(
                session,
                {
                    "kind": "orchard",
                    "name": f"Vườn vải số {i}",
                    "address": {
                        "commune": "Thanh Quang",
                        "district": "Thanh Hà",
                        "province": "Hải Dương",
                    },
                    "codes": [code | {"value": f"VN-HDTH-{i:04d}"}],
                },
            ).id
            for i in range(1, 41)
        ]
    }
    for key, kind, name, scheme in [
        ("house", "packing_house", "Thanh Hà Fruit Packing", "PHC"),
        ("facility", "treatment_facility", "Hà Nội Fumigation Centre", "TFC"),
        ("exporter", "exporter", "Hải Dương Agri Export JSC", None),
        ("importer", "importer", "Tokyo Fresh Trading KK", None),
        ("port", "port", "Cảng Hải Phòng", None),
    ]:
        codes = [code | {"scheme": scheme, "value": f"VN-{scheme}-01"}] if scheme else []
        ids[key] = masterdata.create_location(
            session,
            {"kind": kind, "name": name, "address": {"province": "Hải Dương"}, "codes": codes},
        ).id
    product = masterdata.create_product(
        session,
        {
            "gtin": GTIN,
            "name": {"vi": "Vải thiều Thanh Hà", "en": "Thanh Ha lychee", "ja": "タンハー・ライチ"},
            "commodity": "lychee",
            "variety": "Thanh Hà",
            "unit": "kg",
            "net_weight_kg": 5,
        },
    )
    ids["product"] = product.id
    ids["user"] = users.create(session, "bench", "worker")[0].id
    return ids


class _Rows:
    """Rows of each table, written in chunks (Core executemany), parents before children."""

    ORDER = (Lot, Shipment, Pallet, PalletContent, Event, EventRef, Edge, LabelJob)

    def __init__(self, connection, chunk: int = 50_000):
        self.connection, self.chunk = connection, chunk
        self.tables: dict = {model: [] for model in self.ORDER}

    def add(self, model, **row) -> None:
        self.tables[model].append(row)
        if len(self.tables[model]) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        for model in self.ORDER:
            if self.tables[model]:
                self.connection.execute(insert(model.__table__), self.tables[model])
                self.tables[model] = []


def generate(engine, target_events: int, seed: int = 2026) -> dict:
    """Fill the database with about `target_events` events; return the sample codes."""
    rng = random.Random(seed)
    with Session(engine, expire_on_commit=False) as session:
        ids = _master(session)
    per_chain = 5 + 2 + 3 / PALLETS_PER_SHIPMENT  # lot events, pack + palletise, shipment events
    chains = math.ceil(target_events / per_chain)
    next_id = {"event": 0, "edge": 0}
    samples = []

    with engine.begin() as connection:
        rows = _Rows(connection)

        def event(kind, epcis_type, biz_step, when, place, refs, data, edges=()):
            next_id["event"] += 1
            number = next_id["event"]
            rows.add(
                Event,
                id=number,
                event_id=f"urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}",
                type=kind,
                epcis_type=epcis_type,
                action=None if epcis_type == "TransformationEvent" else "OBSERVE",
                biz_step=biz_step,
                disposition="in_progress",
                event_time=when,
                tz_offset="+07:00",
                record_time=when,
                read_point_id=place,
                biz_location_id=place,
                data=data,
                corrects_id=None,
                user_id=ids["user"],
                prev_hash=ZERO,
                hash=ZERO,
            )
            for ref in dict.fromkeys(refs):
                rows.add(EventRef, event_id=number, node=ref)
            for src, dst, quantity, uom in edges:
                next_id["edge"] += 1
                rows.add(
                    Edge,
                    id=next_id["edge"],
                    src=src,
                    dst=dst,
                    event_id=number,
                    quantity=quantity,
                    uom=uom,
                )

        shipment_pallets: list[tuple[int, int, int]] = []
        for i in range(chains):
            day = DAY0 + timedelta(hours=i // 50)
            harvest_id, packed_id, pallet_id = 2 * i + 1, 2 * i + 2, i + 1
            shipment_id = i // PALLETS_PER_SHIPMENT + 1
            orchard = rng.choice(ids["orchards"])
            h, p = f"H{i:08d}", f"P{i:08d}"
            kg = float(rng.randrange(600, 2000, 10))
            rows.add(Lot, id=harvest_id, code=h, kind="harvest", product_id=None, commodity="lychee",
                     variety="Thanh Hà", orchard_id=orchard, location_id=ids["house"], unit="kg",
                     quantity=kg, received=kg, used=kg, cartons=None, cartons_palletised=0,
                     produced_on=day.date(), on_hold=False, created_at=day)  # fmt: skip
            rows.add(Lot, id=packed_id, code=p, kind="packed", product_id=ids["product"],
                     commodity="lychee", variety="Thanh Hà", orchard_id=None,
                     location_id=ids["house"], unit="kg", quantity=CARTONS * 5.0, received=0,
                     used=0, cartons=CARTONS, cartons_palletised=CARTONS, produced_on=day.date(),
                     on_hold=False, created_at=day + timedelta(hours=30))  # fmt: skip
            hn, pn, an = f"lot:{harvest_id}", f"lot:{packed_id}", f"pallet:{pallet_id}"
            qty = [{"lot": h, "quantity": kg, "uom": "KGM"}]
            event("harvest", "ObjectEvent", "creating_class_instance", day, orchard, [hn],
                  {"quantities": qty, "ilmd": {"commodity": "lychee", "harvested_on": day.date().isoformat(), "crew": "Tổ 3"}},
                  [(f"location:{orchard}", hn, kg, "KGM")])  # fmt: skip
            event("receive", "ObjectEvent", "receiving", day + timedelta(hours=3), ids["house"], [hn],
                  {"quantities": qty, "quantity": kg})  # fmt: skip
            event("cool", "ObjectEvent", "storing", day + timedelta(hours=4), ids["house"], [hn],
                  {"quantities": qty, "temperature_c": 4.0})  # fmt: skip
            event("inspect", "ObjectEvent", "inspecting", day + timedelta(hours=6), ids["house"], [hn],
                  {"quantities": qty, "result": "pass", "notes": "Mẫu 200 quả đạt"})  # fmt: skip
            event("treat", "ObjectEvent", "inspecting", day + timedelta(hours=26), ids["facility"], [hn],
                  {"quantities": qty, "method": "fumigation", "certificate_no": f"FUM-{i:08d}"})  # fmt: skip
            event("pack", "TransformationEvent", "creating_class_instance", day + timedelta(hours=30),
                  ids["house"], [pn, hn],
                  {"inputs": qty, "outputs": [{"lot": p, "gtin": GTIN, "quantity": CARTONS, "uom": "CT"}]},
                  [(hn, pn, kg, "KGM")])  # fmt: skip
            sscc = str(Sscc.build(0, PREFIX, pallet_id))
            event("palletise", "AggregationEvent", "packing", day + timedelta(hours=31), ids["house"],
                  [an, pn], {"parent": sscc, "children": [{"lot": p, "quantity": CARTONS, "uom": "CT"}]},
                  [(pn, an, CARTONS, "CT")])  # fmt: skip
            rows.add(LabelJob, kind="carton", product_id=ids["product"], lot_id=packed_id,
                     size="100x150", format="pdf", count=CARTONS, serial_first=i * CARTONS + 1,
                     serial_last=(i + 1) * CARTONS, reprint=False, user_id=ids["user"],
                     created_at=day + timedelta(hours=30))  # fmt: skip
            shipment_pallets.append((pallet_id, packed_id, i))
            if len(shipment_pallets) == PALLETS_PER_SHIPMENT or i == chains - 1:
                loaded = day + timedelta(hours=40)
                rows.add(Shipment, id=shipment_id, exporter_id=ids["exporter"], consignee_id=ids["importer"],
                         market="JP", container_no="MSCU1234565", seal_no="SL1", bill_of_lading="B1",
                         phyto_certificate_no=f"VN-PC-{shipment_id:08d}", status="arrived",
                         departed_at=loaded + timedelta(hours=8), arrived_at=loaded + timedelta(days=7),
                         created_at=loaded)  # fmt: skip
                for a, b, n in shipment_pallets:  # after their shipment (foreign keys)
                    rows.add(Pallet, id=a, sscc=str(Sscc.build(0, PREFIX, a)), location_id=ids["house"],
                             shipment_id=shipment_id, cartons=CARTONS,
                             created_at=DAY0 + timedelta(hours=n // 50 + 31))  # fmt: skip
                    rows.add(PalletContent, pallet_id=a, lot_id=b, cartons=CARTONS)
                sn = f"shipment:{shipment_id}"
                refs = (
                    [sn]
                    + [f"pallet:{a}" for a, _, _ in shipment_pallets]
                    + [f"lot:{b}" for _, b, _ in shipment_pallets]
                )
                edges = [(f"pallet:{a}", sn, CARTONS, "CT") for a, _, _ in shipment_pallets]
                event("load", "ObjectEvent", "loading", loaded, ids["house"], refs,
                      {"shipment_id": shipment_id, "market": "JP"}, edges)  # fmt: skip
                event("ship", "ObjectEvent", "shipping", loaded + timedelta(hours=8), ids["port"], refs,
                      {"shipment_id": shipment_id, "market": "JP"})  # fmt: skip
                event("arrive", "ObjectEvent", "receiving", loaded + timedelta(days=7), ids["importer"],
                      refs, {"shipment_id": shipment_id})  # fmt: skip
                shipment_pallets = []
            samples.append({"lot": p, "serial": i * CARTONS + rng.randint(1, CARTONS)})
        rows.flush()
        if engine.dialect.name == "postgresql":  # ids were given: move the sequences past them
            for table in ("event", "edge", "lot", "pallet", "shipment", "label_job"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                    )
                )
    with engine.connect() as connection:
        counts = {
            t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("event", "event_ref", "edge", "lot", "pallet", "shipment")
        }
    return {
        "chains": chains,
        "counts": counts,
        "samples": rng.sample(samples, min(1000, len(samples))),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(target: str, env: dict) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-k", "sync", "-w", "2",
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", target],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(
                base + "/healthz" if target == "wsgi:app" else base + "/", timeout=1
            )
            return process, base
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"gunicorn {target} did not start")


def _wrk(
    base: str,
    paths: list[str],
    duration: int,
    accept: str | None = None,
    prefetch: bool = False,
    in_turn: bool = False,
) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("paths = " + json.dumps(paths).replace("[", "{").replace("]", "}") + "\n")
        if accept:
            script.write(f'wrk.headers["Accept"] = "{accept}"\n')
        script.write('wrk.headers["Accept-Language"] = "ja"\n')
        if prefetch:  # the browser prefetch header: the same page, the scan not counted
            script.write('wrk.headers["Sec-Purpose"] = "prefetch"\n')
        if in_turn:  # each path in turn (a warm-up that reaches every lot)
            script.write(
                "i = 0\nrequest = function() i = i % #paths + 1 "
                "return wrk.format('GET', paths[i]) end\n"
            )
        else:
            script.write(
                "request = function() return wrk.format('GET', paths[math.random(#paths)]) end\n"
            )
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{duration}s", "--latency", "-s", script.name, base],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    os.unlink(script.name)

    def ms(label):
        match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": ms("50%"),
        "p99": ms("99%"),
        "errors": int(errors.group(1)) if errors else 0,
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
    }


def _parts(engine, samples: list[dict]) -> dict:
    """Where a carton page's time goes: each service call alone, in-process, median of 200."""
    from trace.services import labels, lookup

    def median(call) -> float:
        times = []
        for sample in samples:
            start = time.perf_counter()
            call(sample)
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)

    with Session(engine) as session:
        gtin = lookup.Gtin(GTIN)
        lots = {s["lot"]: lookup.find_lot(session, gtin, s["lot"]) for s in samples}
        parts = {
            "the lot's public view (`lookup.lot_page`: two graph walks, events, places)": median(
                lambda s: lookup.lot_page(session, lots[s["lot"]])
            ),
            "the label check (`labels.serial_status`)": median(
                lambda s: labels.serial_status(session, GTIN, s["lot"], str(s["serial"]))
            ),
            "counting the scan (`lookup.count_scan`: one upsert and commit)": median(
                lambda s: lookup.count_scan(session, GTIN, s["lot"], str(s["serial"]))
            ),
        }
        session.execute(text("DELETE FROM scan_counter"))  # the HTTP runs count from zero
        session.commit()
    return parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per target")
    parser.add_argument("--database-url", help="an empty database; default: SQLite in a temp dir")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("bench/lookup.py: skipped, wrk is not installed (apt-get install -y wrk)")
        return
    folder = tempfile.mkdtemp(prefix="trace-bench-lookup-")
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    engine = make_engine(url)
    migrate.upgrade(engine)
    start = time.perf_counter()
    made = generate(engine, args.events)
    generated = time.perf_counter() - start
    parts = _parts(engine, made["samples"][:200])
    engine.dispose()
    print(f"generated {made['counts']} in {generated:.1f} s", flush=True)

    env = os.environ | {"TRACE_DATABASE_URL": url, "TRACE_RATELIMIT_ENABLED": "false",
                        "TRACE_INSTANCE": folder}  # fmt: skip
    lots = [f"/01/{GTIN}/10/{s['lot']}" for s in made["samples"]]
    cartons = [f"/01/{GTIN}/10/{s['lot']}/21/{s['serial']}" for s in made["samples"]]
    results = {}
    process, base = _serve("bench.lookup:hello", env)
    try:
        results["Flask hello world (reference)"] = _wrk(base, ["/"], args.duration)
    finally:
        process.terminate()
        process.wait()
    # Nothing kept: every request reads the lot's story (two graph walks, events, places).
    process, base = _serve("wsgi:app", env | {"TRACE_LOOKUP_CACHE_SIZE": "0"})
    try:
        results["lot page, HTML (ja), nothing kept (LOOKUP_CACHE_SIZE=0)"] = _wrk(
            base, lots, args.duration
        )
    finally:
        process.terminate()
        process.wait()
    process, base = _serve("wsgi:app", env)
    try:
        for path in (lots[0], cartons[0]):
            with urllib.request.urlopen(base + path) as response:
                assert response.status == 200, path
                size = len(response.read())
        warm = _wrk(base, lots, max(30, 2 * args.duration), in_turn=True)
        results["lot page, HTML (ja), 1,000 random lots, kept (after a warm-up)"] = _wrk(
            base, lots, args.duration
        )
        results["carton page, HTML (ja), lot kept: + serial check + counted scan"] = _wrk(
            base, cartons, args.duration
        )
        results["carton page, the same work without counting (a prefetch)"] = _wrk(
            base, cartons, args.duration, prefetch=True
        )

        results["lot linkset, JSON, kept"] = _wrk(
            base, lots, args.duration, "application/linkset+json"
        )
    finally:
        process.terminate()
        process.wait()
    with make_engine(url).connect() as connection:
        counted = connection.execute(
            text("SELECT coalesce(sum(count), 0) FROM scan_counter")
        ).scalar_one()
    reference = results["Flask hello world (reference)"]
    lines = [
        "## Lookup: the public page under gunicorn",
        "",
        f"`bench/lookup.py --events {args.events} --duration {args.duration}` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {make_engine(url).dialect.name}. Database: "
        f"{made['counts']['event']:,} events, {made['counts']['event_ref']:,} event refs, "
        f"{made['counts']['edge']:,} edges, {made['counts']['lot']:,} lots, "
        f"{made['counts']['pallet']:,} pallets, {made['counts']['shipment']:,} shipments, bulk-"
        f"inserted in {generated:.0f} s. gunicorn `sync -w 2`; wrk `-t2 -c32 -d{args.duration}s` "
        "from 127.0.0.1 on the same 2 cores; rate limiting off.",
        "",
        f"Before the kept rows, a {max(30, 2 * args.duration)} s warm-up ({warm['requests']:,} requests, "
        "each of the 1,000 lots in turn) let each worker keep the lots' pages "
        "(trace/lookup/cache.py); the first row is the same page with nothing kept.",
        "",
        "| target | req/s | vs hello world | p50 | p99 | non-2xx |",
        "|---|---|---|---|---|---|",
        *(
            f"| {name} | {r['rps']:,.0f} | {r['rps'] / reference['rps']:.2f} | "
            f"{r['p50']:.1f} ms | {r['p99']:.1f} ms | {r['errors']} |"
            for name, r in results.items()
        ),
        "",
        f"A carton page is {size:,} bytes. Scans counted: {counted:,}, for "
        f"{results['carton page, HTML (ja), lot kept: + serial check + counted scan']['requests']:,} "
        "carton "
        "pages wrk received + 1 fetched before the run + the requests still queued when wrk "
        "stops (at most 32, answered and counted after it): none lost.",
    ]
    lines += [
        "",
        "| one service call, in-process, same database, median of 200 random cartons | ms |",
        "|---|---|",
        *(f"| {name} | {ms:.2f} |" for name, ms in parts.items()),
    ]
    write_section(args.output, "lookup", "\n".join(lines))
    print("\n".join(lines))
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
