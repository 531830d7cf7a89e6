"""Corrections: a new event that points at the old one; the original stays as it was."""

from __future__ import annotations

from sqlmodel import Session, select

from trace.db.models import Event, EventRef, Lot, User
from trace.domain.errors import Forbidden, Invalid, NotFound, RuleViolation
from trace.domain.events import CORRECTABLE

from .common import fmt_qty, lock_chain, now, record, unit_of_work
from .lots import LIFTS_HOLDS, hold_lifted, may_lift_hold


def effective_data(session: Session, event: Event) -> dict:
    """An event's data with the changes of its corrections applied, oldest first."""
    data = dict(event.data)
    for fix in session.exec(select(Event).where(Event.corrects_id == event.id).order_by(Event.id)):
        data.update(fix.data.get("changes", {}))
    return data


def _lot_of(session: Session, event: Event) -> Lot:
    ref = session.exec(
        select(EventRef.node).where(EventRef.event_id == event.id, EventRef.node.like("lot:%"))
    ).first()
    return session.get(Lot, int(ref.split(":")[1]))


def _apply_quantity(session: Session, event: Event, old: float, new: float) -> None:
    lot = _lot_of(session, event)
    if event.type == "harvest":
        if new < lot.received - 1e-9:
            raise RuleViolation(
                f"lot {lot.code} has {fmt_qty(lot.received)} {lot.unit} received already; "
                f"its harvest cannot be corrected to {fmt_qty(new)}",
                kind="correction.harvest_below_received",
                lot=lot.code,
                received=lot.received,
                unit=lot.unit,
                asked=new,
            )
        lot.quantity = new
    else:  # receive
        received = lot.received - old + new
        if received > lot.quantity + 1e-9:
            raise RuleViolation(
                f"lot {lot.code}: receipts would total {fmt_qty(received)} {lot.unit}, more than "
                f"the {fmt_qty(lot.quantity)} harvested",
                kind="correction.receipts_exceed_harvest",
                lot=lot.code,
                received=received,
                unit=lot.unit,
                harvested=lot.quantity,
            )
        if received < lot.used - 1e-9:
            raise RuleViolation(
                f"lot {lot.code}: {fmt_qty(lot.used)} {lot.unit} were packed already; receipts "
                f"cannot be corrected to {fmt_qty(received)}",
                kind="correction.receipts_below_packed",
                lot=lot.code,
                used=lot.used,
                unit=lot.unit,
                received=received,
            )
        lot.received = received
    session.add(lot)


def _apply_result(session: Session, actor: User, event: Event, result: str) -> bool:
    """Set the lot's hold from the corrected result if `event` is its latest inspection;
    whether that lifted a hold."""
    lot = _lot_of(session, event)
    latest = session.exec(
        select(Event.id)
        .join(EventRef, EventRef.event_id == Event.id)
        .where(EventRef.node == f"lot:{lot.id}", Event.type == "inspect")
        .order_by(Event.id.desc())
    ).first()
    if latest != event.id:
        return False
    lifts = lot.on_hold and result == "pass"
    if lifts:
        may_lift_hold(actor, lot)
    lot.on_hold = result == "fail"
    session.add(lot)
    return lifts


def correct(session: Session, actor: User, ident: int, data: dict) -> Event:
    """Record that event `ident` was wrong: why, and (where it can) what it should have said."""
    with unit_of_work(session):
        head = lock_chain(session)
        original = session.get(Event, ident)
        if original is None:
            raise NotFound(f"no event with id {ident}", kind="event.unknown", id=ident)
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
        changes = data.get("changes") or {}
        allowed = CORRECTABLE[original.type]
        for key in changes:
            if key not in allowed:
                can = ", ".join(sorted(allowed)) or "nothing (record a reason only)"
                raise Invalid(
                    f"changes.{key}",
                    f"a {original.type} event's {key} cannot be corrected; correctable: {can}",
                    kind="correction.field",
                    type=original.type,
                    changed=key,
                    correctable=sorted(allowed),
                )
        before = effective_data(session, original)
        if "quantity" in changes:
            new = changes["quantity"]
            if not isinstance(new, int | float) or isinstance(new, bool) or not new > 0:
                raise Invalid(
                    "changes.quantity",
                    "must be a number greater than 0",
                    kind="correction.quantity",
                )
            old = before.get("quantity", before["quantities"][0]["quantity"])
            _apply_quantity(session, original, old, float(new))
        lifted = False
        if "result" in changes:
            if changes["result"] not in ("pass", "fail"):
                raise Invalid("changes.result", "must be pass or fail", kind="correction.result")
            if actor.role not in LIFTS_HOLDS:
                raise Forbidden(
                    "only an inspector or an admin can change an inspection's result "
                    "(a failed one holds the lot until they lift it)",
                    kind="correction.result_forbidden",
                )
            lifted = _apply_result(session, actor, original, changes["result"])
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
