"""Cooling and inspection from the staff pages: what they record, what they refuse (beside the
field, nothing written), and a hold put on by a failed inspection and lifted by an inspector's
passing one, with who lifted it on the lot's page."""

from __future__ import annotations

from sqlmodel import Session, select

from tests.flows import count_rows
from tests.web.test_web_worker import errors_of, harvest_lot
from trace.db.models import Event, Lot


def test_a_worker_records_a_cooling(as_, api, ids, engine):
    code = harvest_lot(api, ids)
    worker = as_("worker")
    worker.open(f"/app/cool?lot={code}")
    assert 'name="temperature_c"' in worker.html
    before = count_rows(engine)
    worker.send({"temperature_c": "99", "cooled_at": "2026-06-10T16:00"}, action="submit")
    assert "Between -40 and 60" in errors_of(worker.html, "temperature_c")
    assert count_rows(engine) == before  # refused: nothing written
    worker.send(
        {
            "temperature_c": "4,5".replace(",", "."),
            "duration_h": "6",
            "cooled_at": "2026-06-10T16:00",
        },
        action="submit",
    )
    assert worker.url == f"/app/lots/{code}"
    assert f"Cooling of lot {code} recorded." in worker.text()
    with Session(engine) as session:
        cooling = session.exec(select(Event).where(Event.type == "cool")).one()
        assert cooling.data["temperature_c"] == 4.5 and cooling.data["duration_h"] == 6


def test_a_failed_inspection_holds_the_lot_until_an_inspector_passes_it(as_, api, ids, engine):
    code = harvest_lot(api, ids)
    worker = as_("worker")
    worker.open(f"/app/inspect?lot={code}")
    worker.send(
        {"result": "fail", "inspected_at": "2026-06-10T15:00", "notes": "fruit fly larvae"},
        action="submit",
    )
    assert worker.url == f"/app/lots/{code}"
    with Session(engine) as session:
        assert session.exec(select(Lot).where(Lot.code == code)).one().on_hold

    inspector = as_("inspector")
    inspector.open(f"/app/lots/{code}")
    assert "Record an inspection" in inspector.text()
    inspector.open(f"/app/inspect?lot={code}")
    inspector.send({"result": "pass", "inspected_at": "2026-06-11T09:00"}, action="submit")
    assert inspector.url == f"/app/lots/{code}"
    with Session(engine) as session:
        assert not session.exec(select(Lot).where(Lot.code == code)).one().on_hold
        results = [
            e.data["result"] for e in session.exec(select(Event).where(Event.type == "inspect"))
        ]
    assert results == ["fail", "pass"]


def test_a_correction_keeps_the_event_and_shows_before_and_after(as_, api, ids, engine):
    code = harvest_lot(api, ids, kg=1200, receive=1180)
    with Session(engine) as session:
        receipt = session.exec(select(Event).where(Event.type == "receive")).one()
    worker = as_("worker")
    worker.open(f"/app/lots/{code}")
    assert f"/app/events/{receipt.id}/correct" in worker.html
    worker.open(f"/app/events/{receipt.id}/correct")
    assert "1180" in worker.text()  # the value recorded now, beside the box for the right one
    before = count_rows(engine)
    worker.send({"new_quantity": "-3", "reason": "scale misread"})
    assert "greater than 0" in errors_of(worker.html, "new_quantity")
    worker.send({"new_quantity": "1160", "reason": ""})  # no reason given
    assert count_rows(engine) == before
    worker.send({"new_quantity": "1160", "reason": "scale misread"})
    assert worker.url == f"/app/lots/{code}"
    text = worker.text()
    assert "1180 → 1160" in text.replace("  ", " ") and "scale misread" in text
    with Session(engine) as session:
        lot = session.exec(select(Lot).where(Lot.code == code)).one()
        assert lot.received == 1160
        same = session.get(Event, receipt.id)
        assert same.hash == receipt.hash and same.data == receipt.data  # the original stays
        fix = session.exec(select(Event).where(Event.type == "correct")).one()
        assert fix.corrects_id == receipt.id and fix.data["before"] == {"quantity": 1180}


def test_a_correction_of_an_unknown_or_huge_event_id_is_a_404(as_):
    worker = as_("worker")
    for ident in ("999999", str(2**70)):
        assert worker.open(f"/app/events/{ident}/correct").status_code == 404
