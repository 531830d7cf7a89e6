"""The steps of some commodities only (trace.domain.commodities): washing, grading by size
class, cold storage. Each is one ObjectEvent on the lot's timeline, like a cooling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from trace.db.models import Event, Lot, User
from trace.domain.commodities import check_size_class, check_step
from trace.domain.errors import RuleViolation
from trace.domain.quantities import fmt_qty

from .common import (
    check_event_time,
    get_lot,
    location_for_field,
    lock_chain,
    not_before,
    unit_of_work,
)
from .lots import record_on_lot


def _step(
    session: Session,
    actor: User,
    code: str,
    kind: str,
    data: dict[str, Any],
    detail: Callable[[Lot], dict[str, Any]],
    *places: str,
) -> Event:
    """Record one step of `kind` on lot `code` at `data["location_id"]`, at `data[...ed_at]`;
    `detail(lot)` checks what only this step checks and returns the event's own fields."""
    field = {"wash": "washed_at", "grade": "graded_at", "store": "stored_at"}[kind]
    with unit_of_work(session):
        head = lock_chain(session)
        lot = get_lot(session, code)
        check_step(lot.commodity, kind, lot.code)
        place = location_for_field(session, data["location_id"], "location_id", *places)
        when = check_event_time(data[field], field)
        not_before(lot, when, field)
        return record_on_lot(session, head, kind, lot, when, actor, place.id, detail(lot))


def wash(session: Session, actor: User, code: str, data: dict[str, Any]) -> Event:
    """Washing at the packing house (water, brushes, chlorinated water)."""
    return _step(
        session, actor, code, "wash", data, lambda _lot: {"method": data["method"]},
        "packing_house",
    )  # fmt: skip


def grade(session: Session, actor: User, code: str, data: dict[str, Any]) -> Event:
    """Grading by size class: kilograms per class and culls, at most what the lot has left."""

    def detail(lot: Lot) -> dict[str, Any]:
        if lot.kind != "harvest":
            raise RuleViolation(
                f"lot {lot.code} is packed: harvest lots are graded before packing",
                kind="grade.packed_lot",
                lot=lot.code,
            )
        for grade_ in data["grades"]:
            check_size_class(lot.commodity, grade_["size_class"])
        graded = sum(g["quantity"] for g in data["grades"]) + data.get("culls", 0)
        left = lot.received - lot.used
        if graded > left + 1e-9:
            raise RuleViolation(
                f"lot {lot.code} has {fmt_qty(left)} {lot.unit} received and not packed; "
                f"{fmt_qty(graded)} {lot.unit} cannot be graded",
                kind="mass_balance.graded_exceeds_received",
                lot=lot.code,
                left=left,
                graded=graded,
                unit=lot.unit,
            )
        return {
            "grades": [{"size_class": g["size_class"], "quantity": g["quantity"]}
                       for g in data["grades"]],
            "culls": data.get("culls"),
        }  # fmt: skip

    return _step(session, actor, code, "grade", data, detail, "packing_house")


def store(session: Session, actor: User, code: str, data: dict[str, Any]) -> Event:
    """Cold storage: temperature, relative humidity and, when known, how many days."""

    def detail(_lot: Lot) -> dict[str, Any]:
        return {
            "temperature_c": data["temperature_c"],
            "humidity_pct": data.get("humidity_pct"),
            "days": data.get("days"),
        }

    return _step(session, actor, code, "store", data, detail, "cold_store", "packing_house")
