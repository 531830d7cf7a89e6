"""Crashes and retries (issue: hardening, item 4): a capture killed with SIGKILL half way leaves
nothing behind, and a server killed and restarted under load loses no acknowledged write (the
clients retry with the same Idempotency-Key, so nothing is recorded twice either)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from bench.epcis import document
from tests.conftest import Api
from tests.flows import harvest_body, master_data
from trace.app import create_app
from trace.config import ROOT
from trace.services import audit, users

# The capture runs in a child process that stops, its events and their links inserted but not
# committed, and says so; the test then kills it with SIGKILL.
CHILD = textwrap.dedent(
    """
    import json, os, sys, time
    from trace.app import create_app
    from trace.services.epcis import capture as epcis

    insert = epcis.bulk_insert
    def insert_then_hang(session, table, columns, rows):
        insert(session, table, columns, rows)
        if table == "event_ref":
            print("HALF", flush=True)
            time.sleep(120)
    epcis.bulk_insert = insert_then_hang

    app = create_app({"DATABASE_URL": os.environ["URL"], "INSTANCE_PATH": os.environ["FOLDER"]})
    body = open(os.environ["DOCUMENT"], "rb").read()
    app.test_client().post(
        "/api/v1/epcis/capture", data=body, content_type="application/ld+json",
        headers={"Authorization": "Bearer " + os.environ["TOKEN"]},
    )
    print("DONE", flush=True)
    """
)


def test_a_capture_killed_half_way_leaves_nothing(app, engine, database_url, tmp_path):
    with Session(engine, expire_on_commit=False) as session:
        _, token = users.create(session, "importer-sys", "admin")
    path = tmp_path / "document.json"
    path.write_text(json.dumps(document(3000)))
    env = os.environ | {"URL": database_url, "FOLDER": str(tmp_path), "DOCUMENT": str(path),
                        "TOKEN": token, "PYTHONPATH": str(ROOT)}  # fmt: skip
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "HALF"  # 3,000 events in, not committed
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(30)
    engine.dispose()  # what the next start of the service sees
    with engine.connect() as conn:
        for table in ("event", "event_ref", "event_uri", "capture_job"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0, table
    with Session(engine) as session:
        assert audit.verify(session)["ok"] is True
    # and the same document goes in whole when sent again
    response = app.test_client().post(
        "/api/v1/epcis/capture",
        data=path.read_bytes(),
        content_type="application/ld+json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code in (201, 202), response.get_json()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM event")).scalar_one() == 3000


# --- a server killed under load -----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gunicorn(port: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-k", "sync", "-w", "2",
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("gunicorn did not start")


def _post(port: int, path: str, body: dict, token: str, key: str):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            "POST",
            path,
            body=json.dumps(body),
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Idempotency-Key": key,
            },
        )
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_a_server_killed_under_load_loses_no_acknowledged_write(database_url, tmp_path):
    app = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path)}
    )
    engine = app.extensions["trace.engine"]
    tokens = {}
    with Session(engine, expire_on_commit=False) as session:
        for role in ("admin", "worker"):
            _, tokens[role] = users.create(session, f"{role}-1", role)
    ids = master_data(Api(app.test_client(), tokens))
    port = _free_port()
    env = os.environ | {"TRACE_DATABASE_URL": database_url, "TRACE_INSTANCE": str(tmp_path),
                        "TRACE_RATELIMIT_ENABLED": "false"}  # fmt: skip
    server = {"process": _gunicorn(port, env)}
    acknowledged: dict[str, str] = {}  # key → harvest code the client was told
    recorded_unanswered: set[str] = set()  # 409: recorded, the answer lost in the crash
    lock = threading.Lock()
    body = harvest_body(ids, quantity=10)

    errors: list[object] = []

    def writer(n: int) -> None:
        try:
            write(n)
        except Exception as error:
            errors.append(error)

    def write(n: int) -> None:
        for _ in range(n):
            key = str(uuid.uuid4())
            for _attempt in range(200):  # a tablet retries until it hears back
                try:
                    status, data = _post(port, "/api/v1/lots/harvest", body, tokens["worker"], key)
                except OSError:
                    time.sleep(0.05)
                    continue
                if status == 201:
                    with lock:
                        acknowledged[key] = json.loads(data)["code"]
                    break
                if status == 409 and b"was recorded" in data:
                    with lock:
                        recorded_unanswered.add(key)
                    break
                if status >= 500:
                    time.sleep(0.05)
                    continue
                raise AssertionError((status, data))

    threads = [threading.Thread(target=writer, args=(40,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(2):  # twice, the machine "loses power": every process of it at once
            time.sleep(1.0)
            os.killpg(server["process"].pid, signal.SIGKILL)
            server["process"].wait(10)
            server["process"] = _gunicorn(port, env)
        for thread in threads:
            thread.join(120)
    finally:
        os.killpg(server["process"].pid, signal.SIGTERM)
        server["process"].wait(20)
    assert errors == []
    engine.dispose()
    with engine.connect() as conn:
        codes = list(conn.execute(text("SELECT code FROM lot WHERE kind = 'harvest'")).scalars())
    assert len(acknowledged) + len(recorded_unanswered) == 160
    assert set(acknowledged.values()) <= set(codes)  # every acknowledged write is there
    assert len(codes) == len(set(codes)) == 160  # and each request recorded once
    with Session(engine) as session:
        assert audit.verify(session)["ok"] is True
    engine.dispose()
