"""EPCIS queries (`GET /epcis/events`): events by time, step, place and identifier, in pages."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, and_, or_
from sqlalchemy.orm import Mapped, aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from trace.db.models import (
    Event,
    EventRef,
    EventUri,
)
from trace.domain.epcis_ids import GS1, Names, cbv_forms
from trace.domain.epcis_query import Query, matches
from trace.domain.errors import Invalid

from .mapping import stored_id, to_epcis
from .nodes import resolve_nodes


def query_events(
    session: Session,
    query: Query,
    names: Names,
    *,
    after: int = 0,
    count: int = 100,
) -> tuple[list[dict[str, Any]], int | None]:
    """Events answering `query`, oldest record first, from after event row `after`: at most
    `count` of them, and where to go on from (the last row used) when more answer.

    The database narrows (type, time, bizStep, the identifiers' events); `matches`
    decides on the events as EPCIS shows them. A corrected event comes with its corrective
    events and is never split from them.
    """
    base = _narrowed(session, query, names)
    found: list[dict[str, Any]] = []
    last = after
    while True:
        batch = list(
            session.exec(base.where(col(Event.id) > last).order_by(col(Event.id)).limit(200))
        )
        if not batch:
            return found, None
        sizes: list[int] = []
        mapped = to_epcis(session, batch, names, sizes=sizes)
        groups = _group(batch, mapped, sizes)
        for event, group in groups:
            hits = [e for e in group if matches(e, query)]
            if hits and len(found) + len(hits) > count and found:
                return found, last
            found.extend(hits)
            last = stored_id(event.id)
            if len(found) >= count:
                more = session.exec(base.where(col(Event.id) > last).limit(1)).first()
                return found, (last if more is not None else None)


def _narrowed(session: Session, query: Query, names: Names) -> SelectOfScalar[Event]:
    """The events the database can tell may answer `query` (type, times, action, bizStep,
    disposition, the identifiers' and places' events); `matches` decides on the rest."""
    base = select(Event).where(Event.type != "correct")
    if query.event_types:
        base = base.where(col(Event.epcis_type).in_(query.event_types))
    if query.ge_event_time:
        base = base.where(Event.event_time >= query.ge_event_time)
    if query.lt_event_time:
        base = base.where(Event.event_time < query.lt_event_time)
    if query.ge_record_time or query.lt_record_time:
        base = base.where(_recorded(query.ge_record_time, query.lt_record_time))
    if query.actions:
        base = base.where(col(Event.action).in_(query.actions))
    if query.biz_steps:
        forms = [form for step in query.biz_steps for form in cbv_forms(step)]
        base = base.where(col(Event.biz_step).in_(forms))
    if query.dispositions:
        forms = [f for d in query.dispositions for f in cbv_forms(d, "disposition")]
        fix = aliased(Event)  # a correction may change a disposition (an inspection's result)
        corrected = select(fix.corrects_id).where(col(fix.corrects_id).is_not(None))
        base = base.where(or_(col(Event.disposition).in_(forms), col(Event.id).in_(corrected)))
    for values in (
        query.match_epc,
        query.match_any_epc,
        query.match_epc_class,
        query.match_any_epc_class,
    ):
        if values and not any(_is_pattern(v) for v in values):
            base = base.where(col(Event.id).in_(_naming(session, values, names)))
    if query.biz_locations:
        base = base.where(_at(session, query.biz_locations, names))
    return base


def _group(
    batch: list[Event], mapped: list[dict[str, Any]], sizes: list[int]
) -> list[tuple[Event, list[dict[str, Any]]]]:
    """Pair each row with its EPCIS events (itself, then its corrective events): by position,
    as `to_epcis` counted them (two organisations' events may share an eventID)."""
    groups: list[tuple[Event, list[dict[str, Any]]]] = []
    start = 0
    for event, size in zip(batch, sizes, strict=True):
        groups.append((event, mapped[start : start + size]))
        start += size
    return groups


def _recorded(start: datetime | None, end: datetime | None) -> ColumnElement[bool]:
    """Rows recorded in [start, end), or whose corrections (declarations) were: a correction is
    news about the event it corrects, and travels with it."""

    def within(column: Mapped[datetime]) -> ColumnElement[bool]:
        bounds = []
        if start:
            bounds.append(column >= start)
        if end:
            bounds.append(column < end)
        return and_(*bounds)

    fix = aliased(Event)
    later = select(fix.corrects_id).where(
        col(fix.corrects_id).is_not(None), within(col(fix.record_time))
    )
    return or_(within(col(Event.record_time)), col(Event.id).in_(later))


def _is_pattern(value: str) -> bool:
    return value.endswith("/*") or (value.startswith(f"{GS1}/01/") and value.count("/") == 4)


def _naming(session: Session, uris: tuple[str, ...], names: Names) -> CompoundSelect[int]:
    """The ids of events that name any of `uris`: captured ones by their identifiers, ours by
    the lots and pallets the identifiers resolve to."""
    nodes = [n for n in resolve_nodes(session, uris, names).values() if not n.startswith("loc")]
    by_uri = select(EventUri.event_id).where(col(EventUri.uri).in_(uris))
    by_node = select(EventRef.event_id).where(col(EventRef.node).in_(nodes or [""]))
    return by_uri.union(by_node)


def _at(session: Session, uris: tuple[str, ...], names: Names) -> ColumnElement[bool]:
    places = [
        int(n.split(":")[1])
        for n in resolve_nodes(session, uris, names).values()
        if n.startswith("location:")
    ]
    return or_(
        col(Event.biz_location_id).in_(places or [-1]),
        col(Event.id).in_(select(EventUri.event_id).where(col(EventUri.uri).in_(uris))),
    )


def page_token(after: int, left: int | None, fingerprint: str) -> str:
    raw = json.dumps({"after": after, "left": left, "q": fingerprint}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def read_token(token: str, fingerprint: str) -> tuple[int, int | None]:
    """The position a nextPageToken points at; refused if it belongs to another query."""
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        after, left = int(data["after"]), data.get("left")
        ok = data.get("q") == fingerprint and after >= 0
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise Invalid(
            "nextPageToken",
            "this token does not belong to this query: start again",
            kind="query.page_token",
        )
    return after, (None if left is None else int(left))


def fingerprint(params: dict[str, Any]) -> str:
    """A short digest of a query's parameters (a page token is valid for its query only)."""
    text = json.dumps(params, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
