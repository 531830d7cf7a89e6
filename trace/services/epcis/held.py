"""Captured events against what the log already holds: exact re-sends, error declarations
(EPCIS 2.0 §7.4.1.2), eventIDs another party holds, and what may never be rewritten."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from trace.db.models import (
    Event,
    User,
)
from trace.domain.epcis_capture import Captured, CaptureError, declaration_of, same_event
from trace.domain.epcis_query import parse_time

from ..common import CLOCK_SKEW
from .mapping import chunks, corrections_of, stored_id


@dataclass(frozen=True)
class Declared:
    """A later occurrence of an eventID in the document: its first occurrence re-sent with an
    errorDeclaration (EPCIS 2.0 §7.4.1.2)."""

    event_id: str
    declaration: dict[str, Any]
    declared_at: datetime  # the declarationTime as sent (with its offset)


# What a capture writes, in document order: (index, a captured event, None) or
# (index, a declaration, the event it declares: held, or the index of a fresh one).
Write = tuple[int, Captured, None] | tuple[int, Declared, Event | int]


def repeated(
    read: list[Captured | Declared | None],
    first_index: int,
    item: Captured,
    index: int,
    received: datetime,
    declared_here: dict[str, dict[str, Any]],
) -> Declared | None:
    """A second occurrence of an eventID in one document: the same event again (kept once,
    None), or the first re-sent with an errorDeclaration; anything else is refused."""
    first, event_id = read[first_index], item.event_id
    # An eventID's first occurrence is where it was read as a captured event.
    assert isinstance(first, Captured) and event_id is not None
    if same_event(first.event, item.event):
        return None
    declaration = declaration_of(first.event, item.event)
    if declaration is None:
        raise CaptureError(
            index, f"eventID {event_id} is also event {first_index}, with different content"
        )
    earlier = declared_here.get(event_id)
    if earlier == declaration:
        return None
    if earlier is not None:
        raise CaptureError(
            index, f"eventID {event_id} is declared erroneous twice, with different content"
        )
    declared_here[event_id] = declaration
    return as_declared(event_id, declaration, index, received)


def as_declared(
    event_id: str, declaration: dict[str, Any], index: int, received: datetime
) -> Declared:
    moment = parse_time(declaration["declarationTime"])  # read_captured checked it parses
    if moment > received + CLOCK_SKEW:
        raise CaptureError(
            index,
            f"errorDeclaration.declarationTime {declaration['declarationTime']} is in the "
            "future; declare what has been found",
        )
    return Declared(event_id, declaration, moment)


def declare_held(
    session: Session,
    actor: User | None,
    index: int,
    item: Declared,
    kept: Event,
    declared: dict[int, dict[str, Any]],
    writes: list[Write],
    errors: list[dict[str, Any]],
    forbidden: list[dict[str, Any]],
) -> int:
    """Plan the declaration of `kept`, a captured event held already; 1 if it is a re-send of
    the declaration held already (a duplicate), else 0."""
    if kept.type != "captured":
        errors.append({"index": index, "reason": rewrite_refused(item.event_id, kept)})
        return 0
    kept_id = stored_id(kept.id)
    earlier = declared.get(kept_id)
    if earlier == item.declaration:
        return 1
    if earlier is not None:
        errors.append(
            {
                "index": index,
                "reason": f"eventID {item.event_id} was declared erroneous already "
                f"(declarationTime {earlier.get('declarationTime')}) with another "
                "errorDeclaration; a declaration is never rewritten",
            }
        )
        return 0
    if (
        actor is not None
        and actor.role == "importer"
        and not _captured_by_own(session, actor, kept)
    ):
        forbidden.append(
            {
                "index": index,
                "reason": f"eventID {item.event_id} was captured by another party: only they "
                "may declare it erroneous",
            }
        )
        return 0
    declared[kept_id] = item.declaration
    writes.append((index, item, kept))
    return 0


def _captured_by_own(session: Session, actor: User, event: Event) -> bool:
    """Whether `event` was captured by a user of the importer `actor` works for."""
    if event.user_id == actor.id:
        return True
    author = session.get(User, event.user_id) if event.user_id else None
    return author is not None and author.location_id == actor.location_id


def rewrite_refused(event_id: str, kept: Event) -> str:
    if kept.type != "captured":
        return (
            f"eventID {event_id} is held already as one of our events; an event is never "
            "rewritten (ours are corrected through /api/v1/events/{id}/corrections)"
        )
    return (
        f"eventID {event_id} is held already as another captured event with different "
        "content; an event is never rewritten: to declare it erroneous, re-send it unchanged "
        "with an errorDeclaration (EPCIS 2.0 §7.4.1.2), and send the corrective event under a "
        "new eventID"
    )


def declarations(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The errorDeclarations held for captured events `ids` (their senders' declarations)."""
    out: dict[int, dict[str, Any]] = {}
    for event_id, fixes in corrections_of(session, ids).items():
        for fix in fixes:
            if fix.data.get("errorDeclaration"):
                out.setdefault(event_id, fix.data["errorDeclaration"])
    return out


def organisation(session: Session, user: User | None) -> str:
    """Whose eventIDs a user's events are: an importer's, its company's (`location:{id}`);
    staff's and ours, this repository's (`trace`)."""
    if user is not None and user.role == "importer" and user.location_id is not None:
        return f"location:{user.location_id}"
    return "trace"


def scoped_id(org: str, event_id: str) -> str:
    """The id an organisation's event is held under when another organisation holds its
    eventID already: the same for every re-send (a name-based UUID)."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{org} {event_id}')}"


def held_for(
    session: Session, actor: User | None, event_ids: list[str]
) -> tuple[dict[str, Event], dict[str, tuple[str, Event]]]:
    """The events this actor's organisation holds under `event_ids` (an eventID is unique per
    capturing organisation: docs/epcis.md, "eventIDs"), and for the eventIDs only another
    organisation holds, the id this organisation's event is to be held under and the other's
    event."""
    org = organisation(session, actor)
    scoped = {event_id: scoped_id(org, event_id) for event_id in event_ids}
    rows = _held(session, [*event_ids, *scoped.values()])
    owners: dict[int | None, str] = {}
    held: dict[str, Event] = {}
    row_ids: dict[str, tuple[str, Event]] = {}
    for event_id in event_ids:
        mine = rows.get(scoped[event_id])
        if mine is not None:
            held[event_id] = mine
            continue
        plain = rows.get(event_id)
        if plain is None:
            continue
        owner = "trace"
        if plain.type == "captured":
            if plain.user_id not in owners:
                author = session.get(User, plain.user_id) if plain.user_id else None
                owners[plain.user_id] = organisation(session, author)
            owner = owners[plain.user_id]
        if owner == org:
            held[event_id] = plain
        else:
            row_ids[event_id] = (scoped[event_id], plain)
    return held, row_ids


def clash_notice(index: int, event_id: str, held_as: str) -> dict[str, Any]:
    return {
        "index": index,
        "reason": f"eventID {event_id} is held already as another organisation's event: yours "
        f"is kept beside it (held as {held_as}); queries answer each under the eventID its "
        "sender gave",
    }


def _held(session: Session, event_ids: list[str]) -> dict[str, Event]:
    held: dict[str, Event] = {}
    for chunk in chunks(event_ids):
        for event in session.exec(select(Event).where(col(Event.event_id).in_(chunk))):
            held[event.event_id] = event
    return held
