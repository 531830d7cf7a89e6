"""The hash chain checked: recompute every event's hash in order and name the first that fails."""

from __future__ import annotations

from sqlmodel import Session, select

from trace.db.models import ChainHead, Event
from trace.domain.events import GENESIS_HASH, chain_hash

from .common import event_content


def verify(session: Session) -> dict:
    """`ok` with the count checked, or the first broken event and what is wrong with it."""
    expected_prev = GENESIS_HASH
    checked = 0
    broken = None
    query = select(Event).order_by(Event.id).execution_options(yield_per=2000)
    for event in session.exec(query):
        if event.prev_hash != expected_prev:
            broken = (
                event,
                "its prev_hash does not match the hash of the event before it "
                "(an event was removed, inserted or rewritten)",
            )
            break
        if chain_hash(event_content(event), event.prev_hash) != event.hash:
            broken = (event, "its content does not match its hash (the row was edited)")
            break
        expected_prev = event.hash
        checked += 1
    head = session.get(ChainHead, 1)
    if broken is None and head.last_hash != expected_prev:
        return {
            "ok": False,
            "events_checked": checked,
            "first_broken": {
                "id": head.last_event_id,
                "event_id": None,
                "type": None,
                "reason": "the last event does not match the chain head "
                "(the newest event was removed or rewritten)",
            },
        }
    if broken is None:
        return {
            "ok": True,
            "events_checked": checked,
            "first_broken": None,
            "last_hash": expected_prev,
        }
    event, reason = broken
    return {
        "ok": False,
        "events_checked": checked,
        "first_broken": {
            "id": event.id,
            "event_id": event.event_id,
            "type": event.type,
            "reason": reason,
        },
    }
