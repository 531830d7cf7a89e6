"""A carton's label check on its public page: is the serial one printed for this lot, and who
opened the page (a person, once per client and day; never a prefetch, a preview or an embed).
The Flask view and the front door (front.py) count through the same `Counting`.
See docs/lookup.md, "Scan counting".
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from flask import current_app, request

from trace.security import address_in
from trace.services import label_serials
from trace.services.scan_groups import ScanWriter
from trace.services.scans import Scans, carton_check, client_day, day_salt, scans_of

from .cache import Kept

# Client-days a worker remembers as counted (then forgets them all, and asks the database).
SEEN_MAX = 100_000


class Counting:
    """A worker's counting of people opening carton pages: today's salt of client hashes, the
    client-days it counted already (a reload costs a read, not a write), and its writer, which
    commits scans in groups (trace/services/scan_groups.py)."""

    def __init__(self, writer: ScanWriter) -> None:
        self.writer = writer
        self._lock = threading.Lock()
        self._day: date | None = None
        self._salt: str | None = None
        self._seen: set[tuple] = set()

    def salt(self, today: date) -> str | None:
        """Today's salt if this worker has read it, else None."""
        with self._lock:
            if self._day != today:
                self._day, self._salt, self._seen = today, None, set()
            return self._salt

    def keep_salt(self, today: date, salt: str) -> None:
        with self._lock:
            if self._day == today:
                self._salt = salt

    def counted(self, key: tuple) -> bool:
        """Did this worker count this carton's client-day already?"""
        return key in self._seen

    def count(self, key: tuple, now: datetime) -> Scans:
        """Count the client-day `key` (gtin, lot, serial, client) once it is committed."""
        _new, scans = self.writer.count(*key, now)
        with self._lock:
            if len(self._seen) > SEEN_MAX:
                self._seen.clear()
            self._seen.add(key)
        return scans


def opening(environ: Mapping[str, Any]) -> bool:
    """Is this a person opening the page: a GET navigation of the top-level page, not a HEAD,
    a prefetch or preview, nor an image, frame or script another page embeds?"""
    if environ.get("REQUEST_METHOD") != "GET":
        return False
    purpose = " ".join(
        environ.get(name, "")
        for name in ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")
    ).lower()
    if "prefetch" in purpose or "preview" in purpose:
        return False
    destination = environ.get("HTTP_SEC_FETCH_DEST")
    if destination is not None:  # every current browser says what the request is for
        mode = environ.get("HTTP_SEC_FETCH_MODE", "navigate")
        return destination == "document" and mode == "navigate"
    # A browser without fetch metadata asks for text/html when it opens a page; an <img> asks
    # for images (or */*).
    return "text/html" in environ.get("HTTP_ACCEPT", "")


def client_key(
    environ: Mapping[str, Any], proxies: int, salt: str, carton: tuple[str, str, str]
) -> tuple:
    """The carton's client-day key: (gtin, lot, serial, hash of address and user agent)."""
    client = client_day(salt, address_in(environ, proxies), environ.get("HTTP_USER_AGENT", ""))
    return (*carton, client)


def check_carton(session, gtin: str, lot: str, serial: str, kept: Kept | None = None) -> dict:
    """Check the label and, for a person opening the page of a printed carton, count the scan
    (once per client and day). Serials never printed, or spelt otherwise, count nothing. With
    the lot's story `kept`, the label check is the one the worker keeps while it holds."""
    config = current_app.config

    def read() -> dict:
        return label_serials.serial_status(session, gtin, lot, serial)

    if kept is None:
        status = read()
    else:
        cache = current_app.extensions["trace.lookup"]["cache"]
        status = cache.label_check(session.connection, kept, (gtin, lot, serial), read)
    scans = None
    if status["status"] == "printed":
        if opening(request.environ):
            scans = _count(session, (gtin, lot, serial))
        else:
            scans = scans_of(session, gtin, lot, serial)
    return carton_check(
        serial, status, scans, config["LOOKUP_SCAN_ALERT"], config["LOOKUP_SCAN_DAYS"]
    )


def _count(session, carton: tuple[str, str, str]) -> Scans:
    """Count this client's opening of the carton's page once today (UTC). A client-day this
    worker counted already costs a read, not a write."""
    now = datetime.now(UTC)
    counting: Counting = current_app.extensions["trace.lookup"]["counting"]
    salt = counting.salt(now.date())
    if salt is None:
        salt = day_salt(session, now.date())
        counting.keep_salt(now.date(), salt)
    key = client_key(request.environ, current_app.config["RATELIMIT_PROXIES"], salt, carton)
    if counting.counted(key):
        return scans_of(session, *carton)
    return counting.count(key, now)
