"""The front door of the public pages: what a phone most often asks, answered before Flask.

A phone that scans a carton asks for `/01/{gtin}/10/{lot}/21/{serial}` with no query string and
no cookie. When the lot's page is kept (cache.py), all the answer needs is in memory, and
Flask's request machinery (context, URL matching, hooks setting headers one by one) would cost
more than the answer itself. So, in front of Flask, for a plain GET or HEAD of a Digital Link
(no query string, no cookie, no conditional header):

- a kept whole answer (a lot's page, a linkset) is sent as Flask last sent it, with the headers
  Flask gave it (learnt from that answer) and a fresh Date;
- a person opening a carton's page, when the lot's page and today's salt are kept and this
  worker has not counted that client-day yet: the label is checked (kept, or one read), the
  scan is counted
  (`Counting`, committed before the answer, as the view does) and the carton's lines are
  rendered into the kept page, in an app context in the reader's language.

Everything else, and whatever is not kept yet, goes through Flask, which keeps it for next
time. The public rate limit is the view's own (one allowance, whichever way a request goes).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote

from cachetools import LRUCache
from flask import Flask
from flask_babel import force_locale
from limits import parse
from sqlmodel import Session
from werkzeug.http import http_date

from trace.gs1 import GS1Error, charset
from trace.security import address_in
from trace.services import label_serials
from trace.services.scans import carton_check

from . import counting, i18n, kept_pages, respond
from .cache import Kept, PageCache

# A carton's link as printed: GTIN, lot and serial, each character plain or percent-encoded
# (upper-case hex, only where it must be: any other spelling goes through Flask, which reads
# every form).
_PART = r"((?:[A-Za-z0-9._~-]|%[0-9A-F]{2}){1,60})"
_CARTON = re.compile(rf"/01/([0-9]{{14}})/10/{_PART}/21/{_PART}")
_KEYS = ("/01/", "/00/", "/414/")
# The view the public rate limit counts a Digital Link under (flask-limiter: per endpoint).
_ENDPOINT = "lookup.digital_link"
_PASSED = ("date", "link", "content-length")  # headers each answer gets anew

Answer = tuple[str, list[tuple[str, str]], bytes]


class Front:
    """WSGI middleware in front of the Flask app (see the module's doc)."""

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app, self.wsgi_app = app, wsgi_app
        state = app.extensions["trace.lookup"]
        self.cache: PageCache = state["cache"]
        self.counting: counting.Counting = state["counting"]
        self._limiter = state["limiter"]
        config = app.config
        public = config["RATELIMIT_PUBLIC"] if config["RATELIMIT_ENABLED"] else ""
        self._limit = parse(public) if public else None
        self._proxies = config["RATELIMIT_PROXIES"]
        size = max(4 * config["LOOKUP_CACHE_SIZE"], 1)
        self._headers: LRUCache = LRUCache(maxsize=size)  # what Flask sent, per answer
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not self.cache.enabled or not _plain(environ):
            return self.wsgi_app(environ, start_response)
        path = respond.raw_path(environ, environ.get("SCRIPT_NAME", "").rstrip("/"))
        language = i18n.babel_name(i18n.best_language(environ.get("HTTP_ACCEPT_LANGUAGE", "")))
        media = respond.plain_media(environ.get("HTTP_ACCEPT", ""))
        secure = self._secure(environ)
        carton = _carton_of(path) if media == "text/html" else None
        try:
            if carton is not None:
                key: tuple = ("carton", language, secure)
                answer = self._carton(environ, key, carton, path)
            else:
                key = (path, b"", language, media)
                answer = self._kept(environ, key, secure)
        except Exception:  # Flask answers instead (a scan it failed to count was rolled back)
            self.app.logger.exception("the front door passed %s on to Flask", path)
            answer = None
        if answer is None:
            return self._through(environ, start_response, key, secure)
        status, headers, body = answer
        start_response(status, headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _kept(self, environ: Mapping[str, Any], key: tuple, secure: bool) -> Answer | None:
        """A kept whole answer, with the headers Flask sent it with."""
        answer = self.cache.answer(key)
        if answer is None:
            return None
        with self._lock:
            sent = self._headers.get((key, secure))
        if sent is None or sent[0] is not answer or not self._allowed(environ):
            return None
        return "200 OK", [*sent[1], ("Date", http_date())], answer.body

    def _carton(
        self, environ: Mapping[str, Any], key: tuple, carton: tuple[str, str, str], path: str
    ) -> Answer | None:
        """A person opening a carton's page of a kept lot (`path`: its Digital Link, spelt as
        `linkset.gtin_path` writes it, or `_carton_of` would not have read it): counted, then
        answered."""
        (_carton, language, _secure), (gtin, lot, serial) = key, carton
        with self._lock:
            sent = self._headers.get(key)  # the same for every carton: learnt from any one
        if sent is None or not counting.opening(environ):
            return None  # a prefetch, a preview or HEAD: the view reads the count
        kept = self.cache.kept((gtin, lot))
        pieces = kept.parts.get((language, b"")) if kept is not None else None
        if kept is None or pieces is None:
            return None
        status = self._label(kept, carton)
        if status is None:
            return None
        config, scans = self.app.config, None
        if status["status"] == "printed":
            now = datetime.now(UTC)
            salt = self.counting.salt(now.date())
            if salt is None:
                return None
            client = counting.client_key(environ, self._proxies, salt, carton)
            if self.counting.counted(client) or not self._allowed(environ):
                return None
            scans = self.counting.count(client, now)
        elif not self._allowed(environ):
            return None
        carton = carton_check(
            serial, status, scans, config["LOOKUP_SCAN_ALERT"], config["LOOKUP_SCAN_DAYS"]
        )
        lines = kept_pages.carton_lines(
            config, carton, kept.story.view, language, lambda: self._babel(language)
        )
        body = kept_pages.compose(pieces, lines).encode()
        link = f"{config['PUBLIC_BASE_URL']}{path}?linkType=linkset"
        headers = [*sent, ("Link", respond.linkset_link(link)), ("Content-Length", str(len(body)))]
        return "200 OK", headers, body

    @contextmanager
    def _babel(self, language: str) -> Iterator[None]:
        """An app context whose Babel locale is `language`: for rendering without a request."""
        with self.app.app_context(), force_locale(language):
            yield

    def _label(self, kept: Kept, carton: tuple[str, str, str]) -> dict | None:
        """The carton's label check, kept or read (as the view does); None for a serial the
        view would refuse (it says why)."""
        try:
            charset.validate_serial(carton[2])
        except GS1Error:
            return None
        with self.cache.connecting() as connect:  # connected only if the database is asked

            def read() -> dict:  # a serial not printed for the lot: rare
                with Session(bind=connect()) as session:  # on the same connection
                    return label_serials.serial_status(session, *carton)

            return self.cache.label_check(connect, kept, carton, read)

    def _through(
        self, environ: dict, start_response: Callable, key: tuple, secure: bool
    ) -> Iterable[bytes]:
        """Flask answers, and the headers of what it kept are learnt for next time."""
        sent: list = []

        def started(status: str, headers: list, exc_info: Any = None) -> Any:
            sent.append((status, headers))
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, started)
        if sent and sent[-1][0].startswith("200 ") and environ["REQUEST_METHOD"] == "GET":
            self._learn(key, secure, sent[-1][1])
        return body

    def _learn(self, key: tuple, secure: bool, headers: list[tuple[str, str]]) -> None:
        if any(name.lower() == "set-cookie" for name, _value in headers):
            return
        learnt: Any
        if key[0] == "carton":  # what every carton page's answer is sent with
            learnt = [(name, value) for name, value in headers if name.lower() not in _PASSED]
        else:
            answer = self.cache.answer(key)
            if answer is None:
                return
            learnt = (answer, [(name, value) for name, value in headers if name.lower() != "date"])
            key = (key, secure)
        with self._lock:
            self._headers[key] = learnt

    def _allowed(self, environ: Mapping[str, Any]) -> bool:
        """The public rate limit, counted as the view counts it."""
        if self._limit is None:
            return True
        address = address_in(environ, self._proxies)
        return self._limiter.limiter.hit(self._limit, "trace-lookup", address, _ENDPOINT)

    def _secure(self, environ: Mapping[str, Any]) -> bool:
        """Was the request made over HTTPS (as the app reads it: the answer's HSTS header)?"""
        forwarded = environ.get("HTTP_X_FORWARDED_PROTO", "") if self._proxies else ""
        schemes = [scheme.strip() for scheme in forwarded.split(",") if scheme.strip()]
        if len(schemes) >= self._proxies > 0:  # as werkzeug's ProxyFix reads it
            return schemes[-self._proxies] == "https"
        return environ.get("wsgi.url_scheme") == "https"


def _carton_of(path: str) -> tuple[str, str, str] | None:
    """GTIN, lot and serial of a carton's link spelt as labels print it; else None."""
    match = _CARTON.fullmatch(path)
    if match is None:
        return None
    gtin, *parts = match.groups()
    lot, serial = (unquote(part) for part in parts)
    if [quote(lot, safe="-._~"), quote(serial, safe="-._~")] != parts:
        return None
    return gtin, lot, serial


def _plain(environ: Mapping[str, Any]) -> bool:
    """A GET or HEAD of a Digital Link with nothing that would change its answer but the
    languages and media types it accepts."""
    return (
        environ.get("REQUEST_METHOD") in ("GET", "HEAD")
        and not environ.get("QUERY_STRING")
        and "HTTP_COOKIE" not in environ
        and not any(name in environ for name in respond.CONDITIONAL)
        and environ.get("PATH_INFO", "").startswith(_KEYS)
    )
