"""What every use case shares: the transaction, the chain lock, appending an event, look-ups."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import update
from sqlmodel import Session, select

from trace.db.models import ChainHead, Counter, Edge, Event, EventRef, Location, Lot, User
from trace.domain.errors import Invalid, NotFound, RuleViolation
from trace.domain.events import KINDS, chain_hash, offset_of, utc_iso

# Where the season happens: the day of a date-only event (harvested_on, packed_on) is a
# Vietnamese day.
VIETNAM = timezone(timedelta(hours=7))

# How far ahead of the server's clock an event time may be (clocks of tablets drift).
CLOCK_SKEW = timedelta(minutes=5)


def now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def unit_of_work(session: Session) -> Iterator[None]:
    """One use case, one transaction: commit if it returns, roll everything back if it raises."""
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


def lock_chain(session: Session) -> ChainHead:
    """Take the writers' lock (a row lock on PostgreSQL, the write lock on SQLite) first thing.

    Every use case that records something calls this before it reads what it will check, so
    two packers racing for the last 180 kg are served one after the other.
    """
    session.execute(update(ChainHead).where(ChainHead.id == 1).values(writes=ChainHead.writes + 1))
    head = session.get(ChainHead, 1, populate_existing=True)
    if head is None:  # pragma: no cover - the first migration inserts it
        raise RuntimeError("chain_head row missing: run `flask --app wsgi db upgrade`")
    return head


def next_value(session: Session, name: str, step: int = 1) -> int:
    """Take `step` numbers of a named sequence and return the last; call under the chain lock."""
    counter = session.get(Counter, name, populate_existing=True)
    if counter is None:
        counter = Counter(name=name, value=0)
        session.add(counter)
    counter.value += step
    session.flush()
    return counter.value


def event_content(event: Event) -> dict:
    """The hashed content of an event: every column but the row id and the hashes."""
    return {
        "event_id": event.event_id,
        "type": event.type,
        "epcis_type": event.epcis_type,
        "action": event.action,
        "biz_step": event.biz_step,
        "disposition": event.disposition,
        "event_time": utc_iso(event.event_time),
        "tz_offset": event.tz_offset,
        "record_time": utc_iso(event.record_time),
        "read_point_id": event.read_point_id,
        "biz_location_id": event.biz_location_id,
        "data": event.data,
        "corrects_id": event.corrects_id,
        "user_id": event.user_id,
    }


def check_event_time(moment: datetime, field: str) -> datetime:
    if moment > now() + CLOCK_SKEW:
        raise Invalid(field, f"{moment.isoformat()} is in the future; record what has happened")
    return moment


def not_before(lot: Lot, moment: datetime, field: str) -> None:
    """Nothing happens to a lot before the day it was harvested or packed (its local date)."""
    if moment.astimezone(VIETNAM).date() < lot.produced_on:
        what = "harvested" if lot.kind == "harvest" else "packed"
        raise Invalid(
            field,
            f"{moment.isoformat()} is before lot {lot.code} was {what} "
            f"({lot.produced_on.isoformat()})",
        )


def record(
    session: Session,
    head: ChainHead,
    kind: str,
    *,
    event_time: datetime,
    actor: User | None,
    data: dict,
    location_id: int | None = None,
    refs: Iterable[str] = (),
    edges: Iterable[tuple[str, str, float | None, str | None]] = (),
    disposition: str | None = None,
    corrects_id: int | None = None,
) -> Event:
    """Append one event to the chain, with the graph edges and references it creates."""
    shape = KINDS[kind]
    event = Event(
        event_id=f"urn:uuid:{uuid.uuid4()}",
        type=kind,
        epcis_type=shape.epcis_type,
        action=shape.action,
        biz_step=shape.biz_step,
        disposition=disposition or shape.disposition,
        event_time=event_time,
        tz_offset=offset_of(event_time),
        record_time=now(),
        read_point_id=location_id,
        biz_location_id=location_id,
        data=data,
        corrects_id=corrects_id,
        user_id=actor.id if actor else None,
        prev_hash=head.last_hash,
        hash="",
    )
    event.hash = chain_hash(event_content(event), event.prev_hash)
    session.add(event)
    session.flush()
    head.last_hash = event.hash
    head.last_event_id = event.id
    for ref in dict.fromkeys(refs):
        session.add(EventRef(event_id=event.id, node=ref))
    for src, dst, quantity, uom in edges:
        session.add(Edge(src=src, dst=dst, event_id=event.id, quantity=quantity, uom=uom))
    return event


def get_lot(session: Session, code: str) -> Lot:
    lot = session.exec(select(Lot).where(Lot.code == code)).first()
    if lot is None:
        raise NotFound(f"no lot with code {code!r}")
    return lot


def lot_for_field(session: Session, code: str, field: str) -> Lot:
    """A lot named in a request body: unknown → 422 on that field."""
    lot = session.exec(select(Lot).where(Lot.code == code)).first()
    if lot is None:
        raise Invalid(field, f"no lot with code {code!r}")
    return lot


def location_for_field(session: Session, ident: int, field: str, *kinds: str) -> Location:
    """A location named in a request body, which must be of one of `kinds`."""
    location = session.get(Location, ident)
    if location is None:
        raise Invalid(field, f"no location with id {ident}")
    if kinds and location.kind not in kinds:
        wanted = " or ".join(_a(k) for k in kinds)
        raise Invalid(
            field, f"location {ident} ({location.name}) is {_a(location.kind)}, not {wanted}"
        )
    return location


def _a(kind: str) -> str:
    words = kind.replace("_", " ")
    return f"an {words}" if words[0] in "aeiou" else f"a {words}"


def require_here(lot: Lot, location: Location, session: Session) -> None:
    """A lot can only be worked on where it is."""
    if lot.location_id != location.id:
        where = session.get(Location, lot.location_id) if lot.location_id else None
        at = f"at {where.name}" if where else "not received anywhere yet"
        raise RuleViolation(
            f"lot {lot.code} is {at}, not at {location.name}: record its receipt there first"
        )


def fmt_qty(value: float) -> str:
    """1180.0 → '1180', 12.5 → '12.5' (messages and labels)."""
    return f"{value:g}" if abs(value) < 1e15 else str(value)
