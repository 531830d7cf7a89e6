"""The staff pages' blueprint and what every staff request gets: CSRF, language and session
checks before it, security headers after it, the templates' helpers, and `render`."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import format_decimal
from flask_login import current_user

from . import words
from .clock import shown_time
from .language import DOMAIN, LANGUAGES, NATIVE, language, remember, switch_url
from .staff import AUDITORS, IMPORTERS, READERS, WORKERS, can, session_clock

bp = Blueprint("web", __name__, template_folder="templates")


@bp.before_request
def _before():
    DOMAIN.as_default()  # the staff pages' catalogue
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        current_app.extensions["csrf"].protect()
    session_clock()


@bp.after_request
def _after(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Cache-Control", "no-store")  # pages show who did what: keep no copies
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    if response.mimetype == "text/html":
        headers["Content-Security-Policy"] = (
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        )
    remember(response)
    return response


@bp.app_template_filter("qty")
def _qty(value) -> str:
    """1180.0 → "1,180" (en) or "1.180" (vi)."""
    if value is None:
        return ""
    return format_decimal(round(float(value), 3))


@bp.context_processor
def _helpers() -> dict:
    return {
        "current_user": current_user,
        "lang": language(),
        "languages": [(code, NATIVE[code]) for code in LANGUAGES],
        "switch_to": switch_url,
        "can": can,
        "WORKERS": WORKERS,
        "READERS": READERS,
        "AUDITORS": AUDITORS,
        "IMPORTERS": IMPORTERS,
        "word": words.word,
        "words": words,
        "shown_time": shown_time,
    }


def render(template: str, status: int = 200, **context):
    return render_template(template, **context), status
