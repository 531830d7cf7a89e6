"""Trace and recall cost a few SQL statements however big the graph: no query per node.

The graphs come from bench/season.py's generator (a small season through the product's bulk
path): packings of two or three harvest lots, mixed pallets, shipments of ten pallets. An
orchard's growing-area code reaches every lot, pallet and shipment of that orchard.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from bench.season import generate
from tests.flows import statements
from trace.db import graph
from trace.db.models import Lot
from trace.services import audit, lots, masterdata, tracing, users

# The chain head read, the code resolved, the walk, one query per kind of node present (places
# with their codes, lots, pallets, shipments), the events.
TRACE_STATEMENTS = 8
# The chain head read, the code resolved, (for a pallet or shipment, the walk back to the lots
# it carried,) the walk, the lots, the pallets with their shipments and affected cartons.
RECALL_STATEMENTS = 6
# Asked again while the chain head is the same: the head read.
KEPT_STATEMENTS = 1


@pytest.fixture
def season(engine):
    made = generate(engine, 3000, seed=7, progress=False, cache=False)
    with engine.connect() as connection:
        made["orchard"] = connection.execute(
            text("SELECT value FROM location_code WHERE scheme = 'PUC' ORDER BY id")
        ).first()[0]
        made["pallet"] = connection.execute(text("SELECT sscc FROM pallet ORDER BY id")).first()[0]
    return made


def _starts(season) -> list[str]:
    return [
        *(str(s) for s in season["shipments"][:3]),
        *(h["code"] for h in season["harvest"][:3]),
        season["samples"][0]["lot"],
        season["pallet"],
        season["orchard"],
    ]


def _resolving(season, code: str) -> int:
    """Statements to find what a code names: one, a growing-area code too."""
    return 1


def test_a_trace_costs_the_same_few_statements_for_any_graph(engine, season):
    sizes = set()
    with Session(engine) as session:
        for code in _starts(season):
            for direction in ("backward", "forward"):
                with statements(engine) as seen:
                    answer = tracing.trace(session, code, direction)
                kinds = {n["id"].split(":")[0] for n in answer["nodes"]}
                events = 1 if kinds - {"location"} else 0  # an orchard alone has none to read
                expected = 1 + _resolving(season, code) + 1 + len(kinds) + events
                assert len(seen) == expected, (code, direction, seen)
                assert len(seen) <= _resolving(season, code) - 1 + TRACE_STATEMENTS
                sizes.add(len(answer["edges"]))
    assert max(sizes) >= 20 * max(min(sizes), 1)  # from one edge to hundreds


def test_a_recall_costs_the_same_few_statements_for_any_graph(engine, season):
    shipments = set()
    with Session(engine) as session:
        for code in _starts(season):
            with statements(engine) as seen:
                answer = tracing.recall(session, code)
            assert len(seen) <= _resolving(season, code) - 1 + RECALL_STATEMENTS, (code, seen)
            shipments.add(answer["totals"]["shipments"])
    assert max(shipments) >= 10  # the orchard's lots went out in many containers


def test_the_endpoints_add_no_statement_per_node(api, engine, season):
    """What a request runs beyond the service call (its token, …) is the same for any graph."""
    inspector = api.as_("inspector")
    added = {}
    for code in _starts(season):
        for path, call, args in [
            (f"/trace/{code}?direction=forward", tracing.trace, (code, "forward")),
            (f"/recall/{code}", tracing.recall, (code,)),
        ]:
            inspector.get(path)  # the token's first use is behind us
            with statements(engine) as seen:
                response = inspector.get(path)
            assert response.status_code == 200, response.json
            with Session(engine) as session, statements(engine) as served:
                call(session, *args)
            added[path] = len(seen) - len(served)
    assert len(set(added.values())) == 1, added


def test_a_generated_season_is_a_chain_that_verifies(engine, season):
    with Session(engine) as session:
        checked = audit.verify(session)
    assert checked["ok"], checked["first_broken"]
    assert checked["events_checked"] == season["counts"]["event"]


def test_asking_again_reads_only_the_chain_head_and_answers_the_same(engine, season):
    with Session(engine) as session:
        for code in _starts(season):
            first = (tracing.trace(session, code, "backward"), tracing.recall(session, code))
            with statements(engine) as seen:
                again = (tracing.trace(session, code, "backward"), tracing.recall(session, code))
            assert len(seen) == 2 * KEPT_STATEMENTS, (code, seen)
            assert again == first
            anew = (
                tracing.trace.build(session, code, "backward"),
                tracing.recall.build(session, code),
            )
            assert _plain(again) == _plain(anew)


def _plain(answers) -> list:
    """Answers with their events as column values, to compare what is said."""
    return [
        {**a, "events": [dict(zip(e.__slots__, (getattr(e, k) for k in e.__slots__), strict=True))
                         for e in a.get("events", [])]}
        for a in answers
    ]  # fmt: skip


def test_what_is_recorded_after_an_answer_is_in_the_next_one(engine, season):
    lot = season["harvest"][0]["code"]
    with Session(engine) as session:
        inspector = users.create(session, "inspector-kept", "inspector")[0]
        before = tracing.recall(session, lot)
        traced = tracing.trace(session, lot, "backward")
        assert [x["on_hold"] for x in before["lots"] if x["code"] == lot] == [False]
        lots.inspect(
            session, inspector, lot,
            {"inspected_at": datetime.now(UTC), "result": "fail", "notes": "kept answers"},
        )  # fmt: skip
        after = tracing.recall(session, lot)
        assert [x["on_hold"] for x in after["lots"] if x["code"] == lot] == [True]
        retraced = tracing.trace(session, lot, "backward")
        assert len(retraced["events"]) == len(traced["events"]) + 1
        assert retraced["events"][-1].type == "inspect"

        orchard = next(n for n in retraced["nodes"] if n["id"].startswith("location:"))
        masterdata.update_location(session, int(orchard["id"][9:]), {"name": "Renamed orchard"})
        renamed = tracing.trace(session, lot, "backward")
        assert any(n["label"] == "Renamed orchard" for n in renamed["nodes"])


def test_a_session_that_wrote_uncommitted_rows_reads_anew_and_keeps_nothing(engine, season):
    lot = season["harvest"][0]["code"]
    with Session(engine) as session:
        tracing.recall(session, lot)
        row = session.exec(select(Lot).where(Lot.code == lot)).one()
        row.on_hold = True
        session.add(row)
        session.flush()  # written, not committed
        seen = tracing.recall(session, lot)
        assert [x["on_hold"] for x in seen["lots"] if x["code"] == lot] == [True]
        session.rollback()
        again = tracing.recall(session, lot)
        assert [x["on_hold"] for x in again["lots"] if x["code"] == lot] == [False]


def test_an_answer_too_big_to_keep_is_read_anew_each_time(engine, season, monkeypatch):
    orchard = season["orchard"]  # reaches every lot, pallet and shipment of the orchard
    with Session(engine) as session:
        size = len(tracing.trace.build(session, orchard, "forward")["edges"])
        monkeypatch.setattr(tracing, "KEPT_ROWS", size)  # the answer's edges alone fill it
        first = tracing.trace(session, orchard, "forward")
        with statements(engine) as seen:
            again = tracing.trace(session, orchard, "forward")
        assert len(seen) > KEPT_STATEMENTS
        assert _plain([again]) == _plain([first])
        small = season["harvest"][0]["code"]
        tracing.recall(session, small)
        with statements(engine) as seen:
            tracing.recall(session, small)
        assert len(seen) == KEPT_STATEMENTS  # a small one is still kept


def test_event_data_keeps_integers_beyond_64_bits_exact():
    """Events are read with orjson, which would turn such an integer into a float."""
    for number in (2**64, -(2**64) - 1, -(2**63) - 1, 10**30):
        assert tracing._json(f'{{"n": {number}, "x": [1.5]}}') == {"n": number, "x": [1.5]}
        written = f'{{"crew": "Tổ 6", "lot": "H260525", "n": {number}}}'
        assert tracing._json(written) == {"crew": "Tổ 6", "lot": "H260525", "n": number}
    assert tracing._json('{"n": 42, "crew": "Tổ 6"}') == {"n": 42, "crew": "Tổ 6"}


def test_an_answer_of_more_nodes_than_a_statement_takes_reads_the_same_in_chunks(
    engine, season, monkeypatch
):
    """Ids and walks' starts go to the database CHUNK at a time (a statement takes only so many): an orchard's
    whole season, read a few nodes at a time, is the same answer in the same order."""
    starts = [season["orchard"], str(season["shipments"][0]), season["pallet"]]
    with Session(engine) as session:
        whole = [
            (tracing.trace.build(session, code, "forward"), tracing.recall.build(session, code))
            for code in starts
        ]
        assert len(whole[0][0]["nodes"]) > 100 and len(whole[0][1]["lots"]) > 20
        monkeypatch.setattr(tracing, "CHUNK", 7)
        monkeypatch.setattr(graph, "CHUNK", 7)  # a recall's walk from a shipment's lots
        with statements(engine) as seen:
            chunked = [
                (tracing.trace.build(session, c, "forward"), tracing.recall.build(session, c))
                for c in starts
            ]
    assert len(seen) > len(whole[0][0]["nodes"]) // 7  # read in chunks indeed
    for ours, theirs in zip(chunked, whole, strict=True):
        assert _plain(ours) == _plain(theirs)
