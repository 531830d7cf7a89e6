"""Backups of the whole database, and restores that check the hash chain before saying "done".

SQLite: the online backup API (`sqlite3.Connection.backup`) copies every page in one step, inside
one read transaction: a consistent snapshot while the service keeps writing (WAL: readers never
block writers). The backup is a plain SQLite file (journal mode DELETE), checked with
`PRAGMA quick_check` before it replaces FILE.

PostgreSQL: `pg_dump --format=custom` (found on PATH or in `pg_config --bindir`) run on a
snapshot this module exports, so the summary it reports (events, chain head) is exactly what the
archive holds; `pg_restore --clean --if-exists --single-transaction` restores it all or nothing.

A restore refuses to replace a database that holds data unless forced, then recomputes the hash
chain of what it restored (`audit.verify`). No Flask here: the command line is `trace/cli.py`.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from trace.db.engine import make_engine
from trace.db.migrate import alembic_config
from trace.domain.errors import DomainError

from . import audit

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# Tables whose rows a freshly migrated database already holds: they do not make it "non-empty".
BOOKKEEPING = {"alembic_version", "chain_head"}
# Tables counted in a summary (the tests compare them before and after a round trip).
COUNTED = (
    "event",
    "event_ref",
    "edge",
    "lot",
    "pallet",
    "pallet_content",
    "shipment",
    "location",
    "product",
    "user",
    "api_token",
    "label_job",
    "scan_counter",
    "masterdata_version",
    "carton_serial",
    "scan",
)


class BackupError(DomainError):
    """A backup or restore that cannot be done; `message` says why and what to do."""


@dataclass
class Summary:
    """What a backup holds (or a restored database holds): enough to compare the two."""

    engine: str  # sqlite | postgresql
    events: int
    last_event_id: int | None
    last_hash: str
    revision: str | None  # the Alembic migration the database is at
    rows: dict[str, int] = field(default_factory=dict)
    size: int = 0  # bytes of the backup file


@dataclass
class Restored:
    summary: Summary
    verify: dict[str, Any]  # audit.verify's answer over the restored database
    head_revision: str | None  # the newest migration this version of trace has

    @property
    def needs_upgrade(self) -> bool:
        return self.summary.revision != self.head_revision


# --- what is where -------------------------------------------------------------------------------


def backend(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(
            f"backups of {name} databases are not supported (SQLite or PostgreSQL)",
            kind="backup.unsupported",
            engine=name,
        )
    return name


def kind_of(path: Path) -> str | None:
    """`sqlite` or `postgresql` from a backup file's first bytes; None if it is neither."""
    with open(path, "rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    return None


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError(
            "an in-memory SQLite database has nothing on disk to back up or restore",
            kind="backup.in_memory",
        )
    return Path(database)


def holds_data(url: str) -> bool:
    """Does the database hold any row beyond what `db upgrade` puts in an empty one?"""
    if backend(url) == "sqlite":
        path = _sqlite_path(url)
        if not path.exists() or path.stat().st_size == 0:
            return False
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            for table in inspect(conn).get_table_names():
                if table in BOOKKEEPING:
                    continue
                quoted = conn.dialect.identifier_preparer.quote(table)
                if conn.execute(text(f"SELECT 1 FROM {quoted} LIMIT 1")).first() is not None:
                    return True
            return False
    finally:
        engine.dispose()


def _summarise(one: Callable[[str], Any], engine: str) -> Summary:
    """A summary through `one(sql) -> first row`, on any DB-API or SQLAlchemy connection (a
    DB-API row is untyped)."""
    listing = (
        "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table'"
        if engine == "sqlite"
        else "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = current_schema()"
    )
    tables = set((one(listing)[0] or "").split(","))
    if not {"event", "chain_head", "alembic_version"} <= tables:
        raise BackupError(
            "this is not a trace database: it has no event log", kind="backup.not_trace"
        )
    head = one("SELECT last_event_id, last_hash FROM chain_head WHERE id = 1")
    return Summary(
        engine=engine,
        events=one("SELECT count(*) FROM event")[0],
        last_event_id=head[0] if head else None,
        last_hash=head[1] if head else "",
        revision=one("SELECT version_num FROM alembic_version")[0],
        # Tables a migration added after the backup's own are simply not there.
        rows={t: one(f'SELECT count(*) FROM "{t}"')[0] for t in COUNTED if t in tables},
    )


def migration_head() -> str | None:
    """The newest migration this version of trace has."""
    return ScriptDirectory.from_config(alembic_config(None)).get_current_head()


# --- backup --------------------------------------------------------------------------------------


@contextmanager
def _database_errors() -> Iterator[None]:
    """A database that cannot be reached or opened is a message, not a traceback."""
    try:
        yield
    except (OperationalError, sqlite3.OperationalError) as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise BackupError(
            f"cannot use the database: {reason}", kind="backup.database", reason=reason
        ) from None


def backup(url: str, path: Path) -> Summary:
    """Write a backup of the database at `url` to `path` (replaced only once complete)."""
    with _database_errors():
        return _backup(url, Path(path))


def _backup(url: str, path: Path) -> Summary:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if backend(url) == "sqlite":
            summary = _backup_sqlite(_sqlite_path(url), path, partial)
        else:
            summary = _backup_postgresql(url, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    summary.size = path.stat().st_size
    return summary


def _backup_sqlite(source_path: Path, path: Path, partial: Path) -> Summary:
    if not source_path.exists():
        raise BackupError(
            f"there is no database at {source_path}",
            kind="backup.no_database",
            path=str(source_path),
        )
    if path.resolve() == source_path.resolve():
        raise BackupError("the backup file cannot be the database itself", kind="backup.same_file")
    with (
        closing(sqlite3.connect(source_path, timeout=30)) as source,
        closing(sqlite3.connect(partial)) as copy,
    ):
        # pages=-1: every page in one step, one read transaction, so one moment's state. (In
        # several steps a write by another connection would restart the copy, maybe forever.)
        source.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        _quick_check(copy, "the copy", path)
        return _summarise(lambda sql: copy.execute(sql).fetchone(), "sqlite")


def _quick_check(db: sqlite3.Connection, what: str, path: Path) -> None:
    """SQLite's quick_check of `db` (`what`: the copy or the backup file `path`)."""
    problem = db.execute("PRAGMA quick_check").fetchone()[0]
    if problem != "ok":
        raise BackupError(
            f"{what} fails SQLite's quick_check: {problem}",
            kind="backup.quick_check",
            path=str(path),
            problem=problem,
        )


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for the client programs, the password passed in the environment
    (never on a command line other users can read)."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    uri = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def pg_program(name: str) -> str:
    """pg_dump or pg_restore: on PATH, else in `pg_config --bindir`, else Debian's newest."""
    found = shutil.which(name)
    if found:
        return found
    folders = []
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        folders.append(out.stdout.strip())
    folders += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda f: int(Path(f).parent.name) if Path(f).parent.name.isdigit() else 0,
        reverse=True,
    )
    for folder in folders:
        candidate = Path(folder) / name
        if folder and candidate.exists():
            return str(candidate)
    raise BackupError(
        f"{name} not found: install PostgreSQL's client programs (Debian: postgresql-client) "
        "or put their folder on PATH",
        kind="backup.client_missing",
        program=name,
    )


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise BackupError(
            f"{Path(command[0]).name} failed: " + " / ".join(detail),
            kind="backup.client_failed",
            program=Path(command[0]).name,
            detail=detail,
        )


def _backup_postgresql(url: str, partial: Path) -> Summary:
    uri, env = _libpq(url)
    program = pg_program("pg_dump")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                # pg_dump reads the snapshot this transaction exported: the summary below and
                # the archive are the same moment's state, whatever writers do meanwhile.
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                summary = _summarise(lambda sql: conn.exec_driver_sql(sql).first(), "postgresql")
                _run(
                    [
                        program,
                        "--format=custom",
                        f"--snapshot={snapshot}",
                        f"--file={partial}",
                        f"--dbname={uri}",
                    ],
                    env,
                )
    finally:
        engine.dispose()
    _run([pg_program("pg_restore"), "--list", str(partial)], env)  # the archive reads back
    return summary


# --- restore -------------------------------------------------------------------------------------


def restore(
    url: str, path: Path, *, force: bool = False, trusted_key: bytes | set[bytes] | None = None
) -> Restored:
    """Replace the database at `url` with the backup in `path`, then check its hash chain.

    Refuses (BackupError, nothing changed) if the database holds data and `force` is not set,
    or if the backup is of the other kind of database.
    """
    with _database_errors():
        return _restore(url, Path(path), force, trusted_key)


def _restore(url: str, path: Path, force: bool, trusted_key: bytes | set[bytes] | None) -> Restored:
    target = backend(url)
    kind = kind_of(path)
    if kind is None:
        raise BackupError(
            f"{path} is not a trace backup (neither SQLite nor pg_dump custom format)",
            kind="backup.not_backup",
            path=str(path),
        )
    if kind != target:
        raise BackupError(
            f"{path} is a {kind} backup and the database is {target}: restore it into a "
            f"{kind} database (copying between the two is not what backups are for)",
            kind="backup.other_engine",
            path=str(path),
            backup=kind,
            engine=target,
        )
    if holds_data(url) and not force:
        raise BackupError(
            "the database holds data already; restore into an empty database, or add --force "
            "to replace everything in it with the backup",
            kind="backup.not_empty",
        )
    if target == "sqlite":
        _restore_sqlite(path, _sqlite_path(url))
    else:
        _restore_postgresql(path, url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            connection = session.connection()
            summary = _summarise(lambda sql: connection.exec_driver_sql(sql).first(), target)
            result = audit.verify(session, trusted_key)
    finally:
        engine.dispose()
    summary.size = path.stat().st_size
    return Restored(summary=summary, verify=result, head_revision=migration_head())


def _restore_sqlite(path: Path, target: Path) -> None:
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as source:
        _quick_check(source, str(path), path)
        _summarise(lambda sql: source.execute(sql).fetchone(), "sqlite")  # a trace database?
        target.parent.mkdir(parents=True, exist_ok=True)
        # Into the live file through the same API (not a file copy): connections the service
        # holds open see the restored database at their next transaction, never half of it.
        with closing(sqlite3.connect(target, timeout=30)) as live:
            source.backup(live, pages=-1)


def _restore_postgresql(path: Path, url: str) -> None:
    uri, env = _libpq(url)
    _run(
        [
            pg_program("pg_restore"),
            "--clean",
            "--if-exists",  # drops what a migrated empty database has, quietly if absent
            "--no-owner",  # the tables belong to whoever restores (the service's user)
            "--no-privileges",
            "--single-transaction",  # all or nothing
            "--exit-on-error",
            f"--dbname={uri}",
            str(path),
        ],
        env,
    )
