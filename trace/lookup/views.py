"""The resolver's routes: read the code, ask `trace.services.lookup`, answer HTML, a linkset or
a redirect. Caching and counting are decided here; see docs/lookup.md."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    json,
    redirect,
    render_template,
    request,
)
from flask_babel import get_locale
from markupsafe import Markup
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException
from werkzeug.http import http_date, parse_accept_header
from werkzeug.routing import PathConverter

from trace.config import signing_key_path
from trace.db.session import get_session
from trace.domain import commodities, markets
from trace.domain.errors import NotFound
from trace.gs1 import GS1Error, syntax
from trace.security import client_address
from trace.services import evidence, identify, labels, lookup

from . import i18n, words
from .cache import Answer as KeptAnswer
from .cache import Kept, PageCache

bp = Blueprint("lookup", __name__, template_folder="templates")

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


# --- routes ----------------------------------------------------------------------------------


class _LinkPath(PathConverter):
    """The rest of a Digital Link's path, empty segments included (`/01//…` is read, and
    refused with a 400, not merged into `/01/…` and redirected)."""

    regex = "[\\s\\S]*?"  # control characters too: they are refused with a 400
    part_isolating = False


bp.record_once(lambda state: state.app.url_map.converters.setdefault("dlpath", _LinkPath))


def digital_link(_rest: str):
    """A GS1 Digital Link: GTIN[/CPV][/lot][/serial] or GTIN/TPX, SSCC, GLN[/extension]…"""
    return _answer(_read_link)


# Every primary key of GS1's syntax dictionary is read and validated; trace resolves GTINs,
# SSCCs and GLNs, and answers 404 for a valid link of another key (it issues none).
for _key in sorted(syntax.primary_keys()):
    bp.add_url_rule(f"/{_key}/<dlpath:_rest>", view_func=digital_link, merge_slashes=False)


class _Compressed(PathConverter):
    """One path segment of base64url, long enough to hold a compressed primary key."""

    regex = "[A-Za-z0-9_-]{10,}"
    part_isolating = True


bp.record_once(lambda state: state.app.url_map.converters.setdefault("dlzip", _Compressed))


@bp.route("/<dlzip:_segment>")
def compressed_link(_segment: str):
    """A compressed GS1 Digital Link, answered like the uncompressed one (with a Link
    header rel="owl:sameAs" naming it); 404 if the segment is not one."""
    return _answer(_read_compressed)


@bp.route("/t/<path:_rest>")
def short_code(_rest: str):
    """Our own short code (a lot code) for products without a GTIN."""
    return _answer(_read_short)


@bp.route("/.well-known/gs1resolver")
def resolver_description():
    """The resolver description file (GS1-Conformant Resolver standard)."""
    config = current_app.config
    contact = {"fn": config["LOOKUP_CONTACT_NAME"] or "trace"}
    if config["LOOKUP_CONTACT_EMAIL"]:
        contact["hasEmail"] = f"mailto:{config['LOOKUP_CONTACT_EMAIL']}"
    if config["LOOKUP_CONTACT_PHONE"]:
        contact["hasTelephone"] = f"tel:{config['LOOKUP_CONTACT_PHONE']}"
    types = {
        "gs1:pip": "Product information page",
        "gs1:traceability": "Where and when it was grown, packed, treated and shipped",
        "gs1:epcis": "EPCIS 2.0 events of the lot",
        "gs1:certificationInfo": "Treatment and phytosanitary certificates",
        "gs1:locationInfo": "A location's public page",
        "gs1:defaultLink": "The item's public page",
    }
    body = {
        "name": "trace GS1 Digital Link resolver",
        "resolverRoot": config["PUBLIC_BASE_URL"],
        "supportedPrimaryKeys": ["01", "00", "414"],
        "supportedLinkType": [{"namespace": lookup.GS1_VOC, "prefix": "gs1:"}],
        "linkTypeDefaultCanBeAll": False,
        "supportsLanguageVariants": True,
        "supportsSemanticInterpretation": False,
        "validatesAIcombinations": True,
        "contact": contact,
        "activeLinkTypes": {
            "en": {
                curie: {"title": title, "url": lookup.GS1_VOC + curie[4:]}
                for curie, title in types.items()
            }
        },
    }
    response = _json(body, "application/json")
    response.headers["Cache-Control"] = f"public, max-age={config['LOOKUP_MAX_AGE']}"
    return response


@bp.route("/.well-known/trace-keys.json")
def signing_keys():
    """The keys that sign this instance's evidence, current and retired, each with the period
    it signed in and its fingerprint: what `tools/verify_evidence.py --keys` trusts."""
    path = signing_key_path(current_app.config, current_app.instance_path)
    body = evidence.keys_document(path, current_app.config["PUBLIC_BASE_URL"])
    response = _json(body, "application/json")
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['LOOKUP_MAX_AGE']}"
    return response


@bp.after_request
def _headers(response: Response) -> Response:
    """Every answer of the resolver: its linkset's address, CORS, Vary, a strict CSP."""
    headers = response.headers
    if "linkset" in g:
        headers["Link"] = f'<{g.linkset}>; rel="linkset"; type="{LINKSET}"'
    if "same_as" in g:  # a compressed link: the uncompressed one (rebuilt, never the raw path)
        headers.add("Link", f'<{g.same_as}>; rel="owl:sameAs"')
    headers["Access-Control-Allow-Origin"] = "*"
    headers["Access-Control-Expose-Headers"] = "Link, Location, ETag"
    if request.method == "OPTIONS":
        headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        headers["Access-Control-Allow-Headers"] = "Accept, Accept-Language"
        headers["Access-Control-Max-Age"] = "86400"
    headers["Vary"] = "Accept, Accept-Language, Cookie"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    if response.mimetype == "text/html":
        headers["Content-Security-Policy"] = current_app.extensions["trace.lookup"]["csp"]
    return response


@bp.errorhandler(Answer)
def _error_answer(error: Answer):
    return _error(error.status, error.kind, error.problem)


@bp.errorhandler(429)
def _too_many(error: HTTPException):
    response = _error(429, "busy")
    limit = getattr(error, "limit", None)
    seconds = limit.limit.get_expiry() if limit is not None else 60
    response.headers["Retry-After"] = str(seconds)
    response.headers["Cache-Control"] = "no-store"
    return response


def _gate_name(code: str | None, language: str) -> str:
    """A border gate by the name its reader knows: 友谊关 in Chinese, else Hữu Nghị."""
    gate = next((g for m in markets.all_markets() for g in m.gates if g.code == code), None)
    if gate is None:
        return code or ""
    return gate.facing if language.startswith("zh") else gate.name


@bp.context_processor
def _template_helpers() -> dict:
    language = i18n.tag(get_locale())
    return {
        "lang": language,
        "languages": [(code, i18n.NATIVE[code]) for code in i18n.LANGUAGES],
        "switch_to": _switch_url,
        "css": current_app.extensions["trace.lookup"]["css"],
        "name_in": lambda names: i18n.name_in(names, language),
        "country": lambda code: i18n.country(code, language),
        "day": i18n.day,
        "moment": i18n.moment,
        "event_name": lambda kind: words.word(words.EVENTS, kind),
        "method_name": lambda method: words.word(words.METHODS, method),
        "commodity_name": lambda commodity: words.word(words.COMMODITIES, commodity),
        "grown_in": lambda commodity: words.GROWN_IN[commodities.group_of(commodity or "")],
        "place_kind": lambda kind: words.word(words.PLACES, kind),
        "code_name": lambda scheme: words.word(words.CODES, scheme),
        "gate_name": lambda code: _gate_name(code, language),
        "keys_url": "/.well-known/trace-keys.json",
        "contact": {
            key: current_app.config[f"LOOKUP_CONTACT_{key.upper()}"]
            for key in ("name", "email", "phone")
        },
    }


# --- reading the code --------------------------------------------------------------------------


def _raw_path() -> str:
    """The path as sent, still percent-encoded (a lot "A/1" arrives as A%2F1), without the
    application's mount point."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    path = urlsplit(raw).path if raw else quote(request.path)
    root = quote(request.script_root)
    return path[len(root) :] if root and path.startswith(root) else path


def _read_compressed(session) -> Found:
    try:
        reading = identify.read(_raw_path() + _query())
    except GS1Error as error:
        if error.kind not in ("gs1.compressed", "gs1.no_key"):
            raise Answer(400, "malformed", lookup.explain(error)) from None
        reading = None
    if reading is None or reading.form != "compressed":
        raise Answer(404, "unknown")  # not a compressed link: no page here
    g.same_as = current_app.config["PUBLIC_BASE_URL"] + reading.uncompressed
    return _read_link(session, _checked(reading))


def _query() -> str:
    query = request.query_string.decode("latin-1")
    return f"?{query}" if query else ""


def _read(uri: str) -> identify.Reading:
    """The code in a request's path and query, read; a 400 if it is malformed."""
    try:
        return _checked(identify.read(uri))
    except GS1Error as error:
        raise Answer(400, "malformed", lookup.explain(error)) from None


def _checked(reading: identify.Reading) -> identify.Reading:
    problem = lookup.check_attributes(reading.link.attributes) if reading.link else None
    if problem:
        raise Answer(400, "malformed", problem)
    return reading


def _find(session, reading: identify.Reading, kind: str = "unknown"):
    """The row a code read names; a 404 (`kind`) if none."""
    found = _row(session, reading)
    if found is None:
        raise Answer(404, kind)
    return found


def _read_link(session, reading: identify.Reading | None = None) -> Found:
    reading = reading or _read(_raw_path() + _query())
    link = reading.link
    base, languages = current_app.config["PUBLIC_BASE_URL"], i18n.LANGUAGES
    if link.gtin is None and link.sscc is None and link.gln is None:
        # A valid link of a key trace never issues (GRAI, GIAI, CPID…): nothing to show.
        g.linkset = f"{base}{_key_path(link)}?linkType=linkset"
        raise Answer(404, "unknown")
    if link.gtin is not None:
        gtin = link.gtin.value
        g.linkset = f"{base}{lookup.gtin_path(gtin, link.lot, link.serial)}?linkType=linkset"
        if link.lot is None:
            view = lookup.product_page(session, _find(session, reading))
            links = lookup.linkset(base, languages, product=view["product"], gtin=gtin)
            return Found("lookup/product.html", view, links)
        kept = _cache().story(session, (gtin, link.lot), lambda: _row(session, reading))
        if kept is None:
            raise Answer(404, "unknown")
        view = kept.story.view
        links = lookup.linkset(
            base, languages, product=view["product"], lot=view, serial=link.serial, gtin=gtin
        )
        carton = (gtin, link.lot, link.serial) if link.serial is not None else None
        return Found("lookup/lot.html", view, links, carton, kept, (gtin, link.lot))
    if link.sscc is not None:
        g.linkset = f"{base}/00/{link.sscc.value}?linkType=linkset"
        view = lookup.pallet_page(session, _find(session, reading))
        return Found("lookup/pallet.html", view, lookup.linkset(base, languages, pallet=view))
    g.linkset = f"{base}/414/{link.gln.value}?linkType=linkset"
    place = _find(session, reading, "unknown_place")
    if place.kind not in lookup.PUBLIC_PLACES:  # never an importer: consignees stay private
        raise Answer(404, "unknown_place")
    view = lookup.place_page(session, place)
    return Found("lookup/place.html", view, lookup.linkset(base, languages, place=view))


def _row(session, reading: identify.Reading):
    """The row a code names, or None (a lot's is looked up only when its story is not kept)."""
    try:
        return identify.find(session, reading).row
    except NotFound:
        return None


def _key_path(link) -> str:
    """A valid link's path, rebuilt from what was read (never the raw request path)."""
    pairs = [(link.key, link.value), *link.qualifiers.items()]
    return "".join(f"/{ai}/{quote(value, safe='')}" for ai, value in pairs)


def _read_short(session) -> Found:
    path = _raw_path()
    encoded = path.split("/t/", 1)[1]
    code = unquote(encoded[:-1] if encoded.endswith("/") else encoded)
    base = current_app.config["PUBLIC_BASE_URL"]
    g.linkset = f"{base}/t/{quote(code, safe='')}?linkType=linkset"
    reading = _read(f"/t/{quote(code, safe='')}")
    kept = _cache().story(session, (None, code), lambda: _row(session, reading))
    if kept is None:
        raise Answer(404, "unknown")
    view = kept.story.view
    gtin = (view["product"] or {}).get("gtin")
    if gtin:
        g.linkset = f"{base}{lookup.gtin_path(gtin, code)}?linkType=linkset"
    links = lookup.linkset(base, i18n.LANGUAGES, product=view["product"], lot=view, gtin=gtin)
    return Found("lookup/lot.html", view, links, kept=kept, code=(None, code))


# --- answering -----------------------------------------------------------------------------------


def _answer(read) -> Response:
    cache, key = _cache(), _answer_key()
    if key is not None:
        kept = cache.answer(key)
        if kept is not None:
            g.linkset = kept.linkset
            response = Response(kept.body, mimetype=kept.mimetype)
            response.set_etag(kept.etag)
            return _cacheable(response)
    session = get_session()
    found = read(session)
    media = _media()
    if media is None:
        return _redirect(found, request.args["linkType"])
    if media != "text/html":
        response = _json(found.links, media)
        _keep(key, found, response)
        return _cacheable(response)
    carton = None
    if found.carton is not None:
        carton = _check_carton(session, *found.carton)
    if found.kept is None:
        html = render_template(
            found.template,
            **found.view,
            **_contact(found.view),
            carton=carton,
            links=found.links,
        )
    else:
        html = _lot_html(cache, found, carton)
    response = Response(html, mimetype="text/html")
    _remember_language(response)
    if carton is not None:
        # Each view of a carton is a counted scan: never served from a cache.
        response.headers["Cache-Control"] = "private, no-store"
        return response
    _keep(key, found, response)
    return _cacheable(response)


# Marks where a carton's own lines go in its lot's kept page (unguessable, so no data can
# hold it).
SLOT = Markup(f"<!--carton-{uuid.uuid4().hex}-->")


def _lot_html(cache: PageCache, found: Found, carton: dict | None) -> str:
    """A lot's page: kept per language and query string while the lot's story holds, with the
    carton's serial and label check (rendered for each scan) put into its two slots."""
    key = (str(get_locale() or "en"), request.query_string)
    pieces = cache.part(
        found.kept,
        key,
        lambda: render_template(
            found.template,
            **found.view,
            **_contact(found.view),
            links=found.links,
            slots={"serial": SLOT, "carton": SLOT},
        ).split(SLOT),
    )
    if carton is None:
        return "".join(pieces)
    serial, lines = render_template(
        "lookup/_carton.html", carton=carton, slot=SLOT, **_contact(found.view)
    ).split(SLOT)
    return pieces[0] + " " + serial.strip() + pieces[1] + lines + pieces[2]


def _contact(view: dict) -> dict:
    """The shipping exporter's consumer contact (master data) in place of the settings'."""
    kept = view.get("exporter_contact")
    return {"contact": kept} if kept else {}


def _cache() -> PageCache:
    return current_app.extensions["trace.lookup"]["cache"]


def _answer_key() -> tuple | None:
    """What an answer that can be kept depends on: the path and query as sent, the reader's
    language and the media type; None for what is never kept (redirects, a language switch
    that sets the cookie)."""
    media = _media()
    if request.method not in ("GET", "HEAD") or media is None:
        return None
    if media == "text/html" and _sets_language():
        return None
    return (_raw_path(), request.query_string, str(get_locale() or "en"), media)


def _media() -> str | None:
    """What the answer is: a linkset (its JSON media type), the page (text/html), or None for
    a redirect to another link type (?linkType=gs1:…)."""
    link_type = request.args.get("linkType")
    if link_type in ("linkset", "all") or (not link_type and _wants_json()):
        return _json_type()
    return None if link_type else "text/html"


def _keep(key: tuple | None, found: Found, response: Response) -> None:
    """Keep a lot's answer (not a carton's: each of those is a counted scan)."""
    if key is not None and found.kept is not None and found.carton is None:
        response.add_etag()
        etag = response.get_etag()[0]
        answer = KeptAnswer(
            found.code, found.kept, response.get_data(), response.mimetype, etag, g.linkset
        )
        _cache().keep(key, answer)


def _check_carton(session, gtin: str, lot: str, serial: str) -> dict:
    """Check the label and, for a person opening the page of a printed carton, count the scan
    (once per client and day). Serials never printed, or spelt otherwise, count nothing."""
    config = current_app.config
    status = labels.serial_status(session, gtin, lot, serial)
    scans = None
    if status["status"] == "printed":
        if _person_opening():
            scans = _count(session, gtin, lot, serial)
        else:
            scans = lookup.scans_of(session, gtin, lot, serial)
    return lookup.carton_check(
        serial, status, scans, config["LOOKUP_SCAN_ALERT"], config["LOOKUP_SCAN_DAYS"]
    )


def _person_opening() -> bool:
    """Is this a person opening the page: a GET navigation of the top-level page, not a HEAD,
    a prefetch or preview, nor an image, frame or script another page embeds?"""
    if request.method != "GET":
        return False
    headers = request.headers
    purpose = " ".join(
        headers.get(name, "") for name in ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz")
    ).lower()
    if "prefetch" in purpose or "preview" in purpose:
        return False
    destination = headers.get("Sec-Fetch-Dest")
    if destination is not None:  # every current browser says what the request is for
        return destination == "document" and headers.get("Sec-Fetch-Mode", "navigate") == "navigate"
    # A browser without fetch metadata asks for text/html when it opens a page; an <img> asks
    # for images (or */*).
    return "text/html" in headers.get("Accept", "")


def _count(session, gtin: str, lot: str, serial: str) -> lookup.Scans:
    """Count this client's opening of the carton's page once today (UTC). A client-day this
    worker counted already costs a read, not a write."""
    now = datetime.now(UTC)
    state = current_app.extensions["trace.lookup"]["scans"]
    with state["lock"]:
        if state["day"] != now.date():
            state["day"], state["salt"], state["seen"] = now.date(), None, set()
        salt = state["salt"]
    if salt is None:
        salt = lookup.day_salt(session, now.date())
        with state["lock"]:
            if state["day"] == now.date():
                state["salt"] = salt
    client = lookup.client_day(salt, client_address(), request.headers.get("User-Agent", ""))
    key = (gtin, lot, serial, client)
    if key in state["seen"]:
        return lookup.scans_of(session, gtin, lot, serial)
    _new, scans = state["writer"].count(gtin, lot, serial, client, now)
    with state["lock"]:
        if len(state["seen"]) > SEEN_MAX:
            state["seen"].clear()
        state["seen"].add(key)
    return scans


# Client-days a worker remembers as counted (then forgets them all, and asks the database).
SEEN_MAX = 100_000


def _redirect(found: Found, link_type: str) -> Response:
    """?linkType=gs1:… → 307 to that link, passing on the rest of the query string."""
    wanted = lookup.link_type(link_type)
    target = wanted and lookup.find_link(found.links, wanted, i18n.tag(get_locale()))
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
    return _cacheable(response)


def _wants_json() -> bool:
    return _accept(request.headers.get("Accept", ""))[0]


def _json_type() -> str:
    """application/linkset+json unless the client asked for plain JSON only."""
    return _accept(request.headers.get("Accept", ""))[1]


@lru_cache(maxsize=1024)
def _accept(header: str) -> tuple[bool, str]:
    """What an Accept header asks for (JSON rather than the page; which JSON): read once per
    header as clients send it, not on every request."""
    accept = parse_accept_header(header, MIMEAccept)
    wants_json = accept.best_match(["text/html", *JSON_OFFERS]) in JSON_OFFERS
    best = accept.best_match([LINKSET, "application/json"])
    return wants_json, "application/json" if best == "application/json" else LINKSET


# A request that may be answered 304, 412 or 206 (werkzeug's make_conditional reads these).
_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH",
                "HTTP_IF_UNMODIFIED_SINCE", "HTTP_RANGE", "HTTP_IF_RANGE")  # fmt: skip


def _json(body: dict, mimetype: str) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), mimetype=mimetype)


def _cacheable(response: Response) -> Response:
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
        if any(name in environ for name in _CONDITIONAL):
            response.make_conditional(request)
        elif request.method in ("GET", "HEAD") and "Date" not in response.headers:
            # what make_conditional adds to a plain GET
            response.headers["Date"] = http_date()
    return response


def _sets_language() -> bool:
    """Does this request choose a language the reader's cookie does not hold yet?"""
    chosen = request.args.get("lang")
    return chosen in i18n.LANGUAGES and request.cookies.get(i18n.COOKIE) != chosen


def _remember_language(response: Response) -> None:
    """The switcher's ?lang= is remembered, so the next carton opens in the same language."""
    chosen = request.args.get("lang")
    if _sets_language():
        response.set_cookie(
            i18n.COOKIE,
            chosen,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure,
        )


def _switch_url(language: str) -> str:
    """This page in another language (the query string kept, e.g. ?17=260731)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("lang", "linkType")]
    args.append(("lang", language))
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in args)
    return f"?{query}"  # this page's path (a relative link): the same for every carton of a lot


def _error(status: int, kind: str, problem: lookup.Problem | None = None) -> Response:
    """A page (or JSON for a linkset client) that says what went wrong and what to do."""
    if "linkset" not in g and request.blueprint == "lookup":
        # what was sent, re-encoded: no quote, bracket, comma or semicolon of it reaches the header
        typed = quote(_raw_path()[:2048], safe="/%")
        g.linkset = f"{current_app.config['PUBLIC_BASE_URL']}{typed}?linkType=linkset"
    if _wants_json() or request.args.get("linkType") in ("linkset", "all"):
        body = {
            "code": status,
            "status": {400: "Bad Request", 404: "Not Found", 429: "Too Many Requests"}[status],
            "message": problem.detail if problem else kind.replace("_", " "),
        }
        response = _json(body, "application/json")
    else:
        message = words.problem_text(problem) if problem else None
        html = render_template(
            "lookup/error.html",
            status=status,
            kind=kind,
            message=message,
            detail=problem.detail if problem else None,
            typed=unquote(_raw_path()),
            path=quote(request.script_root) + _raw_path(),
        )
        response = Response(html, mimetype="text/html")
    response.status_code = status
    max_age = current_app.config["LOOKUP_MAX_AGE"]
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response
