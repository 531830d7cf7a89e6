"""The mass balance and the lot's day, asked directly (no database, no web server): the rules
the receipt, packing, palletising and correction use cases apply, and the staff pages'
previews ask before a form is sent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from trace.domain.errors import Invalid, RuleViolation
from trace.domain.quantities import (
    Planned,
    cartons_left,
    left,
    require_cartons,
    require_cartons_fit,
    require_harvest_correction,
    require_packable,
    require_palletisable,
    require_receipts_correction,
    require_receivable,
)
from trace.domain.timing import require_from_day

VIETNAM = timezone(timedelta(hours=7))


def harvest(quantity=1200.0, received=0.0, used=0.0, unit="kg"):
    return SimpleNamespace(
        code="H260610-0001", kind="harvest", unit=unit, quantity=quantity, received=received,
        used=used, cartons=None, cartons_palletised=0,
    )  # fmt: skip


def packed(cartons=100, on=0, kg=1000.0, used=0.0):
    return SimpleNamespace(
        code="P260611-0002", kind="packed", unit="kg", quantity=kg, received=0.0, used=used,
        cartons=cartons, cartons_palletised=on,
    )  # fmt: skip


def refusal(rule, *args) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        rule(*args)
    return caught.value


def test_receipts_of_a_harvest_add_up_to_what_was_harvested_and_no_more():
    lot = harvest(1200, received=800)
    require_receivable(lot, 400, "kg")  # the rest of it, in a second truck
    require_receivable(harvest(0.3, received=0.1 + 0.1), 0.1, "kg")  # float sums still balance
    error = refusal(require_receivable, lot, 400.5, "kg")
    assert error.kind == "mass_balance.received_exceeds_harvested"
    assert error.params == {
        "lot": "H260610-0001", "harvested": 1200, "received": 800, "left": 400, "asked": 400.5,
        "unit": "kg",
    }  # fmt: skip
    assert error.message == (
        "lot H260610-0001: 1200 kg harvested, 800 received already; only 400 kg can still be "
        "received, not 400.5"
    )


def test_a_receipt_is_of_a_harvest_lot_in_its_own_unit():
    assert refusal(require_receivable, packed(), 10, "kg").kind == "receipt.packed_lot"
    error = refusal(require_receivable, harvest(unit="kg"), 10, "CT")
    assert (error.kind, error.params["asked_unit"]) == ("mass_balance.unit", "CT")


def test_the_receive_form_asks_the_same_rule_of_the_harvest_it_would_create():
    require_receivable(Planned(500), 500, "kg")
    assert refusal(require_receivable, Planned(500), 500.5, "kg").params["left"] == 500


def test_a_packing_takes_at_most_what_a_lot_has_left():
    lot = harvest(1200, received=1180, used=1000)
    assert left(lot) == 180
    require_packable(lot, 180, "kg")
    error = refusal(require_packable, lot, 180.5, "kg")
    assert error.kind == "mass_balance.packed_exceeds_received"
    assert error.params == {
        "lot": lot.code, "left": 180, "held": 1180, "used": 1000, "asked": 180.5, "unit": "kg"
    }  # fmt: skip
    # what is not received yet is not there to pack
    assert refusal(require_packable, harvest(1200, received=0), 1, "kg").params["left"] == 0
    # a packed lot gives of its own kilograms (repacking)
    assert left(packed(kg=1000, used=250)) == 750
    assert refusal(require_packable, harvest(), 1, "CT").kind == "mass_balance.unit"


def test_cartons_hold_no_more_than_the_kilograms_used():
    assert require_cartons_fit(100, 10.0, 1000.0) == 1000
    assert require_cartons_fit(3, 0.1, 0.1 + 0.1 + 0.1) == pytest.approx(0.3)
    assert require_cartons_fit(5, None, 0.0) == 0  # a product without a net weight
    error = refusal(require_cartons_fit, 101, 10.0, 1000.0)
    assert error.kind == "mass_balance.cartons_exceed_inputs"
    assert error.params == {"cartons": 101, "each": 10.0, "net": 1010.0, "total": 1000.0}


def test_a_pallet_takes_the_cartons_of_a_packed_lot_not_on_a_pallet_yet():
    lot = packed(cartons=100, on=60)
    assert cartons_left(lot) == 40
    require_cartons(lot)
    require_palletisable(lot, 40)
    error = refusal(require_palletisable, lot, 41)
    assert error.kind == "mass_balance.palletised_exceeds_packed"
    assert error.params == {"lot": lot.code, "left": 40, "packed": 100, "on": 60, "asked": 41}
    assert refusal(require_cartons, harvest()).kind == "pallet.harvest_lot"


def test_a_correction_keeps_harvest_receipts_and_packing_in_balance():
    lot = harvest(1200, received=1000, used=600)
    require_harvest_correction(lot, 1000)
    assert refusal(require_harvest_correction, lot, 999).params["received"] == 1000
    require_receipts_correction(lot, 1200)
    require_receipts_correction(lot, 600)
    exceeds = refusal(require_receipts_correction, lot, 1201)
    assert (exceeds.kind, exceeds.params["harvested"]) == (
        "correction.receipts_exceed_harvest",
        1200,
    )
    below = refusal(require_receipts_correction, lot, 599)
    assert (below.kind, below.params["used"]) == ("correction.receipts_below_packed", 600)


def test_nothing_happens_to_a_lot_before_its_day_in_vietnam():
    day = date(2026, 6, 10)
    early = datetime(2026, 6, 9, 16, 30, tzinfo=UTC)  # 23:30 on the 9th in Vietnam
    with pytest.raises(Invalid) as caught:
        require_from_day(early, day, VIETNAM, "received_at", "H1", "harvested")
    assert (caught.value.kind, caught.value.field) == ("time.before_lot", "received_at")
    assert caught.value.params == {"at": early, "lot": "H1", "what": "harvested", "day": day}
    require_from_day(early + timedelta(hours=1), day, VIETNAM, "received_at", "H1", "harvested")
