"""Counted scans committed in groups: what a carton's public page costs stays small however many
people open pages at once.

Each request hands its scan to the process's writer thread and waits; the writer takes every
scan waiting, counts them all in one transaction (`scans.count_in` each, in key order so two
processes' groups never wait on each other's rows in opposite orders) and commits, then answers
each request with its carton's count. A request is answered only after its scan is committed,
so a worker killed at any moment loses no scan anyone saw counted. While one group commits the
next one gathers: an idle writer adds no wait, a busy one shares one commit among many scans.
A group that fails is counted again one scan per transaction, so one bad scan fails alone.

The writer has its own driver connection (`scans.Counter`: no SQLAlchemy statement machinery on
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
        self.commits = 0  # groups committed by this process's writer
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._pid: int | None = None  # the process whose thread writes (a fork starts its own)

    def count(
        self, gtin: str, lot: str, serial: str, client: str, when: datetime
    ) -> tuple[bool, scans.Scans]:
        """Count a client-day's opening of a carton's page; return, once it is committed,
        whether it was new and the carton's scans (as `scans.count_scan`)."""
        self._start()
        done: Future[tuple[bool, scans.Scans]] = Future()
        self._queue.put(((gtin, lot, serial, client, when), done))
        return done.result(timeout=WAIT_SECONDS)

    def _start(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid != os.getpid():
                self._queue = queue.SimpleQueue()
                threading.Thread(target=self._run, name="trace-scans", daemon=True).start()
                self._pid = os.getpid()

    def _run(self) -> None:
        connection = self.engine.raw_connection()  # the writer's own, for the process's life
        counter = scans.Counter(connection.dbapi_connection, self.engine.dialect)
        lock = _WriterLock(self.engine)
        while True:
            group = [self._queue.get()]
            while True:
                try:
                    group.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            group.sort(key=lambda item: repr(item[0][:4]))  # the same order in every process
            try:
                self._write(connection, counter, lock, group)
            except Exception:  # each alone: one bad scan fails by itself
                for item in group:
                    try:
                        self._write(connection, counter, lock, [item])
                    except Exception as error:
                        item[1].set_exception(error)

    def _write(
        self,
        connection: PoolProxiedConnection,
        counter: scans.Counter,
        lock: _WriterLock,
        group: list[_Item],
    ) -> None:
        with lock:
            try:
                counted = [counter.count(*values) for values, _done in group]
                connection.commit()
            except BaseException:
                connection.rollback()
                raise
        self.commits += 1
        for (_values, done), result in zip(group, counted, strict=True):
            done.set_result(result)


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
