"""Lot pages kept in each worker's memory while nothing new is recorded for the lot.

A phone that scans a carton costs the lot's story: two graph walks, its events and places,
then the page in the reader's language. Both are kept here, per code (GTIN, lot):

- a `Story` (`trace.services.public_page.lot_story`: the view, the nodes it was read from and the
  last event before it) and, per language and query string, its page rendered once, in pieces
  between which a carton's own lines go (its serial, its label check and scan count);
- whole answers that are the same for every reader of a language (a lot's page without a
  serial, its linkset), with the body and its ETag ready to send;
- the cartons printed for it (`label_serials.LotCartons`: each job's numbers, each random
  serial), read with the first carton scanned, so a scan of any of them is checked from
  memory; and the label checks of other serials scanned on its pages (printed for another lot,
  never printed: `label_serials.serial_status`); both while the lot's story holds and no label
  job was printed since.

Before a kept copy is used, one statement reads the last event id and the revision of places
and products; if an event was recorded since, one indexed query asks whether it names one of
the story's lots, pallets or shipments (`freshness.changed_since`), and if one does the copy is
dropped and read again. A change of a place or a product drops it too. The reading is reused
for LOOKUP_CACHE_RECHECK seconds (0.25) unless this process committed something since: a
write through this worker shows on its next scan, one through another worker or host within
that quarter of a second. Copies also expire after LOOKUP_CACHE_SECONDS, a bound on memory of
anything else (a database restored under a running service). LOOKUP_CACHE_SIZE codes are kept
per worker; 0 keeps nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from cachetools import LRUCache, TTLCache
from sqlalchemy import Connection, Engine, event
from sqlmodel import Session

from trace.services import freshness, label_serials, public_page


@dataclass
class Kept:
    """A lot's story and what was rendered from it."""

    story: public_page.Story
    parts: dict[tuple, list[str]] = field(default_factory=dict)  # the page, rendered per key
    checked: int = 0  # the last event the story is known to hold up to
    # The lot's printed cartons, read at a revision of the label jobs: (revision, cartons).
    cartons: tuple[int, label_serials.LotCartons] | None = None

    def __post_init__(self):
        self.checked = self.checked or self.story.as_of


@dataclass(frozen=True)
class Answer:
    """A whole answer to send again: for one path, query, language and media type."""

    code: tuple
    kept: Kept
    body: bytes
    mimetype: str
    etag: str
    linkset: str  # the Link header's linkset address


# Commits made in this process (any session): a kept copy is checked again after one, at once.
_commits = 0


@event.listens_for(Session, "after_commit")
def _count_commit(_session) -> None:
    global _commits
    _commits += 1


class PageCache:
    def __init__(self, engine: Engine, size: int, seconds: int, recheck: float = 0.0):
        self.engine = engine
        self.enabled = size > 0 and seconds > 0
        self.recheck = recheck
        self._kept: TTLCache = TTLCache(maxsize=max(size, 1), ttl=max(seconds, 1))
        self._answers: TTLCache = TTLCache(maxsize=max(4 * size, 1), ttl=max(seconds, 1))
        # (gtin, lot, serial) -> (the story's revision, the label jobs' revision, the check)
        self._labels: LRUCache = LRUCache(maxsize=max(16 * size, 1))
        self._lock = threading.Lock()
        self._seen: freshness.Revision | None = None  # the last one read, when, after which commit
        self._seen_at = 0.0
        self._seen_commits = -1

    def story(
        self, session: Session, code: tuple, find: Callable[[], public_page.Lot | None]
    ) -> Kept | None:
        """The story of the lot a code names (`code`: GTIN or None, lot code): the kept one if
        nothing was recorded for it since, else read anew; None if `find` finds no such lot."""
        kept = self._fresh(session.connection, code)
        if kept is None:
            lot = find()
            if lot is None:
                return None
            now, commits = time.monotonic(), _commits
            kept = Kept(public_page.lot_story(session, lot))
            story = kept.story
            self._saw(
                freshness.Revision(story.as_of, story.master_data, story.labels), now, commits
            )
            if self.enabled:
                with self._lock:
                    self._kept[code] = kept
        return kept

    def part(self, kept: Kept, key: tuple, render: Callable[[], list[str]]) -> list[str]:
        """What was rendered from the kept story for `key` (language, query string), once."""
        part = kept.parts.get(key)
        if part is None:
            part = kept.parts[key] = render()
        return part

    def label_check(
        self, connect: Callable[[], Connection], kept: Kept, carton: tuple, read: Callable[[], dict]
    ) -> dict:
        """A carton's label check (`read`: `label_serials.serial_status`) for `carton` (gtin, lot,
        serial) of the kept lot. A carton printed for the lot is found among the lot's cartons
        (read once, with the first carton scanned, and again after a label job is printed: the
        revision read for the story, so no query). Any other serial (printed for another lot,
        or never) is read, and kept while the lot's story and the label jobs stay the same."""
        if not self.enabled:
            return read()
        labels = self._revision(connect).labels
        cartons = kept.cartons
        if cartons is None or cartons[0] != labels:
            read_at = (labels, label_serials.lot_cartons(connect(), carton[0], carton[1]))
            kept.cartons = cartons = read_at  # after the revision: never older than it
        printed = cartons[1].status(carton[2])
        if printed is not None:
            return printed
        story = (kept.story.as_of, kept.story.master_data)
        with self._lock:
            entry = self._labels.get(carton)
        if entry is not None and entry[0] == story and entry[1] == labels:
            return entry[2]
        status = read()  # read after the revision: never older than the revision it is kept at
        with self._lock:
            self._labels[carton] = (story, labels, status)
        return status

    def answer(self, key: tuple) -> Answer | None:
        """The kept answer for `key`, if its lot's story is still the one it was made from."""
        if not self.enabled:
            return None
        with self._lock:
            answer = self._answers.get(key)
        if answer is None:
            return None
        with self.connecting() as connect:
            fresh = self._fresh(connect, answer.code)
        if fresh is not answer.kept:
            with self._lock:
                self._answers.pop(key, None)
            return None
        return answer

    def kept(self, code: tuple) -> Kept | None:
        """The kept story of the lot `code` names, if it still holds (no lot is read)."""
        if not self.enabled:
            return None
        with self.connecting() as connect:
            return self._fresh(connect, code)

    @contextmanager
    def connecting(self) -> Iterator[Callable[[], Connection]]:
        """A way to a connection of the cache's own, opened only if the database is asked."""
        with ExitStack() as stack:
            opened: list[Connection] = []

            def connect() -> Connection:
                if not opened:
                    opened.append(stack.enter_context(self.engine.connect()))
                return opened[0]

            yield connect

    def keep(self, key: tuple, answer: Answer) -> None:
        if self.enabled:
            with self._lock:
                self._answers[key] = answer

    def _revision(self, connect: Callable[[], Connection]) -> freshness.Revision:
        """The last event, the master data's and the label jobs' revisions: read anew, or the last
        reading if it is under `recheck` seconds old and this process committed nothing since
        (another worker's write shows within `recheck` seconds; this one's at once)."""
        now, commits = time.monotonic(), _commits
        fresh_enough = now - self._seen_at < self.recheck
        if self._seen is not None and commits == self._seen_commits and fresh_enough:
            return self._seen
        seen = freshness.revision(connect())
        self._saw(seen, now, commits)
        return seen

    def _saw(self, revision: freshness.Revision, when: float, commits: int) -> None:
        self._seen, self._seen_at, self._seen_commits = revision, when, commits

    def _fresh(self, connect: Callable[[], Connection], code: tuple) -> Kept | None:
        with self._lock:
            kept = self._kept.get(code)
        if kept is None:
            return None
        # Nothing recorded at all since the last look: two index lookups answer it. A place or
        # product changed: read anew. Otherwise ask whether anything recorded since names the
        # story's lots, pallets or shipments; if not, the story holds up to that last event
        # (ids are taken in the order writes commit, under the writers' lock).
        last, master_data, _labels = self._revision(connect)
        if last == kept.checked and master_data == kept.story.master_data:
            return kept
        if master_data != kept.story.master_data or freshness.changed_since(
            connect(), kept.story.nodes, kept.checked
        ):
            with self._lock:
                if self._kept.get(code) is kept:
                    del self._kept[code]
            return None
        kept.checked = last
        return kept
