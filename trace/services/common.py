"""What every use case shares: the transaction, the chain lock, appending an event, look-ups."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from json.encoder import encode_basestring

from sqlalchemy import func, text, update
from sqlmodel import Session, select

from trace.db.models import ChainHead, Counter, Edge, Event, EventRef, Location, Lot, User
from trace.domain.errors import Invalid, NotFound, RuleViolation
from trace.domain.events import KINDS, canonical, chain_hash, offset_of, utc_iso

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


EVENT_COLUMNS = (
    "id",
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
    "prev_hash",
    "hash",
)


def append_events(session: Session, head: ChainHead, rows: list[dict]) -> list[int]:
    """Append many events at once, in order, under the chain lock `head` (the bulk path of
    `record`): ids are taken after the newest event, each hash is chained to the one before
    exactly as `record` chains it, and the rows go in with one bulk insert. Returns the ids.

    Each row holds the Event columns but `id`, `prev_hash` and `hash`.
    """
    if not rows:
        return []
    session.flush()
    first = (session.execute(select(func.max(Event.id))).scalar() or 0) + 1
    prev = head.last_hash
    values = []
    times: dict[datetime, str] = {}  # a capture's events share one record time
    for offset, row in enumerate(rows):
        row = {**row, "id": first + offset, "prev_hash": prev}
        # The data's canonical JSON is written once: it is hashed inside the content and stored
        # as the column's text (JSON with sorted keys reads back as the same dict).
        data_text = canonical(row["data"]).decode()
        row["hash"] = prev = _spliced_hash(row, data_text, prev, times)
        row["data"] = data_text
        values.append(tuple(row[column] for column in EVENT_COLUMNS))
    bulk_insert(session, "event", EVENT_COLUMNS, values)
    if session.connection().dialect.name == "postgresql":
        session.execute(
            text("SELECT setval(pg_get_serial_sequence('event', 'id'), :last)"),
            {"last": first + len(rows) - 1},
        )
    head.last_hash = prev
    head.last_event_id = first + len(rows) - 1
    session.add(head)
    return list(range(first, first + len(rows)))


def _spliced_hash(row: dict, data_text: str, prev: str, times: dict) -> str:
    """`chain_hash(event_content(row), prev)` without building and sorting the content: its
    canonical JSON written field by field in sorted key order, the data's canonical text put in
    its place as it is (tests/epcis/test_domain.py holds the two equal)."""
    record_time = times.get(row["record_time"]) or times.setdefault(
        row["record_time"], utc_iso(row["record_time"])
    )
    text_ = (
        f'{{"action":{_json(row["action"])},"biz_location_id":{_json(row["biz_location_id"])},'
        f'"biz_step":{_json(row["biz_step"])},"corrects_id":{_json(row["corrects_id"])},'
        f'"data":{data_text},"disposition":{_json(row["disposition"])},'
        f'"epcis_type":{_json(row["epcis_type"])},"event_id":{_json(row["event_id"])},'
        f'"event_time":"{utc_iso(row["event_time"])}",'
        f'"read_point_id":{_json(row["read_point_id"])},"record_time":"{record_time}",'
        f'"type":{_json(row["type"])},"tz_offset":{_json(row["tz_offset"])},'
        f'"user_id":{_json(row["user_id"])}}}'
    )
    return hashlib.sha256(prev.encode() + b"\n" + text_.encode()).hexdigest()


def _json(value) -> str:
    """One value of the content as `canonical` writes it (strings, integers, null)."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int.__repr__(value)
    return json.dumps(value, ensure_ascii=False)


def bulk_insert(
    session: Session, table: str, columns: Sequence[str], rows: Sequence[tuple]
) -> None:
    """Insert plain rows in the session's transaction as fast as the database takes them:
    COPY on PostgreSQL, executemany on SQLite (FINDINGS.md §11). Dicts and lists become JSON,
    strings go as they are (a JSON column may be given its text); datetimes must be aware."""
    if not rows:
        return
    connection = session.connection()
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
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


def _pg_value(value):
    return json.dumps(value) if isinstance(value, dict | list) else value


@lru_cache(maxsize=1024)
def _sqlite_time(value: datetime) -> str:
    """As SQLAlchemy writes DateTime on SQLite, in UTC."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _sqlite_converter(rows: Sequence[tuple], index: int):
    """How a column's values must change for sqlite3 (None: they go as they are)."""
    kinds = {type(row[index]) for row in rows[:1000]} - {type(None), str, int, float, bool}
    return _sqlite_value if kinds else None


def _sqlite_value(value):
    if isinstance(value, datetime):
        return _sqlite_time(value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


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
