"""What every use case shares: the transaction, the chain lock, appending an event, look-ups."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Protocol, TypeVar

import orjson
from sqlalchemy import func, text, update
from sqlmodel import Session, col, select

from trace.db.models import (
    ChainHead,
    Counter,
    Edge,
    Event,
    EventRef,
    Location,
    Lot,
    MasterDataVersion,
    User,
)
from trace.domain.errors import Invalid, NotFound, RuleViolation
from trace.domain.events import KINDS, canonical, canonical_json, chain_hash, offset_of, utc_iso
from trace.domain.masterdata import describe_change, version_content
from trace.domain.timing import require_from_day

# Where the season happens: the day of a date-only event (harvested_on, packed_on) is a
# Vietnamese day.
VIETNAM = timezone(timedelta(hours=7))

# How far ahead of the server's clock an event time may be (clocks of tablets drift).
CLOCK_SKEW = timedelta(minutes=5)


_Row = TypeVar("_Row")


def existing(session: Session, table: type[_Row], *, kind: str, id: int) -> _Row:  # noqa: A002
    """The row `id` of `table`, or NotFound with `kind` and the id (the params the kind lists:
    each caller names them, as every raise does)."""
    row = session.get(table, id)
    if row is None:
        raise NotFound(f"no {kind.split('.')[0]} with id {id}", kind=kind, id=id)
    return row


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


class _Stored(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _Stored) -> int:
    """The id of a row read from the database or flushed (only a new, unflushed row has none)."""
    assert row.id is not None, "a stored row has an id"
    return row.id


def chain_head(session: Session, *, populate_existing: bool = False) -> ChainHead:
    """The single chain_head row (the first migration inserts it)."""
    head = session.get(ChainHead, 1, populate_existing=populate_existing)
    if head is None:  # pragma: no cover - the first migration inserts it
        raise RuntimeError("chain_head row missing: run `flask --app wsgi db upgrade`")
    return head


def lock_chain(session: Session) -> ChainHead:
    """Take the writers' lock (a row lock on PostgreSQL, the write lock on SQLite) first thing.

    Every use case that records something calls this before it reads what it will check, so
    two packers racing for the last 180 kg are served one after the other.
    """
    session.execute(
        update(ChainHead).where(col(ChainHead.id) == 1).values(writes=col(ChainHead.writes) + 1)
    )
    return chain_head(session, populate_existing=True)


def next_value(session: Session, name: str, step: int = 1) -> int:
    """Take `step` numbers of a named sequence and return the last; call under the chain lock."""
    counter = session.get(Counter, name, populate_existing=True)
    if counter is None:
        counter = Counter(name=name, value=0)
        session.add(counter)
    counter.value += step
    session.flush()
    return counter.value


# The columns an event's content is made of: every one but the row id and the hashes.
EVENT_FIELDS = (
    "event_id",
    "type",
    "epcis_type",
    "action",
    "biz_step",
    "disposition",
    "event_time",
    "tz_offset",
    "record_time",
    "read_point_id",
    "biz_location_id",
    "data",
    "corrects_id",
    "user_id",
)


def event_record(event: Event) -> dict[str, Any]:
    """An event's content with its times as `datetime`s (what the EPCIS mapping reads)."""
    return {name: getattr(event, name) for name in EVENT_FIELDS}


def event_content(event: Event) -> dict[str, Any]:
    """The hashed content of an event: `event_record` with its times in UTC ISO 8601."""
    return event_record(event) | {
        "event_time": utc_iso(event.event_time),
        "record_time": utc_iso(event.record_time),
    }


def check_event_time(moment: datetime, field: str) -> datetime:
    if moment > now() + CLOCK_SKEW:
        raise Invalid(
            field,
            f"{moment.isoformat()} is in the future; record what has happened",
            kind="time.future",
            at=moment,
        )
    return moment


def not_before(lot: Lot, moment: datetime, field: str) -> None:
    """Nothing happens to a lot before the day it was harvested or packed (its local date)."""
    what = "harvested" if lot.kind == "harvest" else "packed"
    require_from_day(moment, lot.produced_on, VIETNAM, field, lot.code, what)


def record(
    session: Session,
    head: ChainHead,
    kind: str,
    *,
    event_time: datetime,
    actor: User | None,
    data: dict[str, Any],
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
    event_id = id_of(event)
    for ref in dict.fromkeys(refs):
        session.add(EventRef(event_id=event_id, node=ref))
    for src, dst, quantity, uom in edges:
        session.add(Edge(src=src, dst=dst, event_id=event_id, quantity=quantity, uom=uom))
    return event


def record_version(
    session: Session,
    head: ChainHead,
    entity: str,
    entity_id: int,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    actor: User | None,
    valid_from: datetime | None = None,
) -> MasterDataVersion | None:
    """Append one master-data version (a place's or a product's whole state after a change) to
    its chain, under the chain lock `head`; nothing when the state did not change."""
    if before == after:
        return None
    version = MasterDataVersion(
        entity=entity,
        entity_id=entity_id,
        change=describe_change(before, after),
        valid_from=valid_from or now(),
        user_id=actor.id if actor else None,
        before=before,
        after=after,
        prev_hash=head.masterdata_hash,
        hash="",
    )
    version.hash = chain_hash(version_content_of(version), version.prev_hash)
    session.add(version)
    head.masterdata_hash = version.hash
    session.add(head)
    session.flush()
    return version


def version_content_of(version: MasterDataVersion) -> dict[str, Any]:
    return version_content(
        version.entity,
        version.entity_id,
        version.change,
        version.valid_from,
        version.user_id,
        version.before,
        version.after,
    )


EVENT_COLUMNS = ("id", *EVENT_FIELDS, "prev_hash", "hash")


def append_events(session: Session, head: ChainHead, rows: list[dict[str, Any]]) -> list[int]:
    """Append many events at once, in order, under the chain lock `head` (the bulk path of
    `record`): ids are taken after the newest event, each hash is chained to the one before
    exactly as `record` chains it, and the rows go in with one bulk insert. Returns the ids.

    Each row holds the Event columns but `id`, `prev_hash` and `hash`.
    """
    if not rows:
        return []
    session.flush()
    first = (session.execute(select(func.max(Event.id))).scalar() or 0) + 1
    sqlite = session.connection().dialect.name == "sqlite"
    prev = head.last_hash
    values = []
    record_time, record_texts = None, ("", "")
    for ident, row in enumerate(rows, first):
        # The data's canonical JSON is written once: it is hashed inside the content and stored
        # as the column's text (JSON with sorted keys reads back as the same dict).
        data = canonical(row["data"])
        if row["record_time"] is not record_time:  # a capture's events share one record time
            record_time = row["record_time"]
            record_texts = _instant(record_time)
        event_texts = _instant(row["event_time"])
        content = _content(row, data, event_texts[0], record_texts[0])
        hashed = hashlib.sha256(b"%b\n%b" % (prev.encode(), content)).hexdigest()
        values.append(
            (
                ident,
                row["event_id"],
                row["type"],
                row["epcis_type"],
                row["action"],
                row["biz_step"],
                row["disposition"],
                event_texts[1] if sqlite else row["event_time"],
                row["tz_offset"],
                record_texts[1] if sqlite else record_time,
                row["read_point_id"],
                row["biz_location_id"],
                data.decode(),
                row["corrects_id"],
                row["user_id"],
                prev,
                hashed,
            )
        )
        prev = hashed
    bulk_insert(session, "event", EVENT_COLUMNS, values)
    if not sqlite:
        session.execute(
            text("SELECT setval(pg_get_serial_sequence('event', 'id'), :last)"),
            {"last": first + len(rows) - 1},
        )
    head.last_hash = prev
    head.last_event_id = first + len(rows) - 1
    session.add(head)
    return list(range(first, first + len(rows)))


def _instant(moment: datetime) -> tuple[str, str]:
    """An instant as the hashed content writes it (`utc_iso`) and as SQLite keeps it (the text
    SQLAlchemy writes for a DateTime, in UTC), from one conversion."""
    utc = moment if moment.tzinfo is UTC else moment.astimezone(UTC)
    if utc.year < 1000:  # strftime and isoformat pad the year differently
        return utc_iso(moment), _sqlite_time(moment)
    iso = utc.isoformat(timespec="microseconds")  # 2026-06-10T07:00:00.000000+00:00
    return f"{iso[:26]}Z", f"{iso[:10]} {iso[11:26]}"


_PLAIN = frozenset({str, int, type(None)})


def _content(row: dict[str, Any], data: bytes, event_time: str, record_time: str) -> bytes:
    """`canonical(event_content(row))` without writing the data again (`data` is its canonical
    JSON) and with the times already written (tests/epcis/test_domain.py holds the two equal).
    The other columns are strings, integers or null, which orjson writes as the standard
    library does; anything else takes the long way."""
    content = {  # in sorted key order, as canonical JSON writes them
        "action": row["action"],
        "biz_location_id": row["biz_location_id"],
        "biz_step": row["biz_step"],
        "corrects_id": row["corrects_id"],
        "data": None,
        "disposition": row["disposition"],
        "epcis_type": row["epcis_type"],
        "event_id": row["event_id"],
        "event_time": event_time,
        "read_point_id": row["read_point_id"],
        "record_time": record_time,
        "type": row["type"],
        "tz_offset": row["tz_offset"],
        "user_id": row["user_id"],
    }
    if {type(value) for value in content.values()} <= _PLAIN:
        content["data"] = orjson.Fragment(data)
        try:
            return orjson.dumps(content)
        except TypeError:  # an integer beyond 64 bits
            pass
    content["data"] = json.loads(data)
    return canonical_json(content)


def bulk_insert(
    session: Session, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert plain rows in the session's transaction as fast as the database takes them:
    COPY on PostgreSQL, executemany on SQLite (measured: COPY loads a million rows in about a second where executemany takes twenty). Dicts and lists become JSON,
    strings go as they are (a JSON column may be given its text); datetimes must be aware."""
    if not rows:
        return
    connection = session.connection()
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        assert driver is not None, "an open connection has its driver's connection"
        with driver.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([_pg_value(value) for value in row])
        return
    convert = [_sqlite_converter(rows, i) for i in range(len(columns))]
    _sqlite_time.cache_clear()
    if any(convert):
        rows = [
            tuple(value if f is None else f(value) for f, value in zip(convert, row, strict=True))
            for row in rows
        ]
    marks = ", ".join("?" * len(columns))
    connection.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _pg_value(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, dict | list) else value


@lru_cache(maxsize=1024)
def _sqlite_time(value: datetime) -> str:
    """As SQLAlchemy writes DateTime on SQLite, in UTC."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _sqlite_converter(rows: Sequence[tuple[Any, ...]], index: int) -> Callable[[Any], Any] | None:
    """How a column's values must change for sqlite3 (None: they go as they are)."""
    kinds = {type(row[index]) for row in rows[:1000]} - {type(None), str, int, float, bool}
    return _sqlite_value if kinds else None


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return _sqlite_time(value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def get_lot(session: Session, code: str) -> Lot:
    lot = session.exec(select(Lot).where(Lot.code == code)).first()
    if lot is None:
        raise NotFound(f"no lot with code {code!r}", kind="lot.unknown", lot=code)
    return lot


def lot_for_field(session: Session, code: str, field: str) -> Lot:
    """A lot named in a request body: unknown → 422 on that field."""
    lot = session.exec(select(Lot).where(Lot.code == code)).first()
    if lot is None:
        raise Invalid(field, f"no lot with code {code!r}", kind="lot.unknown", lot=code)
    return lot


def location_for_field(session: Session, ident: int, field: str, *kinds: str) -> Location:
    """A location named in a request body, which must be of one of `kinds`."""
    location = session.get(Location, ident)
    if location is None:
        raise Invalid(field, f"no location with id {ident}", kind="location.unknown", id=ident)
    if kinds and location.kind not in kinds:
        wanted = " or ".join(_a(k) for k in kinds)
        raise Invalid(
            field,
            f"location {ident} ({location.name}) is {_a(location.kind)}, not {wanted}",
            kind="location.wrong_kind",
            id=ident,
            name=location.name,
            is_kind=location.kind,
            wanted=list(kinds),
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
            f"lot {lot.code} is {at}, not at {location.name}: record its receipt there first",
            kind="receipt.elsewhere" if where else "receipt.not_received",
            lot=lot.code,
            here=location.name,
            **({"there": where.name} if where else {}),
        )
