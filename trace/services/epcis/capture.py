"""Capture: partners' EPCIS documents kept all or nothing in the hash-chained log.

`capture` checks the document (validate.py), reads each event, weighs it against what the log
already holds (held.py), links it to our lots, pallets and places (nodes.py), then appends it.
"""

from __future__ import annotations

import gc
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from trace.db.models import (
    CaptureJob,
    ChainHead,
    Event,
    EventRef,
    User,
)
from trace.domain.epcis_capture import (
    Captured,
    CaptureError,
    declaration_of,
    read_captured,
    same_event,
)
from trace.domain.epcis_context import kept_context
from trace.domain.epcis_ids import Names
from trace.domain.epcis_query import identifiers
from trace.domain.errors import NotFound
from trace.domain.events import KINDS, offset_of

from ..common import CLOCK_SKEW, append_events, bulk_insert, lock_chain, now, unit_of_work
from .held import (
    Declared,
    Write,
    as_declared,
    clash_notice,
    declarations,
    declare_held,
    held_for,
    repeated,
    rewrite_refused,
)
from .mapping import chunks, stored_id
from .nodes import our_place, outside_importer_scope, resolve_nodes, unknown_places
from .validate import (
    CaptureRefused,
    event_list,
    schema_errors,
    summary,
    vocabulary_errors,
    within_bounds,
)


@contextmanager
def no_gc() -> Iterator[None]:
    """The cyclic garbage collector off for one bulk operation: a large document is hundreds of
    thousands of live objects that every collection would walk again (the pauses cost more
    than the hashing); reference counting still frees what the operation drops."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@no_gc()
def capture(
    session: Session,
    actor: User | None,
    document: dict[str, Any],
    names: Names,
    schema_path: str,
    limit: int,
    max_text: int = 8192,
) -> CaptureJob:
    """Keep every event of an EPCISDocument, or none (EPCIS 2.0 §8.2.2, REST binding
    `POST /capture` with `GS1-Capture-Error-Behaviour: rollback`).

    Each event keeps the sender's eventID (one is generated when absent); an exact re-send of
    an event already held is ignored; the same event re-sent with an errorDeclaration declares
    it erroneous (EPCIS 2.0 §7.4.1.2: kept as a `correct` event of it, never a change to it);
    any other event under a held eventID is refused. Events are appended to the hash chain in
    document order and linked (event_ref) to the lots and pallets whose identifiers they name.
    An importer's events may name only what its own shipments carried (docs/epcis.md, "Who may
    capture what").

    Raises:
        CaptureRefused: the errors, each naming the event's index and the reason; nothing was
            written (status 400; 403 for an importer beyond its shipments; 413 too many).
    """
    events = event_list(document)
    _check_document(document, events, schema_path, limit, max_text)
    received = now()
    read, seen = _read(events, received)
    batch = _Batch(
        capture_id=f"c{uuid.uuid4().hex}",
        received=received,
        context=kept_context(document.get("@context")),
        user_id=actor.id if actor else None,
    )
    with unit_of_work(session):
        head = lock_chain(session)
        plan = _plan(session, actor, read, seen, received)
        kept_events = [item for _, item, _ in plan.writes if isinstance(item, Captured)]
        canonical = [identifiers(item.event) for item in kept_events]  # canonical already
        nodes = resolve_nodes(session, set().union(*canonical), names) if canonical else {}
        _check_nodes(session, actor, plan, canonical, nodes, names)
        _store(session, head, batch, plan.writes, canonical, nodes, plan.held_as)
        job = CaptureJob(
            capture_id=batch.capture_id,
            created_at=received,
            finished_at=now(),
            running=False,
            success=True,
            events=len(events),
            stored=len(plan.writes),
            duplicates=plan.duplicates,
            errors=plan.notices,
            user_id=batch.user_id,
        )
        session.add(job)
    return job


def _check_document(
    document: dict[str, Any], events: list[Any], schema_path: str, limit: int, max_text: int
) -> None:
    """Refuse a document too large, outside the schema or using words no vocabulary has."""
    if len(events) > limit:
        raise CaptureRefused(
            f"{len(events)} events in one document; this repository captures at most {limit} "
            "at a time: split the document",
            status=413,
        )
    within_bounds(document, events, max_text)
    errors = schema_errors(document, schema_path)
    if errors:
        raise CaptureRefused(summary(errors), errors)
    errors = vocabulary_errors(document, events)
    if errors:
        raise CaptureRefused(summary(errors), errors)


def _read(
    events: list[Any], received: datetime
) -> tuple[list[Captured | Declared | None], dict[str, int]]:
    """Each event read (None: an exact repeat within the document) and where each eventID
    first appears; refused when one cannot be read or happens in the future."""
    errors: list[dict[str, Any]] = []
    read: list[Captured | Declared | None] = []
    seen: dict[str, int] = {}
    declared_here: dict[str, dict[str, Any]] = {}
    latest = received + CLOCK_SKEW
    item: Captured | Declared | None
    for index, event in enumerate(events):
        try:
            item = read_captured(event, index)
            if item.event_time > latest:
                raise CaptureError(
                    index, f"eventTime {event['eventTime']} is in the future; capture what happened"
                )
            if item.event_id in seen:
                item = repeated(read, seen[item.event_id], item, index, received, declared_here)
            elif item.event_id:
                seen[item.event_id] = index
        except CaptureError as error:
            errors.append({"index": error.index, "reason": error.reason})
            item = None
        read.append(item)
    if errors:
        raise CaptureRefused(summary(errors), errors)
    return read, seen


@dataclass(frozen=True)
class _Batch:
    """What every row one capture appends shares."""

    capture_id: str
    received: datetime
    context: list[Any] | None
    user_id: int | None


@dataclass
class _Plan:
    """What a document adds to the log, weighed against what the log holds."""

    writes: list[Write] = field(default_factory=list)  # what to write, in document order
    errors: list[dict[str, Any]] = field(default_factory=list)  # refused: 400
    forbidden: list[dict[str, Any]] = field(default_factory=list)  # not this sender's: 403
    notices: list[dict[str, Any]] = field(default_factory=list)  # eventIDs others hold
    duplicates: int = 0
    held_as: dict[str, str] = field(default_factory=dict)  # eventID → the id the log keeps


def _plan(
    session: Session,
    actor: User | None,
    read: list[Captured | Declared | None],
    seen: dict[str, int],
    received: datetime,
) -> _Plan:
    """Sort each read event into a write, a duplicate, a notice or a refusal."""
    held, row_ids = held_for(session, actor, list(seen))
    captured = [stored_id(e.id) for e in held.values() if e.type == "captured"]
    declared = declarations(session, captured)
    plan = _Plan(held_as={event_id: held_as for event_id, (held_as, _) in row_ids.items()})
    fresh_at: dict[str, int] = {}
    for index, item in enumerate(read):
        if item is None:
            plan.duplicates += 1
        elif isinstance(item, Declared):
            if item.event_id in fresh_at:  # declares an event of this same document
                plan.writes.append((index, item, fresh_at[item.event_id]))
            else:  # the first occurrence was a re-send of a held event
                plan.duplicates += declare_held(
                    session, actor, index, item, held[item.event_id], declared, plan.writes,
                    plan.errors, plan.forbidden,
                )  # fmt: skip
        elif item.event_id not in held:
            clash = None
            if item.event_id:
                fresh_at[item.event_id] = index
                clash = row_ids.get(item.event_id)
            _plan_fresh(plan, index, item, clash)
        else:
            kept = held[item.event_id]
            _plan_resend(session, actor, plan, index, item, kept, declared, received)
    if plan.errors:
        plan.errors.sort(key=lambda e: e["index"])
        raise CaptureRefused(summary(plan.errors), plan.errors)
    return plan


def _plan_fresh(plan: _Plan, index: int, item: Captured, clash: tuple[str, Event] | None) -> None:
    """An event we do not hold; `clash`: another party's event under the same eventID."""
    if clash is not None:
        held_as, other = clash
        sent = other.data.get("epcis") if other.type == "captured" else None
        if sent is not None and same_event(sent, item.event):
            plan.duplicates += 1  # the same event, whoever sent it first
            return
        if sent is not None and declaration_of(sent, item.event) is not None:
            plan.forbidden.append(
                {
                    "index": index,
                    "reason": f"eventID {item.event_id} was captured by another "
                    "party: only they may declare it erroneous",
                }
            )
            return
        plan.notices.append(clash_notice(index, other.event_id, held_as))  # the same eventID
    plan.writes.append((index, item, None))


def _plan_resend(
    session: Session,
    actor: User | None,
    plan: _Plan,
    index: int,
    item: Captured,
    kept: Event,
    declared: dict[int, dict[str, Any]],
    received: datetime,
) -> None:
    """An event under an eventID we hold: a re-send, an error declaration, or refused."""
    event_id = item.event_id
    assert event_id is not None  # held under it
    if kept.type == "captured":
        if same_event(kept.data["epcis"], item.event):
            plan.duplicates += 1
            return
        declaration = declaration_of(kept.data["epcis"], item.event)
        if declaration is not None:
            try:
                declared_item = as_declared(event_id, declaration, index, received)
            except CaptureError as error:
                plan.errors.append({"index": index, "reason": error.reason})
                return
            plan.duplicates += declare_held(
                session, actor, index, declared_item, kept, declared, plan.writes, plan.errors,
                plan.forbidden,
            )  # fmt: skip
            return
    plan.errors.append({"index": index, "reason": rewrite_refused(event_id, kept)})


def _check_nodes(
    session: Session,
    actor: User | None,
    plan: _Plan,
    canonical: list[set[str]],
    nodes: dict[str, str],
    names: Names,
) -> None:
    """Refuse places of ours that do not exist (422), then what the sender may not write (403:
    another party's event; for an importer, what its shipments did not carry)."""
    unknown = unknown_places(session, plan.writes, nodes, names)
    if unknown:
        raise CaptureRefused(summary(unknown), unknown, status=422)
    forbidden = plan.forbidden
    if actor is not None and actor.role == "importer" and nodes:
        forbidden += outside_importer_scope(session, actor, plan.writes, canonical, nodes)
    if forbidden:
        forbidden.sort(key=lambda e: e["index"])
        raise CaptureRefused(summary(forbidden), forbidden, status=403)


def _store(
    session: Session,
    head: ChainHead,
    batch: _Batch,
    writes: list[Write],
    canonical: list[set[str]],
    nodes: dict[str, str],
    row_ids: dict[str, str],
) -> None:
    """Append `writes` to the chain in document order: each captured event as a `captured` row
    (linked to our lots and pallets, its identifiers kept for queries), each declaration as a
    `correct` row of the event it declares, carrying the errorDeclaration as sent."""
    held_refs: dict[int, list[str]] = defaultdict(list)
    declared_ids = [stored_id(target.id) for _, _, target in writes if isinstance(target, Event)]
    for chunk in chunks(declared_ids):
        for ref in session.exec(select(EventRef).where(col(EventRef.event_id).in_(chunk))):
            held_refs[ref.event_id].append(ref.node)
    rows: list[dict[str, Any]] = []  # not yet appended
    ids: list[int] = []  # the ids of the rows appended so far, in order
    at_row: dict[int, int] = {}  # document index → row number
    linked: list[list[str]] = []  # row number → event_ref nodes
    places: list[int | None] = []  # row number → bizLocation (one of our places)
    uris_of: list[set[str] | None] = []
    kept = iter(canonical)
    ours = any(n.startswith("location:") for n in nodes.values())  # places of ours named
    for write in writes:
        if write[2] is None:
            index, item, _ = write
            uris = next(kept)
            event = item.event
            if not item.event_id:
                event = {**event, "eventID": f"urn:uuid:{uuid.uuid4()}"}
            at_row[index] = len(linked)
            links = {nodes[uri] for uri in uris if uri in nodes}
            linked.append(sorted(n for n in links if not n.startswith("loc")))
            uris_of.append(uris)
            places.append(our_place(event.get("bizLocation"), nodes) if ours else None)
            read_point = our_place(event.get("readPoint"), nodes) if ours else None
            held_as = row_ids.get(item.event_id) if item.event_id else None
            rows.append(_captured_row(batch, item, event, held_as, read_point, places[-1]))
            continue
        index, declaration, target = write
        if isinstance(target, Event):
            original_id = stored_id(target.id)
            location, refs = target.biz_location_id, held_refs[original_id]
        else:  # an event of this document: appended first, to know its id
            row = at_row[target]
            if row >= len(ids):
                ids += append_events(session, head, rows)
                rows = []
            original_id, location, refs = ids[row], places[row], linked[row]
        linked.append(refs)
        places.append(location)
        uris_of.append(None)
        rows.append(_declaration_row(batch, declaration, original_id, location))
    ids += append_events(session, head, rows)
    _link(session, ids, linked, uris_of)


def _captured_row(
    batch: _Batch,
    item: Captured,
    event: dict[str, Any],
    held_as: str | None,
    read_point: int | None,
    location: int | None,
) -> dict[str, Any]:
    """The `captured` row of a partner's event (`held_as`: the id the log keeps it under when
    another organisation holds its eventID)."""
    return {
        "event_id": held_as or event["eventID"],
        "type": "captured",
        "epcis_type": item.epcis_type,
        "action": item.action,
        "biz_step": item.biz_step,
        "disposition": item.disposition,
        "event_time": item.event_time,
        "tz_offset": item.tz_offset,
        "record_time": batch.received,
        "read_point_id": read_point,
        "biz_location_id": location,
        "data": {"epcis": event, "capture": batch.capture_id}
        | ({"context": batch.context} if batch.context else {})
        | ({"held_as": held_as} if held_as else {}),
        "corrects_id": None,
        "user_id": batch.user_id,
    }


def _declaration_row(
    batch: _Batch, item: Declared, original_id: int, location: int | None
) -> dict[str, Any]:
    """The `correct` row of an error declaration: the declared event itself never changes."""
    reason = item.declaration.get("reason")
    return {
        "event_id": f"urn:uuid:{uuid.uuid4()}",
        "type": "correct",
        "epcis_type": KINDS["correct"].epcis_type,
        "action": KINDS["correct"].action,
        "biz_step": None,
        "disposition": None,
        "event_time": item.declared_at.astimezone(UTC),
        "tz_offset": offset_of(item.declared_at),
        "record_time": batch.received,
        "read_point_id": location,
        "biz_location_id": location,
        "data": {
            "corrects": item.event_id,
            "reason": "declared erroneous by its sender" + (f" ({reason})" if reason else ""),
            "changes": {},
            "before": {},
            "errorDeclaration": item.declaration,
            "capture": batch.capture_id,
        },
        "corrects_id": original_id,
        "user_id": batch.user_id,
    }


def _link(
    session: Session, ids: list[int], linked: list[list[str]], uris_of: list[set[str] | None]
) -> None:
    """The appended rows' event_ref nodes (timelines) and event_uri rows (queries)."""
    refs = [(ident, name) for ident, names_ in zip(ids, linked, strict=True) for name in names_]
    uri_rows = [
        (uri, ident)
        for ident, uris in zip(ids, uris_of, strict=True)
        if uris
        for uri in sorted(uris)
    ]
    bulk_insert(session, "event_ref", ("event_id", "node"), refs)
    bulk_insert(session, "event_uri", ("uri", "event_id"), uri_rows)


# Who sees every partner's capture jobs; anyone else sees their own.
_SEE_ALL_JOBS = ("admin", "inspector")


def capture_job(session: Session, capture_id: str, actor: User | None = None) -> CaptureJob:
    job = session.exec(select(CaptureJob).where(CaptureJob.capture_id == capture_id)).first()
    if job is None or (
        actor is not None and actor.role not in _SEE_ALL_JOBS and job.user_id != actor.id
    ):
        raise NotFound(f"no capture job {capture_id!r}", kind="capture.unknown_job", id=capture_id)
    return job


def capture_jobs(session: Session, actor: User, limit: int = 100) -> list[CaptureJob]:
    """The latest capture jobs, newest first: the actor's own, or everyone's for those who
    see all."""
    query = select(CaptureJob).order_by(col(CaptureJob.id).desc()).limit(limit)
    if actor.role not in _SEE_ALL_JOBS:
        query = query.where(CaptureJob.user_id == actor.id)
    return list(session.exec(query))
