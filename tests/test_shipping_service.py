"""The shipment use case without HTTP: the staff page's check (`shipments.check_loading`)
lists what `shipments.create` then refuses, first refusal first, and a refused loading writes
nothing. Rules, not persistence: SQLite only."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select

from tests.flows import count_rows, shipment_body
from trace.db.models import User
from trace.domain.errors import RuleViolation
from trace.services import shipments

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _body(ids, ssccs, market="JP") -> dict:
    body = shipment_body(ids, ssccs, market)
    return body | {"loaded_at": datetime.fromisoformat(body["loaded_at"])}


def _worker(session) -> User:
    return session.exec(select(User).where(User.name == "worker-1")).one()


def test_the_check_lists_what_loading_then_refuses_and_nothing_is_written(
    api, ids, season, session, engine
):
    api.as_("worker").post(
        f"/lots/{season['harvest']}/inspections",
        json={"inspected_at": "2026-06-12T08:00:00+07:00", "result": "fail"},
    )
    ssccs = season["ssccs"]
    found = shipments.check_loading(session, ssccs, "US", ids["importer"])
    assert [refusal.kind for refusal in found] == [
        "hold.on_hold",
        "market.codes_missing",
        "market.consignee_outside",
        "market.treatment_missing",
    ]
    assert found[0].params["lots"] == [season["harvest"]]
    assert found[3].params["had"] == ["fumigation"]
    before = count_rows(engine)
    with pytest.raises(RuleViolation) as refused:
        shipments.create(session, _worker(session), _body(ids, ssccs, "US"))
    assert (refused.value.kind, refused.value.message) == (found[0].kind, found[0].message)
    assert count_rows(engine) == before
    # nothing to check before a market is chosen
    assert shipments.check_loading(session, ssccs, None) is None


def test_a_loaded_pallet_is_refused_elsewhere_but_not_in_its_own_shipment(
    api, ids, season, session
):
    ssccs = season["ssccs"]
    assert shipments.check_loading(session, ssccs, "JP", ids["importer"]) == []
    shipment = shipments.create(session, _worker(session), _body(ids, ssccs))
    assert [p.sscc for p in shipments.pallets_of(session, shipment)] == ssccs
    assert shipments.check_loading(session, ssccs, "JP", ids["importer"], own=shipment.id) == []
    found = shipments.check_loading(session, ssccs, "JP", ids["importer"])
    assert [(r.kind, r.params) for r in found] == [
        ("shipment.pallet_shipped", {"sscc": sscc, "shipment": shipment.id}) for sscc in ssccs
    ]
    with pytest.raises(RuleViolation, match="a pallet ships once"):
        shipments.create(session, _worker(session), _body(ids, ssccs[:1]))
