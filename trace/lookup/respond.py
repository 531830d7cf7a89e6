"""How the resolver answers: JSON or the page (Accept), the caching headers and ETags, the
reader's language (the switcher's links and its cookie), redirects to a link type, and the error
answers (a page, or JSON for a linkset client). See docs/lookup.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from flask import Response, current_app, g, json, redirect, render_template, request
from flask_babel import get_locale
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import http_date, parse_accept_header

from trace import language_cookie
from trace.services import linkset, lookup

from . import i18n, words
from .cache import Kept

LINKSET = "application/linkset+json"
JSON_OFFERS = (LINKSET, "application/json")


@dataclass
class Found:
    """What a code names, ready to answer: the page's template and data, and its links."""

    template: str
    view: dict
    links: dict
    carton: tuple[str, str, str] | None = None  # gtin, lot, serial of a serialised carton
    kept: Kept | None = None  # a lot's story, kept between requests (cache.py)
    code: tuple | None = None  # what the kept story is kept under: (GTIN or None, lot code)


class Answer(Exception):
    """An error answer (400, 404) decided while reading the code."""

    def __init__(self, status: int, kind: str, problem: lookup.Problem | None = None):
        super().__init__(kind)
        self.status, self.kind, self.problem = status, kind, problem


def media() -> str | None:
    """What the answer is: a linkset (its JSON media type), the page (text/html), or None for
    a redirect to another link type (?linkType=gs1:…)."""
    link_type = request.args.get("linkType")
    if link_type in ("linkset", "all") or (not link_type and wants_json()):
        return json_type()
    return None if link_type else "text/html"


def redirect_to_link(found: Found, link_type: str) -> Response:
    """?linkType=gs1:… → 307 to that link, passing on the rest of the query string."""
    wanted = linkset.link_type(link_type)
    target = wanted and linkset.find_link(found.links, wanted, i18n.tag(get_locale()))
    if target is None:
        raise Answer(404, "no_link")
    href = target["href"]
    fragment = ""
    if "#" in href:
        href, fragment = href.split("#", 1)
        fragment = "#" + fragment
    passed = [
        pair
        for pair in request.query_string.decode("latin-1").split("&")
        if pair and not pair.startswith("linkType=")
    ]
    if passed:
        href += ("&" if "?" in href else "?") + "&".join(passed)
    response = redirect(href + fragment, 307)
    return cacheable(response)


def wants_json() -> bool:
    return accepts(request.headers.get("Accept", ""))[0]


def json_type() -> str:
    """application/linkset+json unless the client asked for plain JSON only."""
    return accepts(request.headers.get("Accept", ""))[1]


def plain_media(accept: str) -> str:
    """What a request without a query string is answered with: the page, or a linkset."""
    wants, json_media = accepts(accept)
    return json_media if wants else "text/html"


@lru_cache(maxsize=1024)
def accepts(header: str) -> tuple[bool, str]:
    """What an Accept header asks for (JSON rather than the page; which JSON): read once per
    header as clients send it, not on every request."""
    accept = parse_accept_header(header, MIMEAccept)
    wants_json = accept.best_match(["text/html", *JSON_OFFERS]) in JSON_OFFERS
    best = accept.best_match([LINKSET, "application/json"])
    return wants_json, "application/json" if best == "application/json" else LINKSET


# A request that may be answered 304, 412 or 206 (werkzeug's make_conditional reads these).
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH",
                "HTTP_IF_UNMODIFIED_SINCE", "HTTP_RANGE", "HTTP_IF_RANGE")  # fmt: skip


def raw_path(environ: Mapping[str, Any], script_root: str) -> str:
    """The path as sent, still percent-encoded (a lot "A/1" arrives as A%2F1), without the
    application's mount point (`script_root`, as werkzeug reads SCRIPT_NAME)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        path = urlsplit(raw).path
    else:
        path = quote(environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace"))
    root = quote(script_root)
    return path[len(root) :] if root and path.startswith(root) else path


def linkset_link(linkset_url: str) -> str:
    """The Link header naming an answer's linkset."""
    return f'<{linkset_url}>; rel="linkset"; type="{LINKSET}"'


def json_answer(body: dict, mimetype: str) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), mimetype=mimetype)


def cacheable(response: Response) -> Response:
    """Shared caches may keep it for LOOKUP_MAX_AGE seconds; after that a conditional request
    with the ETag (a hash of the body) costs no body when nothing changed."""
    if "Cache-Control" not in response.headers:
        scope = "private" if "Set-Cookie" in response.headers else "public"
        response.headers["Cache-Control"] = (
            f"{scope}, max-age={current_app.config['LOOKUP_MAX_AGE']}"
        )
    if response.status_code == 200:
        response.add_etag()
        environ = request.environ
        if any(name in environ for name in CONDITIONAL):
            response.make_conditional(request)
        elif request.method in ("GET", "HEAD") and "Date" not in response.headers:
            # what make_conditional adds to a plain GET
            response.headers["Date"] = http_date()
    return response


def sets_language() -> bool:
    """Does this request choose a language the reader's cookie does not hold yet?"""
    chosen = request.args.get("lang")
    return chosen in i18n.LANGUAGES and request.cookies.get(language_cookie.COOKIE) != chosen


def remember_language(response: Response) -> None:
    """The switcher's ?lang= is remembered, so the next carton opens in the same language."""
    chosen = request.args.get("lang")
    if sets_language():
        language_cookie.remember(response, chosen, secure=request.is_secure)


def switch_url(language: str) -> str:
    """This page in another language (the query string kept, e.g. ?17=260731)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("lang", "linkType")]
    args.append(("lang", language))
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in args)
    return f"?{query}"  # this page's path (a relative link): the same for every carton of a lot


def error(status: int, kind: str, raw_path: str, problem: lookup.Problem | None = None) -> Response:
    """A page (or JSON for a linkset client) that says what went wrong and what to do;
    `raw_path` is the path as sent, still percent-encoded."""
    if "linkset" not in g and request.blueprint == "lookup":
        # what was sent, re-encoded: no quote, bracket, comma or semicolon of it reaches the header
        typed = quote(raw_path[:2048], safe="/%")
        g.linkset = f"{current_app.config['PUBLIC_BASE_URL']}{typed}?linkType=linkset"
    if wants_json() or request.args.get("linkType") in ("linkset", "all"):
        body = {
            "code": status,
            "status": {400: "Bad Request", 404: "Not Found", 429: "Too Many Requests"}[status],
            "message": problem.detail if problem else kind.replace("_", " "),
        }
        response = json_answer(body, "application/json")
    else:
        message = words.problem_text(problem) if problem else None
        html = render_template(
            "lookup/error.html",
            status=status,
            kind=kind,
            message=message,
            detail=problem.detail if problem else None,
            typed=unquote(raw_path),
            path=quote(request.script_root) + raw_path,
        )
        response = Response(html, mimetype="text/html")
    response.status_code = status
    max_age = current_app.config["LOOKUP_MAX_AGE"]
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response
