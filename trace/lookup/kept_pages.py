"""Answers kept between requests (trace/lookup/cache.py): which answers may be kept and under
what key, and a lot's page rendered once per language with slots for a carton's own lines.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from flask import Response, current_app, g, render_template, request
from flask_babel import get_locale
from markupsafe import Markup

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
    return compose(pieces, carton_lines(current_app.config, carton, found.view))


def compose(pieces: list[str], lines: str) -> str:
    """A lot's kept page with a carton's own lines (`carton_lines`) in its two slots."""
    serial, rest = lines.split(SLOT)
    return pieces[0] + " " + serial.strip() + pieces[1] + rest + pieces[2]


def carton_lines(config: Mapping[str, Any], carton: dict, view: dict) -> str:
    """A carton's serial and label check in the reader's language (with a request, or in an
    app context whose Babel locale is set: the front door's), its two parts split by SLOT."""
    contact = view.get("exporter_contact") or settings_contact(config)
    return render_template(
        "lookup/_carton.html",
        carton=carton,
        slot=SLOT,
        contact=contact,
        day=i18n.day,
        moment=i18n.moment,
    )


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
