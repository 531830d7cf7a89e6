"""The cookie a reader's chosen language is kept in: one for the staff pages and the public
pages alike, so a language chosen on either opens the other in it too."""

from __future__ import annotations

from typing import Protocol

COOKIE = "lang"
KEEP_SECONDS = 365 * 24 * 3600  # a year


class _Response(Protocol):
    def set_cookie(self, key: str, value: str = "", **options: object) -> None: ...


def remember(response: _Response, language: str, *, secure: bool) -> None:
    """Keep `language` for a year; never sent to scripts, nor on other sites' requests."""
    response.set_cookie(
        COOKIE, language, max_age=KEEP_SECONDS, samesite="Lax", httponly=True, secure=secure
    )
