"""Public lookup pages and the GS1 Digital Link resolver (no login).

What a phone reaches when it scans a carton: `/01/{gtin}[/10/{lot}[/21/{serial}]]`, `/00/{sscc}`,
`/414/{gln}`, `/t/{code}`, `/.well-known/gs1resolver`. Views are thin: they read the code,
call `trace.services.public_page` for a plain public view, and render it in the reader's language
(Flask-Babel catalogues in `translations/`, Jinja templates in `templates/lookup/`).

Imports `trace.services`, `trace.db` (the session), `trace.gs1`; the JSON API and the labels
are not its business.
"""

from __future__ import annotations

import base64
import hashlib

from flask import Flask, current_app
from flask_babel import Babel
from flask_limiter import Limiter
from markupsafe import Markup

from trace.config import ROOT
from trace.security import client_address
from trace.services.scan_groups import ScanWriter

from . import views
from .cache import PageCache
from .counting import Counting
from .front import Front
from .i18n import LANGUAGES, select_language

TRANSLATIONS = ROOT / "trace" / "lookup" / "translations"
STYLESHEET = ROOT / "static" / "lookup.css"


def init_app(app: Flask) -> None:
    """Register the lookup blueprint with its translations, rate limit and inline stylesheet."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    Babel(app, locale_selector=select_language)

    # The stylesheet is small and goes inline: a phone on a slow network makes one request.
    css = STYLESHEET.read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    app.extensions["trace.lookup"] = {
        "css": Markup(css),
        "csp": (
            f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'self' data:; "
            "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        ),
        "languages": LANGUAGES,
        "cache": PageCache(
            app.extensions["trace.engine"],
            app.config["LOOKUP_CACHE_SIZE"],
            app.config["LOOKUP_CACHE_SECONDS"],
            app.config["LOOKUP_CACHE_RECHECK"],
        ),
        # Scan counting: today's salt, the client-days this worker counted and the writer that
        # commits scans in groups.
        "counting": Counting(ScanWriter(app.extensions["trace.engine"])),
    }

    limiter = Limiter(
        client_address,
        app=app,
        storage_uri=app.config["RATELIMIT_STORAGE_URL"],
        enabled=app.config["RATELIMIT_ENABLED"],
        key_prefix="trace-lookup",
    )
    limiter.limit(lambda: current_app.config["RATELIMIT_PUBLIC"])(views.bp)
    app.extensions["trace.lookup"]["limiter"] = limiter
    app.register_blueprint(views.bp)
    # What a phone most often asks, answered from memory before Flask (front.py).
    app.wsgi_app = Front(app, app.wsgi_app)
