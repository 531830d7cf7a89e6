"""The reader's language and how dates, countries and names are written in it."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel import Locale
from flask import request
from flask_babel import format_date, get_locale
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

# The languages with a catalogue, as BCP 47 tags (in pages, links and ?lang=); Babel names its
# catalogue folders with an underscore (zh_Hans).
LANGUAGES = ["en", "vi", "ja", "zh-Hans"]
NATIVE = {"en": "English", "vi": "Tiếng Việt", "ja": "日本語", "zh-Hans": "简体中文"}
COOKIE = "lang"
# Chinese as phones send it (zh, zh-CN, zh-SG, zh-Hans-…) is read in Simplified Chinese; the
# Traditional tags (zh-TW, zh-HK, zh-Hant) are not, and fall to the reader's next choice.
_SIMPLIFIED = frozenset({"zh", "zh-cn", "zh-sg", "zh-my", "zh-hans"})


def _ours(tag: str) -> str:
    low = tag.lower()
    return "zh-Hans" if low in _SIMPLIFIED or low.startswith("zh-hans-") else tag


def current() -> str:
    """The page's language as a BCP 47 tag (`zh-Hans`)."""
    return str(get_locale() or "en").replace("_", "-")


def select_language() -> str:
    """?lang= (the switcher's links), then the cookie the switcher set, then Accept-Language;
    as Babel names the locale (`zh_Hans`)."""
    return _language().replace("-", "_")


def _language() -> str:
    if not request:
        return "en"
    environ = request.environ
    # Each read only when sent: werkzeug answers an absent key by raising and catching an
    # exception, on every page.
    if environ.get("QUERY_STRING") and request.args.get("lang") in LANGUAGES:
        return request.args["lang"]
    if environ.get("HTTP_COOKIE") and request.cookies.get(COOKIE) in LANGUAGES:
        return request.cookies[COOKIE]
    return _best_language(request.headers.get("Accept-Language", ""))


@lru_cache(maxsize=1024)
def _best_language(accept_language: str) -> str:
    """Accept-Language → one of ours: read once per header as phones send it, not per request."""
    sent = parse_accept_header(accept_language, LanguageAccept)
    ours = LanguageAccept([(_ours(tag), quality) for tag, quality in sent])
    return ours.best_match(LANGUAGES) or "en"


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
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, "medium")


def moment(value: datetime | None) -> str:
    """A date and the local time where it happened (the datetime carries that place's offset)."""
    if value is None:
        return ""
    return f"{day(value)} {value:%H:%M}"
