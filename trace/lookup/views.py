"""The resolver's routes: read the code, find what it names (`trace.services.lookup`), and
answer its page (`trace.services.public_page`), its linkset (`trace.services.linkset`) or a
redirect. How an answer is made is in respond.py, which answers are kept in kept_pages.py, a
carton's label check and scan count in counting.py; see docs/lookup.md."""

from __future__ import annotations

from urllib.parse import quote, unquote

from flask import Blueprint, Response, current_app, g, render_template, request
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException
from werkzeug.routing import PathConverter

from trace.config import signing_key_path
from trace.db.session import get_session
from trace.domain import commodities, markets
from trace.domain.errors import NotFound
from trace.domain.vocabulary import word
from trace.gs1 import GS1Error, syntax
from trace.gs1.reading import Reading
from trace.gs1.reading import read as read_code
from trace.services import evidence, identify, linkset, lookup, public_page

from . import i18n, kept_pages, respond, words
from .cache import PageCache
from .counting import check_carton
from .respond import Answer, Found

bp = Blueprint("lookup", __name__, template_folder="templates")


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
        "supportedLinkType": [{"namespace": linkset.GS1_VOC, "prefix": "gs1:"}],
        "linkTypeDefaultCanBeAll": False,
        "supportsLanguageVariants": True,
        "supportsSemanticInterpretation": False,
        "validatesAIcombinations": True,
        "contact": contact,
        "activeLinkTypes": {
            "en": {
                curie: {"title": title, "url": linkset.GS1_VOC + curie[4:]}
                for curie, title in types.items()
            }
        },
    }
    response = respond.json_answer(body, "application/json")
    response.headers["Cache-Control"] = f"public, max-age={config['LOOKUP_MAX_AGE']}"
    return response


@bp.route("/.well-known/trace-keys.json")
def signing_keys():
    """The keys that sign this instance's evidence, current and retired, each with the period
    it signed in and its fingerprint: what `tools/verify_evidence.py --keys` trusts."""
    path = signing_key_path(current_app.config, current_app.instance_path)
    body = evidence.keys_document(path, current_app.config["PUBLIC_BASE_URL"])
    response = respond.json_answer(body, "application/json")
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['LOOKUP_MAX_AGE']}"
    return response


@bp.after_request
def _headers(response: Response) -> Response:
    """Every answer of the resolver: its linkset's address, CORS, Vary, a strict CSP."""
    headers = response.headers
    if "linkset" in g:
        headers["Link"] = respond.linkset_link(g.linkset)
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
    return respond.error(error.status, error.kind, _raw_path(), error.problem)


@bp.errorhandler(429)
def _too_many(error: HTTPException):
    response = respond.error(429, "busy", _raw_path())
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
        "switch_to": respond.switch_url,
        "css": current_app.extensions["trace.lookup"]["css"],
        "name_in": lambda names: i18n.name_in(names, language),
        "country": lambda code: i18n.country(code, language),
        "day": i18n.day,
        "moment": i18n.moment,
        "event_name": lambda kind: word(words.EVENTS, kind),
        "method_name": lambda method: word(words.METHODS, method),
        "commodity_name": lambda commodity: word(words.COMMODITIES, commodity),
        "grown_in": lambda commodity: words.GROWN_IN[commodities.group_of(commodity or "")],
        "place_kind": lambda kind: word(words.PLACES, kind),
        "code_name": lambda scheme: word(words.CODES, scheme),
        "gate_name": lambda code: _gate_name(code, language),
        "keys_url": "/.well-known/trace-keys.json",
        "contact": kept_pages.settings_contact(current_app.config),
    }


# --- reading the code --------------------------------------------------------------------------


def _raw_path() -> str:
    return respond.raw_path(request.environ, request.script_root)


def _read_compressed(session) -> Found:
    try:
        reading = read_code(_raw_path() + _query())
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


def _read(uri: str) -> Reading:
    """The code in a request's path and query, read; a 400 if it is malformed."""
    try:
        return _checked(read_code(uri))
    except GS1Error as error:
        raise Answer(400, "malformed", lookup.explain(error)) from None


def _checked(reading: Reading) -> Reading:
    problem = lookup.check_attributes(reading.link.attributes) if reading.link else None
    if problem:
        raise Answer(400, "malformed", problem)
    return reading


def _find(session, reading: Reading, kind: str = "unknown"):
    """The row a code read names; a 404 (`kind`) if none."""
    found = _row(session, reading)
    if found is None:
        raise Answer(404, kind)
    return found


def _read_link(session, reading: Reading | None = None) -> Found:
    reading = reading or _read(_raw_path() + _query())
    link = reading.link
    base, languages = current_app.config["PUBLIC_BASE_URL"], i18n.LANGUAGES
    if link.gtin is None and link.sscc is None and link.gln is None:
        # A valid link of a key trace never issues (GRAI, GIAI, CPID…): nothing to show.
        g.linkset = f"{base}{_key_path(link)}?linkType=linkset"
        raise Answer(404, "unknown")
    if link.gtin is not None:
        gtin = link.gtin.value
        g.linkset = f"{base}{linkset.gtin_path(gtin, link.lot, link.serial)}?linkType=linkset"
        if link.lot is None:
            view = public_page.product_page(session, _find(session, reading))
            links = linkset.linkset(base, languages, product=view["product"], gtin=gtin)
            return Found("lookup/product.html", view, links)
        kept = _cache().story(session, (gtin, link.lot), lambda: _row(session, reading))
        if kept is None:
            raise Answer(404, "unknown")
        view = kept.story.view
        links = linkset.linkset(
            base, languages, product=view["product"], lot=view, serial=link.serial, gtin=gtin
        )
        carton = (gtin, link.lot, link.serial) if link.serial is not None else None
        return Found("lookup/lot.html", view, links, carton, kept, (gtin, link.lot))
    if link.sscc is not None:
        g.linkset = f"{base}/00/{link.sscc.value}?linkType=linkset"
        view = public_page.pallet_page(session, _find(session, reading))
        return Found("lookup/pallet.html", view, linkset.linkset(base, languages, pallet=view))
    g.linkset = f"{base}/414/{link.gln.value}?linkType=linkset"
    place = _find(session, reading, "unknown_place")
    if place.kind not in lookup.PUBLIC_PLACES:  # never an importer: consignees stay private
        raise Answer(404, "unknown_place")
    view = public_page.place_page(session, place)
    return Found("lookup/place.html", view, linkset.linkset(base, languages, place=view))


def _row(session, reading: Reading):
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
        g.linkset = f"{base}{linkset.gtin_path(gtin, code)}?linkType=linkset"
    links = linkset.linkset(base, i18n.LANGUAGES, product=view["product"], lot=view, gtin=gtin)
    return Found("lookup/lot.html", view, links, kept=kept, code=(None, code))


# --- answering -----------------------------------------------------------------------------------


def _answer(read) -> Response:
    cache, key = _cache(), kept_pages.answer_key(_raw_path())
    if key is not None:
        answer = cache.answer(key)
        if answer is not None:
            g.linkset = answer.linkset
            response = Response(answer.body, mimetype=answer.mimetype)
            response.set_etag(answer.etag)
            return respond.cacheable(response)
    session = get_session()
    found = read(session)
    media = respond.media()
    if media is None:
        return respond.redirect_to_link(found, request.args["linkType"])
    if media != "text/html":
        response = respond.json_answer(found.links, media)
        kept_pages.keep(cache, key, found, response)
        return respond.cacheable(response)
    carton = None
    if found.carton is not None:
        carton = check_carton(session, *found.carton, kept=found.kept)
    if found.kept is None:
        html = render_template(
            found.template,
            **found.view,
            **kept_pages.contact(found.view),
            carton=carton,
            links=found.links,
        )
    else:
        html = kept_pages.lot_html(cache, found, carton)
    response = Response(html, mimetype="text/html")
    respond.remember_language(response)
    if carton is not None:
        # Each view of a carton is a counted scan: never served from a cache.
        response.headers["Cache-Control"] = "private, no-store"
        return response
    kept_pages.keep(cache, key, found, response)
    return respond.cacheable(response)


def _cache() -> PageCache:
    return current_app.extensions["trace.lookup"]["cache"]
