"""`flask --app wsgi backup FILE` and `restore FILE`, on SQLite and PostgreSQL.

What an operator relies on: a restored database is the one backed up (every event, its hash,
every table's rows, the sequences that hand out SSCCs and serials), its hash chain verifies, it
keeps working (same tokens, new writes chained on), a database that holds data is not replaced
by mistake, and a backup taken while the service writes is one moment's consistent state.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import uuid
from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import Session

from tests.conftest import Api
from tests.flows import BROWSER, GTIN, master_data, packed_season, printed_serials, shipment_body
from trace.app import create_app
from trace.db.engine import make_engine
from trace.db.models import User
from trace.services import backup, lots, masterdata, users


@pytest.fixture
def new_database(request, database_url, tmp_path):
    """More databases of the kind under test: `new_database()` is empty (no tables at all),
    `new_database(migrated=True)` as `db upgrade` leaves it."""
    made = []
    sqlite = database_url.startswith("sqlite")

    def make(migrated: bool = False) -> str:
        if sqlite:
            path = tmp_path / f"other-{len(made)}.db"
            made.append(path)
            if migrated:
                shutil.copy(request.getfixturevalue("sqlite_template"), path)
            return f"sqlite:///{path}"
        admin = request.getfixturevalue("pg_template")
        name = f"r{os.getpid()}_{uuid.uuid4().hex[:12]}"
        template = " TEMPLATE trace_template" if migrated else ""
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}{template}"))
        made.append(name)
        return request.getfixturevalue("pg_server").url(name)

    yield make
    if not sqlite and made:
        admin = request.getfixturevalue("pg_template")
        with admin.connect() as conn:
            for name in made:
                conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))


def other_app(url, folder):
    return create_app({"TESTING": True, "DATABASE_URL": url, "INSTANCE_PATH": str(folder)})


def record_season(api, client) -> dict:
    """The walkthrough to the departure, a carton label job (serials) and a counted scan."""
    ids = master_data(api)
    codes = packed_season(api, ids) | {"orchard": ids["orchard"]}
    worker = api.as_("worker")
    response = worker.post("/shipments", json=shipment_body(ids, codes["ssccs"]))
    assert response.status_code == 201, response.json
    codes["shipment"] = response.json["id"]
    response = worker.post(
        f"/shipments/{codes['shipment']}/departures",
        json={"departed_at": "2026-06-12T22:00:00+07:00"},
    )
    assert response.status_code == 201, response.json
    body = {"kind": "carton", "lot": codes["packed"], "count": 3}
    response = worker.post("/labels", json=body | {"size": "100x150mm", "format": "zpl"})
    assert response.status_code == 200 and response.data.startswith(b"^XA")
    codes["serials"] = printed_serials(response.data)
    carton = f"/01/{GTIN}/10/{codes['packed']}/21/{codes['serials'][1]}"
    assert client.get(carton, headers=BROWSER).status_code == 200
    return codes


def contents(engine) -> dict:
    """Everything a restore must bring back, read straight from the tables."""
    with engine.connect() as conn:

        def rows(sql):
            return [tuple(r) for r in conn.execute(text(sql))]

        return {
            "counts": {
                t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()
                for t in backup.COUNTED
            },
            "events": rows("SELECT id, event_id, type, prev_hash, hash FROM event ORDER BY id"),
            "head": rows("SELECT last_event_id, last_hash FROM chain_head"),
            "counters": rows("SELECT name, value FROM counter ORDER BY name"),
            "pallets": rows("SELECT sscc, shipment_id, cartons FROM pallet ORDER BY id"),
            "labels": rows("SELECT lot_id, serial_first, serial_last FROM label_job ORDER BY id"),
            "scans": rows("SELECT gtin, lot, serial, count FROM scan_counter"),
            "serials": rows("SELECT product_id, serial, number, lot_id FROM carton_serial"),
            "tokens": rows("SELECT token_hash FROM api_token ORDER BY id"),
        }


@pytest.mark.parametrize("target", ["empty", "migrated"])
def test_round_trip_restores_the_same_database_and_its_chain_verifies(
    app, api, client, engine, new_database, tmp_path, target
):
    codes = record_season(api, client)
    before = contents(engine)
    events = before["counts"]["event"]
    assert events == 8 and before["labels"] and before["scans"]
    file = tmp_path / "season.backup"
    result = app.test_cli_runner().invoke(args=["backup", str(file)])
    assert result.exit_code == 0, result.output
    assert f"{events} events, chain head {before['head'][0][1]}" in result.output

    other = other_app(new_database(migrated=target == "migrated"), tmp_path / "other")
    try:
        result = other.test_cli_runner().invoke(args=["restore", str(file)])
        assert result.exit_code == 0, result.output
        assert f"the hash chain verifies: {events} events checked" in result.output
        assert f"{events} events, chain head {before['head'][0][1]}" in result.output
        other_engine = other.extensions["trace.engine"]
        assert contents(other_engine) == before

        # It keeps working: the same tokens, the same answers, new events chained on.
        restored = Api(other.test_client(), api.tokens)
        recall = restored.as_("inspector").get(f"/recall/{codes['harvest']}").json
        assert [s["id"] for s in recall["shipments"]] == [codes["shipment"]]
        response = restored.as_("worker").post(
            "/lots/harvest",
            json={
                "orchard_id": codes["orchard"],
                "commodity": "lychee",
                "quantity": 500,
                "unit": "kg",
                "harvested_on": "2026-06-12",
            },
        )
        assert response.status_code == 201, response.json
        body = {"kind": "carton", "lot": codes["packed"], "count": 2, "size": "100x150mm"}
        response = restored.as_("worker").post("/labels", json=body | {"format": "zpl"})
        assert response.status_code == 200
        assert "cartons-" + codes["packed"] + "-4-5" in response.headers["Content-Disposition"]
        check = restored.as_("inspector").get("/audit/verify").json
        assert check["ok"] is True and check["events_checked"] == events + 1
        # Still append-only: the triggers came back with the tables.
        with pytest.raises(Exception, match="append-only"), other_engine.begin() as conn:
            conn.execute(text("UPDATE event SET type = 'x' WHERE id = 1"))
    finally:
        other.extensions["trace.engine"].dispose()


def test_restore_refuses_a_database_holding_data_unless_forced(
    app, api, client, engine, new_database, tmp_path
):
    record_season(api, client)
    file = tmp_path / "season.backup"
    assert app.test_cli_runner().invoke(args=["backup", str(file)]).exit_code == 0
    other = other_app(new_database(migrated=True), tmp_path / "other")
    runner = other.test_cli_runner()
    try:
        created = runner.invoke(args=["users", "create", "someone", "--role", "admin"])
        assert created.exit_code == 0, created.output
        other_engine = other.extensions["trace.engine"]
        held = contents(other_engine)

        result = runner.invoke(args=["restore", str(file)])
        assert result.exit_code != 0
        assert "holds data already" in result.output and "--force" in result.output
        assert contents(other_engine) == held

        junk = tmp_path / "notes.txt"
        junk.write_text("not a backup")
        result = runner.invoke(args=["restore", "--force", str(junk)])
        assert result.exit_code != 0 and "is not a trace backup" in result.output
        assert contents(other_engine) == held

        result = runner.invoke(args=["restore", "--force", str(file)])
        assert result.exit_code == 0, result.output
        assert "the hash chain verifies" in result.output
        assert contents(other_engine) == contents(engine)
    finally:
        other.extensions["trace.engine"].dispose()


def test_restore_says_when_the_restored_chain_is_broken(app, api, client, engine, tmp_path):
    record_season(api, client)
    with engine.begin() as conn:  # someone with database access rewrote an event
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER event_no_update"))
        else:
            conn.execute(text("ALTER TABLE event DISABLE TRIGGER event_no_update"))
        conn.execute(text("UPDATE event SET tz_offset = '+00:00' WHERE id = 3"))
    file = tmp_path / "season.backup"
    assert app.test_cli_runner().invoke(args=["backup", str(file)]).exit_code == 0
    result = app.test_cli_runner().invoke(args=["restore", "--force", str(file)])
    assert result.exit_code == 1
    assert "does NOT verify: BROKEN at event 3" in result.output


def test_a_backup_taken_while_another_connection_writes_is_one_moment(
    engine, database_url, new_database, tmp_path
):
    with Session(engine, expire_on_commit=False) as session:
        orchard = masterdata.create_location(session, {"kind": "orchard", "name": "Vườn 1"}).id
        actor_id = users.create(session, "writer", "worker")[0].id
    written: list[str] = []
    stop = threading.Event()
    failures: list[BaseException] = []

    def write():
        # Its own engine: another connection (another process, as far as the database knows).
        writer = make_engine(database_url)
        try:
            with Session(writer, expire_on_commit=False) as session:
                actor = session.get(User, actor_id)
                while not stop.is_set():
                    lot = lots.harvest(
                        session,
                        actor,
                        {
                            "orchard_id": orchard,
                            "commodity": "lychee",
                            "unit": "kg",
                            "quantity": 100,
                            "harvested_on": date(2026, 6, 10),
                        },
                    )
                    written.append(lot.code)
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)
        finally:
            writer.dispose()

    def wait_for(count):
        deadline = time.monotonic() + 30
        while len(written) < count and not failures and time.monotonic() < deadline:
            time.sleep(0.01)

    thread = threading.Thread(target=write)
    thread.start()
    taken = []
    try:
        for i in range(4):
            wait_for(len(written) + 5)
            file = tmp_path / f"while-writing-{i}.backup"
            taken.append((file, backup.backup(database_url, file)))
        wait_for(len(written) + 5)
    finally:
        stop.set()
        thread.join()
    assert not failures, failures
    with engine.connect() as conn:
        final = conn.execute(text("SELECT count(*) FROM event")).scalar_one()
    assert final == len(written)
    counts = [summary.events for _, summary in taken]
    assert counts == sorted(set(counts)) and counts[0] > 0 and counts[-1] < final, counts

    for file, summary in taken:
        url = new_database()
        restored = backup.restore(url, file)
        assert restored.verify["ok"] is True, restored.verify["first_broken"]
        assert restored.verify["events_checked"] == summary.events
        assert restored.summary.events == summary.events
        assert restored.summary.last_hash == summary.last_hash
        assert restored.summary.rows == summary.rows
        check = make_engine(url)
        try:
            with check.connect() as conn:
                lots_held = conn.execute(text("SELECT count(*) FROM lot")).scalar_one()
                harvests = conn.execute(
                    text("SELECT count(*) FROM event WHERE type = 'harvest'")
                ).scalar_one()
                newest = conn.execute(text("SELECT max(id) FROM event")).scalar_one()
        finally:
            check.dispose()
        # The state tables and the log are of the same moment: one lot per harvest event.
        assert lots_held == harvests == summary.events
        assert newest == summary.last_event_id
