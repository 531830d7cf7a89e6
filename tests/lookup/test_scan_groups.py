"""Counted scans are committed in groups (trace/services/scan_groups.py): people opening carton
pages at the same moment share commits, every one of them counted exactly once, one bad scan
fails alone, and a gunicorn worker killed under load loses no scan a phone was shown
(SQLite and PostgreSQL)."""

from __future__ import annotations

import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session

from tests.flows import BROWSER, GTIN, worker_pids
from tests.lookup.conftest import LOT, LOT_URL
from trace.config import ROOT
from trace.services.scan_groups import ScanWriter
from trace.services.scans import client_day, scans_of


@contextmanager
def scans_locked(engine):
    """Another connection holds the scan tables' write lock until the block ends."""
    connection = engine.connect()
    if engine.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.execute(text("LOCK TABLE scan, scan_counter IN EXCLUSIVE MODE"))
    try:
        yield
    finally:
        connection.rollback()
        connection.close()


def waiting(writer: ScanWriter, scans: int) -> None:
    """Until `scans` requests wait behind the writer's first group."""
    deadline = time.monotonic() + 30
    while writer._queue.qsize() < scans:
        assert time.monotonic() < deadline, "the requests never reached the writer"
        time.sleep(0.01)


def started(engine) -> tuple[ScanWriter, datetime]:
    """A writer whose thread runs (it counted one scan), and the time to count at."""
    writer, now = ScanWriter(engine), datetime.now(UTC)
    writer.count(GTIN, "L0", "S0", "someone", now)
    return writer, now


def test_people_at_the_same_moment_share_commits_and_are_each_counted_once(engine):
    """32 requests at once (4 people each opening 4 cartons, each page twice: a reload) while
    the writer's first group waits for the database: one or two commits count them all."""
    writer, now = started(engine)
    requests = [(f"C{n % 4}", f"person-{n // 4 % 4}") for n in range(32)]
    with ThreadPoolExecutor(32) as pool:
        with scans_locked(engine):
            answers = [pool.submit(writer.count, GTIN, "L1", *requests[0], now)]
            time.sleep(0.3)  # the writer takes it and waits for the lock; the rest gather
            answers += [pool.submit(writer.count, GTIN, "L1", s, c, now) for s, c in requests[1:]]
            waiting(writer, 31)
            before = writer.commits
        answers = [answer.result() for answer in answers]
    assert 1 <= writer.commits - before <= 2
    assert sum(new for new, _ in answers) == 16  # each client-day once
    with Session(engine) as session:
        for serial in ("C0", "C1", "C2", "C3"):
            counted = scans_of(session, GTIN, "L1", serial)
            rows = session.execute(
                text("SELECT count(*) FROM scan WHERE serial = :s"), {"s": serial}
            ).scalar()
            assert counted.count == rows == 4
    assert all(1 <= scans.count <= 4 for _, scans in answers)


def test_a_scan_that_cannot_be_written_fails_alone(engine):
    """A scan the database refuses, in one group with four good ones: they are counted, it
    fails."""
    writer, now = started(engine)
    with ThreadPoolExecutor(6) as pool:
        with scans_locked(engine):
            first = pool.submit(writer.count, GTIN, "L1", "C0", "person", now)
            time.sleep(0.3)  # the writer takes it and waits for the lock; the rest gather
            good = [
                pool.submit(writer.count, GTIN, "L1", f"C{n}", "person", now) for n in (1, 2, 3, 4)
            ]
            bad = pool.submit(writer.count, GTIN, None, "C5", "person", now)  # no lot: refused
            waiting(writer, 5)
        assert first.result()[1].count == 1
        assert [answer.result()[1].count for answer in good] == [1, 1, 1, 1]
        with pytest.raises(Exception, match=r"(?i)null"):
            bad.result()


# --- a worker killed under load ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _open(port: int, path: str, agent: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={**BROWSER, "User-Agent": agent})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _up(port: int) -> bool:
    try:
        return _open(port, "/healthz", "probe") == 200
    except OSError:
        return False


def answering(answered: list, pages: int) -> None:
    """Until the phones were shown `pages` pages in all."""
    deadline = time.monotonic() + 60
    while len(answered) < pages:
        assert time.monotonic() < deadline, f"{len(answered)} pages answered, not {pages}"
        time.sleep(0.05)


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_a_worker_killed_under_load_loses_no_answered_scan(app, engine, story, tmp_path):
    """gunicorn as deployed (gunicorn.conf.py: two threaded workers, PostgreSQL), 8 phones
    opening carton pages as fast as they can; one worker is killed with SIGKILL. Every page a
    phone was shown is a scan in the database, each counted once."""
    port = _free_port()
    env = os.environ | {
        "TRACE_DATABASE_URL": app.config["DATABASE_URL"],
        "TRACE_INSTANCE": str(tmp_path),
        "TRACE_RATELIMIT_ENABLED": "false",
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    answered: list[tuple[str, str]] = []  # (serial, user agent) of every page shown
    stop, lock = threading.Event(), threading.Lock()

    def phone(n: int) -> None:
        serials = random.Random(n).choices(story["serials"], k=10_000)
        for i, serial in enumerate(serials):
            if stop.is_set():
                return
            agent = f"phone {n}-{i}"
            try:
                status = _open(port, f"{LOT_URL}/21/{serial}", agent)
            except (OSError, http.client.HTTPException):  # a page cut off: never shown
                time.sleep(0.02)  # the killed worker's connections, or not started yet
                continue
            if status == 200:
                with lock:
                    answered.append((str(serial), agent))

    deadline = time.monotonic() + 60
    while len(worker_pids(server.pid)) < 2 or not _up(port):
        assert time.monotonic() < deadline, "gunicorn did not start"
        time.sleep(0.1)
    threads = [threading.Thread(target=phone, args=(n,)) for n in range(8)]
    try:
        for thread in threads:
            thread.start()
        answering(answered, 20)
        before = len(answered)
        os.kill(sorted(worker_pids(server.pid))[0], signal.SIGKILL)
        answering(answered, before + 20)
        stop.set()
        for thread in threads:
            thread.join(60)
    finally:
        os.killpg(server.pid, signal.SIGKILL)  # the data is what is checked
        server.wait(20)
    with engine.connect() as connection:
        salt = connection.execute(text("SELECT salt FROM scan_salt")).scalar_one()
        stored = set(connection.execute(text("SELECT serial, client FROM scan")).all())
        counts = dict(
            connection.execute(
                text("SELECT serial, count FROM scan_counter WHERE lot = :lot"), {"lot": LOT}
            ).all()
        )
    shown = {(serial, client_day(salt, "127.0.0.1", agent)) for serial, agent in answered}
    assert shown <= stored  # nothing a phone was shown is lost
    per_serial: dict[str, int] = {}
    for serial, _client in stored:
        per_serial[serial] = per_serial.get(serial, 0) + 1
    assert counts == per_serial  # and each scan counted once
