"""A carton's label check on its public page: is the serial one printed for this lot, and who
opened the page (a person, once per client and day; never a prefetch, a preview or an embed).
See docs/lookup.md, "Scan counting".
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, request

from trace.security import client_address
from trace.services import label_serials
from trace.services.scans import Scans, carton_check, client_day, day_salt, scans_of

from .cache import Kept


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
        status = cache.label_check(session, kept, (gtin, lot, serial), read)
    scans = None
    if status["status"] == "printed":
        if _person_opening():
            scans = _count(session, gtin, lot, serial)
        else:
            scans = scans_of(session, gtin, lot, serial)
    return carton_check(
        serial, status, scans, config["LOOKUP_SCAN_ALERT"], config["LOOKUP_SCAN_DAYS"]
    )


def _person_opening() -> bool:
    """Is this a person opening the page: a GET navigation of the top-level page, not a HEAD,
    a prefetch or preview, nor an image, frame or script another page embeds?"""
    if request.method != "GET":
        return False
    headers = request.headers
    purpose = " ".join(
        headers.get(name, "") for name in ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz")
    ).lower()
    if "prefetch" in purpose or "preview" in purpose:
        return False
    destination = headers.get("Sec-Fetch-Dest")
    if destination is not None:  # every current browser says what the request is for
        return destination == "document" and headers.get("Sec-Fetch-Mode", "navigate") == "navigate"
    # A browser without fetch metadata asks for text/html when it opens a page; an <img> asks
    # for images (or */*).
    return "text/html" in headers.get("Accept", "")


def _count(session, gtin: str, lot: str, serial: str) -> Scans:
    """Count this client's opening of the carton's page once today (UTC). A client-day this
    worker counted already costs a read, not a write."""
    now = datetime.now(UTC)
    state = current_app.extensions["trace.lookup"]["scans"]
    with state["lock"]:
        if state["day"] != now.date():
            state["day"], state["salt"], state["seen"] = now.date(), None, set()
        salt = state["salt"]
    if salt is None:
        salt = day_salt(session, now.date())
        with state["lock"]:
            if state["day"] == now.date():
                state["salt"] = salt
    client = client_day(salt, client_address(), request.headers.get("User-Agent", ""))
    key = (gtin, lot, serial, client)
    if key in state["seen"]:
        return scans_of(session, gtin, lot, serial)
    _new, scans = state["writer"].count(gtin, lot, serial, client, now)
    with state["lock"]:
        if len(state["seen"]) > SEEN_MAX:
            state["seen"].clear()
        state["seen"].add(key)
    return scans


# Client-days a worker remembers as counted (then forgets them all, and asks the database).
SEEN_MAX = 100_000
