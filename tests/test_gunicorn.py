"""The deployment of docs/operations.md, for real: `gunicorn -w 4 wsgi:app` on PostgreSQL.

Six writer threads post pallets, carton label jobs and harvest lots over HTTP to four sync
workers (four processes, four connection pools) while two readers open the public lookup
pages, lot pages and counted carton scans. Then, read straight from the database:

- nothing lost: every 2xx answer's pallet, label job and harvest lot is there, and nothing
  else is (no write that was refused or failed half way left a row);
- nothing duplicated: no SSCC, lot code or carton serial twice;
- the rules held across processes: a lot of 60 cartons gets exactly 60 one-carton pallets and
  60 serials, the rest are 409s;
- every counted scan a reader saw (each read another person) is counted once; no answer was a
  5xx;
- `/api/v1/audit/verify` (over HTTP) says the chain verifies, one event per acknowledged write;
- after the writes (and LOOKUP_CACHE_RECHECK, 0.25 s), every worker serves the same lot page
  (no worker keeps a stale copy).

About 15 s on two cores, most of it gunicorn importing the app in four workers.
"""

from __future__ import annotations

import difflib
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session

from tests.conftest import Api, pg_database
from tests.flows import GTIN, master_data, worker_pids
from trace.app import create_app
from trace.config import ROOT
from trace.services import users

pytestmark = pytest.mark.postgres

CARTONS = 60  # the packed lot the writers compete for
PALLET_TRIES = 80  # one carton each: 60 win, 20 are refused
LABEL_TRIES = 25  # three serials each: 20 win, 5 are refused
HARVESTS = 40  # all accepted
WRITERS, READERS, WORKERS = 6, 2, 4


@pytest.fixture
def pg_url(pg_template, pg_server):
    with pg_database(pg_template, pg_server, "g") as url:
        yield url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Http:
    """Plain HTTP/1.1 to the server, a new connection per request (sync workers close it)."""

    def __init__(self, port: int):
        self.port = port

    def call(self, method, path, body=None, token=None, headers=None):
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()


@pytest.fixture
def served(pg_url, tmp_path):
    """The season's start recorded in-process, then gunicorn -w 4 serving the same database."""
    app = create_app({"TESTING": True, "DATABASE_URL": pg_url, "INSTANCE_PATH": str(tmp_path)})
    engine = app.extensions["trace.engine"]
    tokens = {}
    with Session(engine, expire_on_commit=False) as session:
        for role in ("admin", "worker", "inspector"):
            _, tokens[role] = users.create(session, f"{role}-1", role)
    api = Api(app.test_client(), tokens)
    ids = master_data(api)
    worker = api.as_("worker")
    harvest = worker.post(
        "/lots/harvest",
        json={
            "orchard_id": ids["orchard"],
            "commodity": "lychee",
            "quantity": 1200,
            "unit": "kg",
            "harvested_on": "2026-06-10",
        },
    ).json["code"]
    for path, body in [
        (
            f"/lots/{harvest}/receipts",
            {
                "location_id": ids["house"],
                "received_at": "2026-06-10T14:00:00+07:00",
                "quantity": 1180,
                "unit": "kg",
            },
        ),
        (
            f"/lots/{harvest}/treatments",
            {
                "facility_id": ids["facility"],
                "method": "fumigation",
                "treated_at": "2026-06-11T08:00:00+07:00",
            },
        ),
    ]:
        assert worker.post(path, json=body).status_code == 201
    response = worker.post(
        "/packings",
        json={
            "location_id": ids["house"],
            "product_gtin": GTIN,
            "inputs": [{"lot": harvest, "quantity": CARTONS * 5, "unit": "kg"}],
            "cartons": CARTONS,
            "packed_on": "2026-06-11",
        },
    )
    assert response.status_code == 201, response.json
    packed = response.json["lot"]

    port = _free_port()
    env = os.environ | {
        "TRACE_DATABASE_URL": pg_url,
        "TRACE_SECRET_KEY": secrets.token_hex(32),
        "TRACE_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "TRACE_SIGNING_KEY_PATH": str(tmp_path / "no-key.pem"),
        "TRACE_RATELIMIT_ENABLED": "false",  # two readers from one address, as fast as they can
    }
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-w",
            str(WORKERS),
            "-k",
            "sync",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--access-logfile",
            str(tmp_path / "access.log"),
            "--access-logformat",
            "%(p)s %({x-check}i)s %(m)s %(U)s %(s)s",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    client = Http(port)
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("gunicorn did not start:\n" + (tmp_path / "gunicorn.log").read_text())
            try:
                if client.call("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        yield {
            "http": client,
            "engine": engine,
            "tokens": tokens,
            "ids": ids,
            "packed": packed,
            "server": server,
            "log": tmp_path / "gunicorn.log",
            "access": tmp_path / "access.log",
        }
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover
            server.kill()
            server.wait()
        log.close()
        engine.dispose()


def test_four_gunicorn_workers_lose_and_duplicate_nothing(served):
    client, tokens, ids, packed = served["http"], served["tokens"], served["ids"], served["packed"]
    token = tokens["worker"]
    tasks = (
        [("pallet", i) for i in range(PALLET_TRIES)]
        + [("labels", i) for i in range(LABEL_TRIES)]
        + [("harvest", i) for i in range(HARVESTS)]
    )
    random.Random(7).shuffle(tasks)
    answers: list[tuple[str, int, dict, bytes]] = []
    serials_seen: list[str] = []
    lock = threading.Lock()
    writing = threading.Event()
    writing.set()
    reads: list[tuple[str, int, dict]] = []

    def post(kind: str, i: int):
        if kind == "pallet":
            body = {"location_id": ids["house"], "contents": [{"lot": packed, "cartons": 1}]}
            return client.call("POST", "/api/v1/pallets", body, token)
        if kind == "labels":
            body = {"kind": "carton", "lot": packed, "count": 3, "size": "100x150mm"}
            return client.call("POST", "/api/v1/labels", body | {"format": "zpl"}, token)
        body = {
            "orchard_id": ids["orchard"],
            "commodity": "lychee",
            "quantity": 100 + i,
            "unit": "kg",
            "harvested_on": "2026-06-12",
        }
        return client.call("POST", "/api/v1/lots/harvest", body, token)

    def write(share):
        for kind, i in share:
            status, headers, body = post(kind, i)
            with lock:
                answers.append((kind, status, headers, body))
                if kind == "labels" and status == 200:
                    printed = re.findall(r"/21/([0-9A-Z]{13})\b", body.decode())
                    assert len(set(printed)) == 3, body[:500]
                    serials_seen.extend(sorted(set(printed)))

    def read(n):
        rng = random.Random(n)
        while writing.is_set():
            with lock:
                serial = rng.choice(serials_seen) if serials_seen and rng.random() < 0.5 else None
            if serial is None:
                path, kind = f"/01/{GTIN}/10/{packed}", "lot"
            else:
                path, kind = f"/01/{GTIN}/10/{packed}/21/{serial}", "carton"
            status, headers, _ = client.call("GET", path, headers=_browser(n, len(reads)))
            with lock:
                reads.append((kind, status, headers))

    writers = [threading.Thread(target=write, args=(tasks[n::WRITERS],)) for n in range(WRITERS)]
    readers = [threading.Thread(target=read, args=(n,)) for n in range(READERS)]
    started = time.monotonic()
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join()
    writing.clear()
    for thread in readers:
        thread.join()
    elapsed = time.monotonic() - started

    statuses = Counter((kind, status) for kind, status, _, _ in answers)
    assert statuses == {
        ("pallet", 201): CARTONS,
        ("pallet", 409): PALLET_TRIES - CARTONS,
        ("labels", 200): CARTONS // 3,
        ("labels", 409): LABEL_TRIES - CARTONS // 3,
        ("harvest", 201): HARVESTS,
    }, (statuses, served["log"].read_text()[-3000:])
    read_statuses = Counter((kind, status) for kind, status, _ in reads)
    assert set(read_statuses) <= {("lot", 200), ("carton", 200)}, read_statuses
    assert read_statuses[("lot", 200)] > 0 and read_statuses[("carton", 200)] > 0, read_statuses
    for kind, _, headers in reads:  # each carton view is a counted scan: never cached
        expected = "private, no-store" if kind == "carton" else "public"
        assert headers["Cache-Control"].startswith(expected), headers

    ssccs = [
        json.loads(body)["sscc"] for kind, s, _, body in answers if (kind, s) == ("pallet", 201)
    ]
    codes = [
        json.loads(body)["code"] for kind, s, _, body in answers if (kind, s) == ("harvest", 201)
    ]
    ranges = sorted(_serial_range(h) for kind, s, h, _ in answers if (kind, s) == ("labels", 200))
    with served["engine"].connect() as conn:

        def column(sql, **params):
            return [row[0] for row in conn.execute(text(sql), params)]

        held_ssccs = column("SELECT sscc FROM pallet")
        held_serials = column("SELECT serial FROM carton_serial")
        held_harvests = column(
            "SELECT code FROM lot WHERE kind = 'harvest' AND produced_on = '2026-06-12'"
        )
        held_ranges = [
            tuple(row)
            for row in conn.execute(
                text("SELECT serial_first, serial_last FROM label_job ORDER BY serial_first")
            )
        ]
        palletised = column("SELECT cartons_palletised FROM lot WHERE code = :c", c=packed)[0]
        scans = column("SELECT coalesce(sum(count), 0) FROM scan_counter")[0]
        events = column("SELECT count(*) FROM event")[0]

    # Nothing lost, nothing else written, nothing twice.
    assert len(set(ssccs)) == len(ssccs) == CARTONS and sorted(held_ssccs) == sorted(ssccs)
    assert len(set(codes)) == len(codes) == HARVESTS and sorted(held_harvests) == sorted(codes)
    assert held_ranges == ranges
    serials = [s for first, last in ranges for s in range(first, last + 1)]
    assert serials == list(range(1, CARTONS + 1))  # 60 cartons' numbers, none twice or skipped
    assert sorted(held_serials) == sorted(serials_seen) and len(set(held_serials)) == CARTONS
    assert palletised == CARTONS
    assert scans == read_statuses[("carton", 200)]
    # Setup: harvest, receive, treat, pack; then one event per acknowledged pallet and harvest.
    assert events == 4 + CARTONS + HARVESTS

    status, _, body = client.call("GET", "/api/v1/audit/verify", token=tokens["inspector"])
    assert status == 200
    verified = json.loads(body)
    assert verified["ok"] is True and verified["events_checked"] == events, verified

    # Four processes, one truth: after the writes, and the quarter second a worker trusts its
    # last look at the database (LOOKUP_CACHE_RECHECK), every worker serves the same lot page.
    time.sleep(0.3)

    def final_check(_):
        out = []
        for _ in range(2 * WORKERS):
            status, headers, body = client.call(
                "GET", f"/01/{GTIN}/10/{packed}", headers={"X-Check": "final"}
            )
            out.append((status, headers.get("ETag"), body))
        return out

    checks = _parallel(final_check, WORKERS)
    assert {status for status, _, _ in checks} == {200}
    pages = list({(etag, body) for _, etag, body in checks})
    assert len(pages) == 1, _differences(pages)
    served_by = _access_log(served["access"])
    workers = worker_pids(served["server"].pid)
    assert len(workers) == WORKERS and set(served_by["all"]) == workers, (served_by, workers)
    assert len(set(served_by["final"])) >= 2, served_by["final"]
    print(
        f"{len(answers)} writes, {len(reads)} reads in {elapsed:.1f} s over {WORKERS} workers "
        f"(requests per worker: {sorted(Counter(served_by['all']).values())}); "
        f"{events} events verified; the final page from {len(set(served_by['final']))} workers"
    )


def _differences(pages) -> str:
    """What differs between the first two of several versions of a page (a stale worker?)."""
    (etag_a, a), (etag_b, b) = pages[:2]
    lines = difflib.unified_diff(
        a.decode().splitlines(), b.decode().splitlines(), str(etag_a), str(etag_b), lineterm=""
    )
    return f"{len(pages)} versions of the page:\n" + "\n".join(list(lines)[:60])


def _parallel(fn, n):
    results = [None] * n

    def run(i):
        results[i] = fn(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [item for result in results for item in result]


def _access_log(path: Path) -> dict[str, list[int]]:
    """Which worker (pid) answered each request, from gunicorn's access log."""
    out = {"all": [], "final": []}
    for line in path.read_text().splitlines():
        pid, check = line.split()[:2]
        out["all"].append(int(pid.strip("<>")))
        if check == "final":
            out["final"].append(int(pid.strip("<>")))
    return out


def _browser(reader: int, n: int) -> dict:
    """A person's phone opening a page: each read another person (its own user agent), so every
    carton view is a counted scan."""
    return {
        "Accept-Language": "ja",
        "Accept": "text/html",
        "Sec-Fetch-Dest": "document",
        "User-Agent": f"phone-{reader}-{n}",
    }


def _serial_range(headers) -> tuple[int, int]:
    """The cartons' numbers a label job printed, from its file name cartons-LOT-FIRST-LAST.zpl."""
    disposition = headers["Content-Disposition"]
    match = re.search(r"cartons-[^\"]+-(\d+)-(\d+)\.zpl", disposition)
    assert match, disposition
    return int(match.group(1)), int(match.group(2))
