"""Genuineness of a carton's label: who opened its public page, once per person and day, and
whether the label may have been copied.

No Flask: the views in `trace/lookup/` count through `trace.services.scan_groups`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Dialect, inspect, text
from sqlmodel import Session

from trace.db.models import ScanCounter
from trace.domain.local_time import local as _local


@dataclass(frozen=True)
class Scans:
    """How many people opened a carton's page (one per client and day), first and latest."""

    count: int
    first_at: datetime | None
    last_at: datetime | None


# The statements of counting, one home for both databases: written with :named parameters
# (SQLite's own style; PostgreSQL's driver gets them as %(named)s). Insert-if-absent: one row per
# carton and client-day, RETURNING says whether it is new (SQLite 3.35+ and PostgreSQL alike;
# two requests of one client at once add one row); a new client-day bumps the carton's summary
# row (or makes it) in the same transaction.
_ADD_SCAN = (
    "INSERT INTO scan (gtin, lot, serial, client, at) VALUES (:gtin, :lot, :serial, :client, "
    ":when) ON CONFLICT (gtin, lot, serial, client) DO NOTHING RETURNING 1"
)
# The carton's count bumped (or its row made), saying the carton's summary after.
_INTO_COUNTER = "INSERT INTO scan_counter (gtin, lot, serial, count, first_at, last_at) "
_BUMPED = (
    "ON CONFLICT (gtin, lot, serial) "
    "DO UPDATE SET count = scan_counter.count + 1, last_at = excluded.last_at "
    "RETURNING count, first_at, last_at"
)
_BUMP = f"{_INTO_COUNTER}VALUES (:gtin, :lot, :serial, 1, :when, :when) {_BUMPED}"
_SCANS = (
    "SELECT count, first_at, last_at FROM scan_counter "
    "WHERE gtin = :gtin AND lot = :lot AND serial = :serial"
)
# PostgreSQL does both in one statement (a data-modifying WITH), one round trip to the server
# where two cost two: the carton's summary when the client-day was new, no row when it was not
# (then `_SCANS` reads it), as the two do on SQLite.
_ADD_AND_BUMP = (
    f"WITH added AS ({_ADD_SCAN}) {_INTO_COUNTER}"
    f"SELECT :gtin, :lot, :serial, 1, :when, :when WHERE EXISTS (SELECT FROM added) {_BUMPED}"
)


class Counter:
    """Counting straight on a driver connection (sqlite3 or psycopg), in its open transaction:
    a counted scan is two short statements on SQLite, one on PostgreSQL, and SQLAlchemy's
    statement machinery would cost four times what they do. Instants go in and come out as the
    tables' `datetime` columns store them (SQLAlchemy's own converters for the dialect)."""

    def __init__(self, dbapi_connection: Any, dialect: Dialect) -> None:
        self.connection = dbapi_connection
        self.cursor = dbapi_connection.cursor()
        self.one_statement = dialect.name == "postgresql"
        named = dialect.name == "sqlite"  # sqlite3 reads :named itself, psycopg %(named)s
        self._sql = {
            name: sql if named else re.sub(r":(\w+)", r"%(\1)s", sql)
            for name, sql in (
                ("add", _ADD_SCAN), ("bump", _BUMP), ("scans", _SCANS), ("both", _ADD_AND_BUMP)
            )
        }  # fmt: skip
        column = inspect(ScanCounter).columns["first_at"].type.dialect_impl(dialect)
        self._in: Callable[[Any], Any] = column.bind_processor(dialect) or _same
        self._out: Callable[[Any], Any] = column.result_processor(dialect, None) or _same

    def count(
        self, gtin: str, lot: str, serial: str, client: str, when: datetime | None = None
    ) -> tuple[bool, Scans]:
        """Add the client-day if absent and, if it was, bump the carton's count: whether it was
        new, and the carton's scans. The caller commits."""
        values = self._values(gtin, lot, serial, client, when)
        if self.one_statement:
            return self._counted(values, self.cursor.execute(self._sql["both"], values).fetchone())
        bumped = None
        if self.cursor.execute(self._sql["add"], values).fetchone() is not None:
            bumped = self.cursor.execute(self._sql["bump"], values).fetchone()
        return self._counted(values, bumped)

    def count_group(
        self, group: list[tuple[str, str, str, str, datetime]]
    ) -> list[tuple[bool, Scans]]:
        """`count` each scan of the group. On PostgreSQL the connection must be in autocommit:
        the group's statements go in one pipeline, which the server runs as one transaction
        (all or none) and answers in one round trip."""
        if not self.one_statement or len(group) == 1:  # one statement: its own transaction
            return [self.count(*scan) for scan in group]
        values = [self._values(*scan) for scan in group]
        with self.connection.pipeline():
            cursors = [self.connection.cursor() for _scan in group]
            for cursor, scan in zip(cursors, values, strict=True):
                cursor.execute(self._sql["both"], scan)
        return [
            self._counted(scan, cursor.fetchone())
            for cursor, scan in zip(cursors, values, strict=True)
        ]

    def _values(
        self, gtin: str, lot: str, serial: str, client: str, when: datetime | None
    ) -> dict[str, Any]:
        stored = self._in(when or datetime.now(UTC))
        return {"gtin": gtin, "lot": lot, "serial": serial, "client": client, "when": stored}

    def _counted(self, values: dict[str, Any], bumped: Any) -> tuple[bool, Scans]:
        """What the bump said (`_BUMP`, `_ADD_AND_BUMP`): the carton's scans, read if the
        client-day was not new."""
        if bumped is None:
            return False, self.read(values["gtin"], values["lot"], values["serial"])
        return True, self._scans(bumped)

    def read(self, gtin: str, lot: str, serial: str) -> Scans:
        """How many people opened the carton's page, first and latest."""
        self.cursor.execute(self._sql["scans"], {"gtin": gtin, "lot": lot, "serial": serial})
        row = self.cursor.fetchone()
        return Scans(0, None, None) if row is None else self._scans(row)

    def _scans(self, row: Any) -> Scans:
        count, first_at, last_at = row
        return Scans(count, _local(self._out(first_at)), _local(self._out(last_at)))


def _same(value: Any) -> Any:
    return value


def counter(session: Session) -> Counter:
    """A `Counter` on the session's connection (its transaction)."""
    connection = session.connection()
    return Counter(connection.connection.dbapi_connection, connection.dialect)


def client_day(salt: str, address: str, agent: str) -> str:
    """Who opened a page, as far as counting needs: a hash of the address and user agent salted
    with the day's random salt (never the address itself; unlinkable once the salt is gone)."""
    digest = hashlib.sha256(f"{salt}\0{address}\0{agent}".encode("utf-8", "replace"))
    return digest.hexdigest()[:32]


def day_salt(session: Session, day: date) -> str:
    """The random salt of client hashes on `day` (UTC), made by whichever worker asks first;
    salts of days before yesterday are deleted. Commits."""
    try:
        connection = session.connection()
        connection.execute(
            text("INSERT INTO scan_salt (day, salt) VALUES (:day, :salt) ON CONFLICT DO NOTHING"),
            {"day": day, "salt": secrets.token_hex(32)},
        )
        salt: str = connection.execute(
            text("SELECT salt FROM scan_salt WHERE day = :day"), {"day": day}
        ).scalar_one()
        connection.execute(
            text("DELETE FROM scan_salt WHERE day < :before"), {"before": day - timedelta(days=1)}
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return salt


def count_scan(
    session: Session,
    gtin: str,
    lot: str,
    serial: str,
    client: str,
    when: datetime | None = None,
) -> tuple[bool, Scans]:
    """Count a person (`client_day`) opening a carton's page, once a day; return whether this
    was a new client-day and the carton's scans. One transaction: the scan row if absent and,
    if it was, the carton's count; never a count lost or counted twice, on either database.
    (The public pages count in groups, through `trace.services.scan_groups`.)"""
    try:
        counted = counter(session).count(gtin, lot, serial, client, when)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return counted


def scans_of(session: Session, gtin: str, lot: str, serial: str) -> Scans:
    """How many people opened a carton's page and when, without counting."""
    return counter(session).read(gtin, lot, serial)


def copied(scans: Scans, most_people: int, most_days: int) -> str | None:
    """Why a printed carton's label may have been copied: `people` (more than `most_people`
    client-days opened it) or `days` (people opened it more than `most_days` days apart, longer
    than fresh produce keeps); None when neither."""
    if scans.count > most_people:
        return "people"
    first, last = scans.first_at, scans.last_at
    if first is not None and last is not None and last - first > timedelta(days=most_days):
        return "days"
    return None


def carton_check(
    serial: str, status: dict[str, Any], scans: Scans | None, most_people: int, most_days: int
) -> dict[str, Any]:
    """Is this carton's label genuine? Printed for this lot (`label_serials.serial_status`), and not
    opened by suspiciously many people or over too long a time. `scans` only for a printed one."""
    return {
        "serial": serial,
        "status": status["status"],  # printed | other_lot | never_printed
        "other_lot": status.get("lot"),
        "printed_at": _local(status.get("printed_at")),
        "scans": scans.count if scans else 0,
        "first_scan": scans.first_at if scans else None,
        "copied": copied(scans, most_people, most_days) if scans else None,
        "most_people": most_people,
        "most_days": most_days,
    }
