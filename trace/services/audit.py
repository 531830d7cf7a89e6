"""The hash chains checked: recompute every event's hash in order and name the first that fails;
the same for the master-data versions, and every place and product held against its newest
version (a row edited behind the service no longer matches it)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from trace.db.models import (
    Checkpoint,
    Event,
    Location,
    LocationCode,
    MasterDataVersion,
    Product,
)
from trace.domain.events import GENESIS_HASH, canonical, chain_hash
from trace.domain.masterdata import location_state, product_state

from .common import chain_head, event_content, id_of, version_content_of
from .evidence import check_checkpoints


def verify(session: Session, trusted_key: bytes | set[bytes] | None = None) -> dict[str, Any]:
    """`ok` with the count checked, or the first broken event and what is wrong with it; and
    each signed checkpoint checked against the recomputed chain (`trusted_key`: the
    organisation's raw public key, when known)."""
    marks = set(session.exec(select(Checkpoint.last_event_id)))
    result = _verify_chain(session, marks)
    checkpoints = check_checkpoints(
        session, result.pop("_hashes"), result["events_checked"], trusted_key
    )
    result["checkpoints"] = checkpoints
    masterdata = verify_masterdata(session)
    result["masterdata_checked"] = masterdata["checked"]
    if result["ok"] and masterdata["broken"]:
        result["ok"] = False
        result["first_broken"] = masterdata["broken"]
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


def _verify_chain(session: Session, marks: set[int | None]) -> dict[str, Any]:
    expected_prev = GENESIS_HASH
    checked = 0
    broken = None
    hashes: dict[int, str] = {}
    query = select(Event).order_by(col(Event.id)).execution_options(yield_per=2000)
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
            hashes[id_of(event)] = event.hash
        checked += 1
    head = chain_head(session)
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


def verify_masterdata(session: Session) -> dict[str, Any]:
    """The master-data chain recomputed, its head checked, and each place (with its codes) and
    product compared with its newest version: `broken` names the first that fails."""
    checked, newest, broken = _walk_versions(session)
    if broken is None:
        broken = _edited_behind(_current_states(session), newest)
    return {"checked": checked, "broken": broken}


def _walk_versions(
    session: Session,
) -> tuple[int, dict[tuple[str, int], MasterDataVersion], dict[str, Any] | None]:
    """The versions checked, the newest of each place and product, and the first break of
    the chain (a version or the chain head), or None."""
    expected_prev = GENESIS_HASH
    checked = 0
    newest: dict[tuple[str, int], MasterDataVersion] = {}
    query = (
        select(MasterDataVersion)
        .order_by(col(MasterDataVersion.id))
        .execution_options(yield_per=2000)
    )
    for version in session.exec(query):
        reason = None
        if version.prev_hash != expected_prev:
            reason = (
                "its prev_hash does not match the hash of the version before it "
                "(a master-data version was removed, inserted or rewritten)"
            )
        elif chain_hash(version_content_of(version), version.prev_hash) != version.hash:
            reason = "its content does not match its hash (the version row was edited)"
        if reason:
            return checked, newest, _named(version, reason)
        expected_prev = version.hash
        newest[(version.entity, version.entity_id)] = version
        checked += 1
    if chain_head(session).masterdata_hash != expected_prev:
        return (
            checked,
            newest,
            {
                "id": None,
                "event_id": None,
                "type": "masterdata",
                "reason": "master data: the newest version does not match the chain head "
                "(it was removed or rewritten)",
            },
        )
    return checked, newest, None


def _current_states(session: Session) -> list[tuple[str, int, dict[str, Any]]]:
    """Every place (with its codes) and product as its row says now."""
    codes: dict[int, list[dict[str, Any]]] = {}
    for code in session.exec(select(LocationCode).order_by(col(LocationCode.id))):
        codes.setdefault(code.location_id, []).append(code.model_dump())
    rows = [
        ("location", id_of(p), location_state(p.model_dump(), codes.get(id_of(p), [])))
        for p in session.exec(select(Location).order_by(col(Location.id)))
    ]
    return rows + [
        ("product", id_of(p), product_state(p.model_dump()))
        for p in session.exec(select(Product).order_by(col(Product.id)))
    ]


def _edited_behind(
    rows: list[tuple[str, int, dict[str, Any]]], newest: dict[tuple[str, int], MasterDataVersion]
) -> dict[str, Any] | None:
    """The first row without a version or unlike its newest version, or None."""
    for entity, ident, state in rows:
        version = newest.get((entity, ident))
        if version is None:
            return _row(entity, ident, "it has no recorded version (added behind the service)")
        if canonical(state) != canonical(version.after):
            changed = sorted(
                k for k in state if canonical(state[k]) != canonical(version.after.get(k))
            )
            return _row(
                entity,
                ident,
                f"its row does not match its newest version {version.id} "
                f"({', '.join(changed)} edited behind the service)",
            )
    return None


def _named(version: MasterDataVersion, reason: str) -> dict[str, Any]:
    return {
        "id": version.id,
        "event_id": None,
        "type": "masterdata",
        "entity": version.entity,
        "entity_id": version.entity_id,
        "reason": f"master-data version {version.id} ({version.entity} {version.entity_id}): "
        + reason,
    }


def _row(entity: str, ident: int, reason: str) -> dict[str, Any]:
    return {
        "id": None,
        "event_id": None,
        "type": "masterdata",
        "entity": entity,
        "entity_id": ident,
        "reason": f"{entity} {ident}: {reason}",
    }
