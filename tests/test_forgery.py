"""Someone with database access rewrites history: `/audit/verify` names what was done
(issue: hardening, item 7), on SQLite and PostgreSQL.

Each test first lifts the append-only guard (the database's triggers), as a forger with the
database's own rights would, then edits, deletes, reorders or inserts events.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from tests.flows import master_data, packed_season

COLUMNS = "event_id, type, epcis_type, action, biz_step, disposition, event_time, tz_offset, \
read_point_id, biz_location_id, data, user_id, corrects_id, record_time, prev_hash, hash"


@pytest.fixture
def chain(api, engine) -> list[int]:
    """The walkthrough to two pallets; the ids of its events, oldest first."""
    packed_season(api, master_data(api))
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT id FROM event ORDER BY id")).scalars())


def _unguarded(conn) -> None:
    if conn.dialect.name == "sqlite":
        conn.execute(text("DROP TRIGGER event_no_update"))
        conn.execute(text("DROP TRIGGER event_no_delete"))
    else:
        conn.execute(text("ALTER TABLE event DISABLE TRIGGER event_no_update"))
        conn.execute(text("ALTER TABLE event DISABLE TRIGGER event_no_delete"))


def _plain(values: dict) -> dict:
    """A row read back, ready to write as plain SQL parameters (JSON as its text)."""
    return {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in values.items()}


def _verify(api) -> dict:
    response = api.as_("inspector").get("/audit/verify")
    assert response.status_code == 200
    return response.json


def test_an_untouched_chain_verifies(api, chain):
    result = _verify(api)
    assert result["ok"] is True and result["events_checked"] == len(chain)


def test_a_deleted_event_is_named_by_the_one_after_it(api, engine, chain):
    gone, after = chain[2], chain[3]
    with engine.begin() as conn:
        _unguarded(conn)
        conn.execute(text("DELETE FROM event_ref WHERE event_id = :id"), {"id": gone})
        conn.execute(text("DELETE FROM edge WHERE event_id = :id"), {"id": gone})
        conn.execute(text("DELETE FROM event WHERE id = :id"), {"id": gone})
    result = _verify(api)
    assert result["ok"] is False
    assert result["first_broken"]["id"] == after
    assert "removed" in result["first_broken"]["reason"]


def test_the_newest_event_deleted_is_caught_by_the_chain_head(api, engine, chain):
    with engine.begin() as conn:
        _unguarded(conn)
        for table in ("event_ref", "edge"):
            conn.execute(text(f"DELETE FROM {table} WHERE event_id = :id"), {"id": chain[-1]})
        conn.execute(text("DELETE FROM event WHERE id = :id"), {"id": chain[-1]})
    result = _verify(api)
    assert result["ok"] is False
    assert "chain head" in result["first_broken"]["reason"]


def test_two_events_swapped_are_named(api, engine, chain):
    """The chain reordered: two events' whole rows (hashes included) exchange places."""
    first, second = chain[1], chain[2]
    columns = [c.strip() for c in COLUMNS.split(",")]
    with engine.begin() as conn:
        _unguarded(conn)
        rows = {
            ident: conn.execute(
                text(f"SELECT {COLUMNS} FROM event WHERE id = :id"), {"id": ident}
            ).one()
            for ident in (first, second)
        }
        for ident in (first, second):  # out of the way of the unique eventIDs
            conn.execute(
                text("UPDATE event SET event_id = event_id || '-x' WHERE id = :id"), {"id": ident}
            )
        for ident, other in ((first, second), (second, first)):
            values = _plain(dict(zip(columns, rows[other], strict=True)))
            assignments = ", ".join(f"{c} = :{c}" for c in columns)
            conn.execute(
                text(f"UPDATE event SET {assignments} WHERE id = :id"), values | {"id": ident}
            )
    result = _verify(api)
    assert result["ok"] is False
    assert result["first_broken"]["id"] == first


def test_an_inserted_event_with_a_made_up_hash_is_named(api, engine, chain):
    with engine.begin() as conn:
        _unguarded(conn)
        row = conn.execute(
            text(f"SELECT {COLUMNS} FROM event WHERE id = :id"), {"id": chain[-1]}
        ).one()
        values = _plain(dict(zip([c.strip() for c in COLUMNS.split(",")], row, strict=True)))
        values |= {"event_id": "urn:uuid:forged", "prev_hash": row.hash, "hash": "f" * 64}
        names = ", ".join(values)
        conn.execute(
            text(f"INSERT INTO event ({names}) VALUES ({', '.join(':' + n for n in values)})"),
            values,
        )
    result = _verify(api)
    assert result["ok"] is False
    assert (
        "edited" in result["first_broken"]["reason"]
        or "chain head" in result["first_broken"]["reason"]
    )
