"""Corrections: a new event that points at the old one; the original stays as it was."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from trace.db.models import Event, EventRef, Lot, User
from trace.domain.errors import Forbidden, Invalid, RuleViolation
from trace.domain.events import CORRECTABLE
from trace.domain.quantities import require_harvest_correction, require_receipts_correction

from .common import existing, lock_chain, now, record, unit_of_work
from .lots import LIFTS_HOLDS, hold_lifted, may_lift_hold


def effective_data(session: Session, event: Event) -> dict[str, Any]:
    """An event's data with the changes of its corrections applied, oldest first."""
    data = dict(event.data)
    for fix in session.exec(
        select(Event).where(col(Event.corrects_id) == event.id).order_by(col(Event.id))
    ):
        data.update(fix.data.get("changes", {}))
    return data


def lot_of(session: Session, event: Event) -> Lot | None:
    """The lot an event is about (None: it concerns no lot)."""
    ref = session.exec(
        select(EventRef.node).where(
            col(EventRef.event_id) == event.id, col(EventRef.node).like("lot:%")
        )
    ).first()
    return session.get(Lot, int(ref.split(":")[1])) if ref else None


def _lot_of(session: Session, event: Event) -> Lot:
    """The lot of a harvest, receipt or inspection (each names its lot)."""
    lot = lot_of(session, event)
    assert lot is not None, f"a {event.type} event names its lot"
    return lot


def _apply_quantity(session: Session, event: Event, old: float, new: float) -> None:
    lot = _lot_of(session, event)
    if event.type == "harvest":
        require_harvest_correction(lot, new)
        lot.quantity = new
    else:  # receive
        received = lot.received - old + new
        require_receipts_correction(lot, received)
        lot.received = received
    session.add(lot)


def _apply_result(session: Session, actor: User, event: Event, result: str) -> bool:
    """Set the lot's hold from the corrected result if `event` is its latest inspection;
    whether that lifted a hold."""
    lot = _lot_of(session, event)
    latest = session.exec(
        select(Event.id)
        .join(EventRef, col(EventRef.event_id) == col(Event.id))
        .where(col(EventRef.node) == f"lot:{lot.id}", col(Event.type) == "inspect")
        .order_by(col(Event.id).desc())
    ).first()
    if latest != event.id:
        return False
    lifts = lot.on_hold and result == "pass"
    if lifts:
        may_lift_hold(actor, lot)
    lot.on_hold = result == "fail"
    session.add(lot)
    return lifts


def correctable(session: Session, ident: int) -> Event | None:
    """Event `ident` if it may be corrected (it exists and is not itself a correction)."""
    event = session.get(Event, ident) if 0 < ident < 2**63 else None
    return event if event is not None and event.type != "correct" else None


def _original(session: Session, actor: User, ident: int) -> Event:
    """The event to correct: it exists, is no correction, and is the actor's to correct."""
    original = existing(session, Event, kind="event.unknown", id=ident)
    if original.type == "correct":
        raise RuleViolation(
            f"event {ident} is a correction; correct the original event",
            kind="correction.of_correction",
            id=ident,
        )
    if actor.role == "inspector" and original.type != "inspect":
        raise Forbidden(
            f"an inspector corrects inspections; event {ident} is a {original.type}",
            kind="correction.inspector_scope",
            id=ident,
            type=original.type,
        )
    return original


def _check_fields(kind: str, changes: dict[str, Any]) -> None:
    allowed = CORRECTABLE[kind]
    for key in changes:
        if key not in allowed:
            can = ", ".join(sorted(allowed)) or "nothing (record a reason only)"
            raise Invalid(
                f"changes.{key}",
                f"a {kind} event's {key} cannot be corrected; correctable: {can}",
                kind="correction.field",
                type=kind,
                changed=key,
                correctable=sorted(allowed),
            )


def _apply(
    session: Session, actor: User, original: Event, before: dict[str, Any], changes: dict[str, Any]
) -> bool:
    """Carry the changed quantity or result into the lot's state; whether a hold was lifted."""
    if "quantity" in changes:
        new = changes["quantity"]
        if not isinstance(new, int | float) or isinstance(new, bool) or not new > 0:
            raise Invalid(
                "changes.quantity", "must be a number greater than 0", kind="correction.quantity"
            )
        old = before.get("quantity", before["quantities"][0]["quantity"])
        _apply_quantity(session, original, old, float(new))
    if "result" not in changes:
        return False
    if changes["result"] not in ("pass", "fail"):
        raise Invalid("changes.result", "must be pass or fail", kind="correction.result")
    if actor.role not in LIFTS_HOLDS:
        raise Forbidden(
            "only an inspector or an admin can change an inspection's result "
            "(a failed one holds the lot until they lift it)",
            kind="correction.result_forbidden",
        )
    return _apply_result(session, actor, original, changes["result"])


def correct(session: Session, actor: User, ident: int, data: dict[str, Any]) -> Event:
    """Record that event `ident` was wrong: why, and (where it can) what it should have said."""
    with unit_of_work(session):
        head = lock_chain(session)
        original = _original(session, actor, ident)
        changes = data.get("changes") or {}
        _check_fields(original.type, changes)
        before = effective_data(session, original)
        lifted = _apply(session, actor, original, before, changes)
        refs = session.exec(select(EventRef.node).where(EventRef.event_id == original.id)).all()
        return record(
            session,
            head,
            "correct",
            event_time=now(),
            actor=actor,
            location_id=original.biz_location_id,
            corrects_id=original.id,
            data={
                "corrects": original.event_id,
                "reason": data["reason"],
                "changes": changes,
                "before": {k: before.get(k) for k in changes},
                **({"hold_lifted": hold_lifted(actor, data["reason"])} if lifted else {}),
            },
            refs=refs,
        )
