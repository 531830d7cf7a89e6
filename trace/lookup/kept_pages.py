"""Answers kept between requests (trace/lookup/cache.py): which answers may be kept and under
what key, and a lot's page rendered once per language with slots for a carton's own lines.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from cachetools import LRUCache
from flask import Response, current_app, g, render_template, request
from flask_babel import get_locale
from markupsafe import Markup, escape

from . import i18n, respond
from .cache import Answer as KeptAnswer
from .cache import PageCache
from .respond import Found

# Marks where a carton's own lines go in its lot's kept page (unguessable, so no data can
# hold it).
SLOT = Markup(f"<!--carton-{uuid.uuid4().hex}-->")


def lot_html(cache: PageCache, found: Found, carton: dict | None) -> str:
    """A lot's page: kept per language and query string while the lot's story holds, with the
    carton's serial and label check (rendered for each scan) put into its two slots."""
    key = (str(get_locale() or "en"), request.query_string)
    pieces = cache.part(
        found.kept,
        key,
        lambda: render_template(
            found.template,
            **found.view,
            **contact(found.view),
            links=found.links,
            slots={"serial": SLOT, "carton": SLOT},
        ).split(SLOT),
    )
    if carton is None:
        return "".join(pieces)
    language = str(get_locale() or "en")
    return compose(pieces, carton_lines(current_app.config, carton, found.view, language))


def compose(pieces: list[str], lines: str) -> str:
    """A lot's kept page with a carton's own lines (`carton_lines`) in its two slots."""
    serial, rest = lines.split(SLOT)
    return pieces[0] + " " + serial.strip() + pieces[1] + rest + pieces[2]


def carton_lines(
    config: Mapping[str, Any],
    carton: dict,
    view: dict,
    language: str,
    babel: Callable[[], AbstractContextManager] = nullcontext,
) -> str:
    """A carton's serial and label check in the reader's `language` (a Babel name), its two
    parts split by SLOT. What the lines say is rendered once per language, label check, count
    and contact, with marks where the serial, the other lot and the days go; then filled in.
    (`babel`: what sets the Babel locale for a render outside a request, the front door's.)"""
    contact = view.get("exporter_contact") or settings_contact(config)
    key = (
        language, carton["status"], carton["scans"], carton["copied"], carton["most_people"],
        carton["most_days"], tuple(sorted(contact.items())),
    )  # fmt: skip
    with _LINES_LOCK:
        lines = _LINES.get(key)
    if lines is None:
        with babel():
            lines = render_template(
                "lookup/_carton.html",
                carton={**carton, **_MARKED},
                slot=SLOT,
                contact=contact,
                day=str,
                moment=str,
            )
        with _LINES_LOCK:
            _LINES[key] = lines
    values = (
        escape(carton["serial"]),
        escape(carton["other_lot"] or ""),
        i18n.day_in(carton["printed_at"], language),
        i18n.moment_in(carton["first_scan"], language),
    )
    for mark, value in zip(_MARKED.values(), values, strict=True):
        lines = lines.replace(mark, value)
    return lines


# Where a carton's own values go in its lines rendered once (letters and digits only: nothing
# escapes them, and no data can hold them).
_MARK = uuid.uuid4().hex
_MARKED = {
    name: f"x{_MARK}{name.replace('_', '')}"
    for name in ("serial", "other_lot", "printed_at", "first_scan")
}
_LINES: LRUCache = LRUCache(maxsize=4096)
_LINES_LOCK = threading.Lock()


def settings_contact(config: Mapping[str, Any]) -> dict:
    """Whom a reader contacts when nothing names the exporter: the LOOKUP_CONTACT_* settings."""
    return {key: config[f"LOOKUP_CONTACT_{key.upper()}"] for key in ("name", "email", "phone")}


def contact(view: dict) -> dict:
    """The shipping exporter's consumer contact (master data) in place of the settings'."""
    kept = view.get("exporter_contact")
    return {"contact": kept} if kept else {}


def answer_key(raw_path: str) -> tuple | None:
    """What an answer that can be kept depends on: the path and query as sent, the reader's
    language and the media type; None for what is never kept (redirects, a language switch
    that sets the cookie)."""
    media = respond.media()
    if request.method not in ("GET", "HEAD") or media is None:
        return None
    if media == "text/html" and respond.sets_language():
        return None
    return (raw_path, request.query_string, str(get_locale() or "en"), media)


def keep(cache: PageCache, key: tuple | None, found: Found, response: Response) -> None:
    """Keep a lot's answer (not a carton's: each of those is a counted scan)."""
    if key is not None and found.kept is not None and found.carton is None:
        response.add_etag()
        etag = response.get_etag()[0]
        answer = KeptAnswer(
            found.code, found.kept, response.get_data(), response.mimetype, etag, g.linkset
        )
        cache.keep(key, answer)
