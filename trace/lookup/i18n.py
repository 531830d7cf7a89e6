"""The reader's language and how dates, countries and names are written in it."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date
from flask import request
from flask_babel import get_locale
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from trace.domain import markets
from trace.language_cookie import COOKIE

CATALOGUES = Path(__file__).parent / "translations"


def page_languages() -> list[str]:
    """English (the fallback), Vietnamese, then the market profiles' page languages, each as
    far as it has a catalogue here (``zh-Hans`` in ``zh_Hans``)."""
    wanted = sorted({lang for m in markets.all_markets() for lang in m.page_languages})
    have = {"en"} | {p.name.replace("_", "-") for p in CATALOGUES.iterdir() if p.is_dir()}
    return [lang for lang in dict.fromkeys(["en", "vi", *wanted]) if lang in have]


LANGUAGES = page_languages()
NATIVE = {lang: Locale.parse(lang, sep="-").display_name for lang in LANGUAGES}


def select_language() -> str:
    """?lang= (the switcher's links), then the cookie the switcher set, then Accept-Language;
    as Babel names it (``zh_Hans`` for ``zh-Hans``)."""
    return babel_name(_chosen_language())


def babel_name(language: str) -> str:
    return language.replace("-", "_")


def tag(locale: object) -> str:
    """A Babel locale (or its name) as the BCP 47 tag pages and links use: ``zh-Hans``."""
    return str(locale or "en").replace("_", "-")


def _chosen_language() -> str:
    if not request:
        return "en"
    environ = request.environ
    # Each read only when sent: werkzeug answers an absent key by raising and catching an
    # exception, on every page.
    if environ.get("QUERY_STRING") and request.args.get("lang") in LANGUAGES:
        return request.args["lang"]
    if environ.get("HTTP_COOKIE") and request.cookies.get(COOKIE) in LANGUAGES:
        return request.cookies[COOKIE]
    return best_language(request.headers.get("Accept-Language", ""))


@lru_cache(maxsize=1024)
def best_language(accept_language: str) -> str:
    """Accept-Language → one of ours: read once per header as phones send it, not per request.
    Each tag is first read as the script it implies (``zh-CN`` → ``zh-Hans``), so a phone's
    first choice wins over a later English."""
    accepted = parse_accept_header(accept_language, LanguageAccept)
    for value, quality in sorted(accepted, key=lambda item: -item[1]):  # ties: the phone's order
        tag = _by_script(value)
        for choice in (tag, tag.split("-")[0]):  # ja-JP → ja
            if quality > 0 and choice.lower() in _OFFERED:
                return _OFFERED[choice.lower()]
    return "en"


_LIKELY = get_global("likely_subtags")
_OFFERED = {language.lower(): language for language in LANGUAGES}


def _by_script(value: str) -> str:
    """``zh-CN`` → ``zh-Hans``: a region read as its likely script (CLDR's likely subtags),
    which werkzeug's matching does not do; ``zh-TW`` (Traditional) stays as it was sent."""
    if value in LANGUAGES:
        return value
    try:
        locale = Locale.parse(value, sep="-")
    except (ValueError, UnknownLocaleError):
        return value
    script = locale.script
    if script is None and locale.territory is None:  # a bare `zh`: its likely script, Hans
        likely = _LIKELY.get(locale.language, "").split("_")
        script = likely[1] if len(likely) == 3 else None
    found = f"{locale.language}-{script}" if script else locale.language
    return found if found in LANGUAGES else value


def name_in(names: dict | None, language: str) -> str | None:
    """A product's name in the reader's language, else English, else Vietnamese, else any."""
    if not names:
        return None
    for choice in (language, language.split("-")[0], "en", "vi"):
        if names.get(choice):
            return names[choice]
    return next(iter(names.values()), None)


def country(code: str | None, language: str) -> str:
    """ISO 3166 code → the country's name in the reader's language (`JP` → 日本)."""
    if not code:
        return ""
    return Locale.parse(language, sep="-").territories.get(code.upper(), code)


def day(value: date | datetime | None) -> str:
    return day_in(value, get_locale() or "en")


def moment(value: datetime | None) -> str:
    return moment_in(value, get_locale() or "en")


def day_in(value: date | datetime | None, language: object) -> str:
    """A day as the reader's language writes it (`language`: a Babel locale or its name)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return _day(value, str(language))


@lru_cache(maxsize=4096)
def _day(value: date, language: str) -> str:
    return format_date(value, "medium", locale=language)


def moment_in(value: datetime | None, language: object) -> str:
    """A date and the local time where it happened (the datetime carries that place's offset)."""
    if value is None:
        return ""
    return f"{day_in(value, language)} {value:%H:%M}"
