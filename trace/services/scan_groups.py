"""Counted scans committed in groups: what a carton's public page costs stays small however many
people open pages at once.

Each request puts its scan in the process's queue and waits for the writer's turn; whichever
request gets it (the leader) takes every scan waiting, counts them all in one transaction
(`scans.Counter`, in key order so two processes' groups never wait on each other's rows in
opposite orders), commits, and answers each request with its carton's count. A request is
answered only after its scan is committed, so a worker killed at any moment loses no scan anyone
saw counted. While one group commits the next one gathers, and its first request leads it: a
lone request writes its own scan with no thread between (nothing to hand over, nothing to wake),
a busy worker shares one commit among many scans. A group that fails is counted again one scan
per transaction, so one bad scan fails alone.

On PostgreSQL the group goes to the server as one pipeline (a statement per scan, sent together,
answered together): one round trip however large the group, and the server runs the pipeline as
one transaction. The writer has its own driver connection (no SQLAlchemy statement machinery on
the way), not a request's session: its commits are not the writes that make kept lot pages look
again at the chain (trace/lookup/cache.py).
"""

from __future__ import annotations

import fcntl
import os
import queue
import threading
from concurrent.futures import Future
from datetime import datetime

from sqlalchemy import Engine, PoolProxiedConnection

from . import scans

# How long a request waits for its group's commit before it fails (a database that stopped
# answering): SQLite's busy timeout is 30 s.
WAIT_SECONDS = 60


# A scan waiting for its group: (gtin, lot, serial, client, when) and the answer it waits for.
_Item = tuple[tuple[str, str, str, str, datetime], "Future[tuple[bool, scans.Scans]]"]


class ScanWriter:
    """The process's writer of counted scans (see the module's doc)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.commits = 0  # groups committed by this process
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._turn = threading.Lock()  # held by the request that writes the group
        self._pid: int | None = None  # the process the connection is for (a fork opens anew)
        self._connection: PoolProxiedConnection | None = None
        self._counter: scans.Counter | None = None
        self._lock: _WriterLock | None = None

    def count(
        self, gtin: str, lot: str, serial: str, client: str, when: datetime
    ) -> tuple[bool, scans.Scans]:
        """Count a client-day's opening of a carton's page; return, once it is committed,
        whether it was new and the carton's scans (as `scans.count_scan`)."""
        done: Future[tuple[bool, scans.Scans]] = Future()
        self._queue.put(((gtin, lot, serial, client, when), done))
        if not self._turn.acquire(timeout=WAIT_SECONDS):
            raise TimeoutError("the scan writer did not answer")
        try:
            if not done.done():  # nobody took it yet: lead the group
                self._lead()
        finally:
            self._turn.release()
        return done.result(timeout=0)

    def _lead(self) -> None:
        group = []
        while True:
            try:
                group.append(self._queue.get_nowait())
            except queue.Empty:
                break
        group.sort(key=lambda item: repr(item[0][:4]))  # the same order in every process
        try:
            self._write(group)
        except Exception:  # each alone: one bad scan fails by itself
            for item in group:
                try:
                    self._write([item])
                except Exception as error:
                    item[1].set_exception(error)

    def _write(self, group: list[_Item]) -> None:
        connection, counter, lock = self._connected()
        with lock:
            try:
                counted = counter.count_group([values for values, _done in group])
                connection.commit()
            except BaseException:
                connection.rollback()
                raise
        self.commits += 1
        for (_values, done), result in zip(group, counted, strict=True):
            done.set_result(result)

    def _connected(self) -> tuple[PoolProxiedConnection, scans.Counter, _WriterLock]:
        """The writer's own connection and lock file, for the process's life (a forked worker
        opens its own: a lock file opened before the fork would be one lock for both)."""
        if (
            self._pid != os.getpid()
            or self._connection is None
            or self._counter is None
            or self._lock is None
        ):
            self._connection = self.engine.raw_connection()
            if self.engine.dialect.name == "postgresql":  # a group's pipeline is its transaction
                self._connection.rollback()  # (a checkout's ping may have begun one)
                self._connection.dbapi_connection.autocommit = True  # type: ignore[union-attr]
            self._counter = scans.Counter(self._connection.dbapi_connection, self.engine.dialect)
            self._lock = _WriterLock(self.engine)
            self._pid = os.getpid()
        return self._connection, self._counter, self._lock


class _WriterLock:
    """On a SQLite file, the writers of counted scans of every process take turns on a lock
    file (flock) before they ask for the database's write lock: a waiting writer is woken the
    moment the other commits, where SQLite's own busy handler would sleep and poll (1 ms, then
    2, 5, 10… : the slowest answers under load). PostgreSQL locks rows and needs none."""

    def __init__(self, engine: Engine) -> None:
        database = engine.url.database if engine.dialect.name == "sqlite" else None
        self._file = None
        if database and database != ":memory:" and not database.startswith("file:"):
            self._file = open(f"{database}-scans.lock", "a")  # noqa: SIM115 (the process's)

    def __enter__(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_EX)

    def __exit__(self, *_exc: object) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
