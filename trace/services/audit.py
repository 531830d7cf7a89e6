"""The hash chain checked: recompute every event's hash in order and name the first that fails."""

from __future__ import annotations

from sqlmodel import Session, select

from trace.db.models import ChainHead, Checkpoint, Event
from trace.domain.events import GENESIS_HASH, chain_hash

from .common import event_content
from .evidence import check_checkpoints


def verify(session: Session, trusted_key: bytes | set[bytes] | None = None) -> dict:
    """`ok` with the count checked, or the first broken event and what is wrong with it; and
    each signed checkpoint checked against the recomputed chain (`trusted_key`: the
    organisation's raw public key, when known)."""
    marks = set(session.exec(select(Checkpoint.last_event_id)))
    result = _verify_chain(session, marks)
    checkpoints = check_checkpoints(
        session, result.pop("_hashes"), result["events_checked"], trusted_key
    )
    result["checkpoints"] = checkpoints
    if result["ok"] and not all(c["ok"] for c in checkpoints):
        result["ok"] = False
        failed = next(c for c in checkpoints if not c["ok"])
        result["first_broken"] = {
            "id": failed["last_event_id"],
            "event_id": None,
            "type": None,
            "reason": f"checkpoint {failed['id']}: " + "; ".join(failed["problems"]),
        }
    return result


def _verify_chain(session: Session, marks: set[int]) -> dict:
    expected_prev = GENESIS_HASH
    checked = 0
    broken = None
    hashes = {}
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
        if event.id in marks:
            hashes[event.id] = event.hash
        checked += 1
    head = session.get(ChainHead, 1)
    if broken is None and head.last_hash != expected_prev:
        return {
            "ok": False,
            "events_checked": checked,
            "_hashes": hashes,
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
            "_hashes": hashes,
        }
    event, reason = broken
    return {
        "ok": False,
        "events_checked": checked,
        "_hashes": hashes,
        "first_broken": {
            "id": event.id,
            "event_id": event.event_id,
            "type": event.type,
            "reason": reason,
        },
    }
