"""The staff pages' language: Vietnamese or English, chosen with ?lang=, remembered in a cookie,
else the browser's; their own translation catalogue."""

from __future__ import annotations

from flask import Response, request, url_for
from flask_babel import Domain, get_locale

from trace import language_cookie
from trace.config import ROOT
from trace.language_cookie import COOKIE

TRANSLATIONS = ROOT / "trace" / "web" / "translations"
# The staff pages' own catalogue, made the default for their requests (the lookup pages keep
# theirs): see trace/web/render.py.
DOMAIN = Domain(translation_directories=[str(TRANSLATIONS)])
LANGUAGES = ("vi", "en")
NATIVE = {"vi": "Tiếng Việt", "en": "English"}


def select_language() -> str:
    """?lang= (the switcher), then the remembered cookie, then the browser's languages."""
    for choice in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if choice in LANGUAGES:
            return choice
    return request.accept_languages.best_match(LANGUAGES) or "en"


def language() -> str:
    return str(get_locale() or "en")


def remember(response: Response) -> None:
    """A language chosen with the switcher is kept in the cookie for a year."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and request.cookies.get(COOKIE) != chosen:
        language_cookie.remember(response, chosen, secure=request.is_secure)


def switch_url(code: str) -> str:
    """This page in another language."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return url_for(request.endpoint or "web.home", **(request.view_args or {}), **args)
