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
