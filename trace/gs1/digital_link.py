"""GS1 Digital Link URIs: build them for labels and read them back from scans.

A Digital Link puts GS1 element strings in an ordinary web address, e.g.
``https://example.com/01/08931234567897/10/LOT26A/21/00042?17=260731``: a primary
key (``01`` GTIN, ``00`` SSCC, ``414`` GLN…) and its value, then key qualifiers in a
fixed order (for a GTIN: ``22`` consumer product variant, ``10`` lot, ``21`` serial, or
else ``235`` third-party serial), then data attributes in the query string.

Links are read and validated by GS1's syntax dictionary (`trace.gs1.syntax`): every
primary key and key qualifier it lists, every data attribute. trace builds links for GTINs
(with lot and serial), SSCCs and GLNs. Convenience alphas such as ``/gtin/`` are not read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import quote, unquote, unquote_plus, urlsplit

from . import syntax
from .charset import validate_lot, validate_serial
from .errors import GS1Error, is_ascii_digits, quoted, require_text, shown
from .identifiers import Gln, Gtin, Sscc

# Words for the qualifiers trace prints, in messages (others are named by the dictionary).
_QUALIFIER_NAMES = {"10": "lot", "21": "serial"}

# A URI is longer than a lot number; show enough of it to find the mistake.
_URI_SHOWN = 200


@dataclass(frozen=True)
class DigitalLink:
    """What a GS1 Digital Link URI says.

    ``key``, ``value`` and ``qualifiers`` say what the path holds, whatever the key;
    for the keys trace resolves one of ``gtin``, ``sscc`` and ``gln`` is set too, and
    ``lot`` and ``serial`` only come with a ``gtin``.

    Attributes:
        key: The primary key's AI, e.g. ``"01"``.
        value: Its value (a GTIN as 14 digits).
        qualifiers: The key qualifiers in the path, in order, values percent-decoded,
            e.g. ``{"22": "2A", "10": "LOT26A"}``.
        gtin: The GTIN (primary key 01), normalised to 14 digits.
        lot: The batch or lot number (qualifier 10), percent-decoded.
        serial: The serial number (qualifier 21), percent-decoded.
        sscc: The SSCC (primary key 00).
        gln: The GLN of a physical location (primary key 414).
        attributes: Query-string parameters whose names are GS1 AIs (all digits),
            e.g. ``{"17": "260731"}``; values are percent-decoded and validated.
            Other parameters (``linkType``, tracking tags) are left out.

    References:
        GS1 Digital Link Standard: URI Syntax, section 4 (URI structure).
    """

    key: str = ""
    value: str = ""
    qualifiers: dict[str, str] = field(default_factory=dict)
    gtin: Gtin | None = None
    lot: str | None = None
    serial: str | None = None
    sscc: Sscc | None = None
    gln: Gln | None = None
    attributes: dict[str, str] = field(default_factory=dict)


def digital_link(
    base_url: str,
    gtin: Gtin | str,
    lot: str | None = None,
    serial: str | None = None,
) -> str:
    """Build the Digital Link of a trade item, its lot or one serialised item.

    Args:
        base_url: Where trace's resolver lives, e.g. ``"https://example.com/dl"``;
            a trailing slash is dropped.
        gtin: The GTIN, or its digits (GTIN-8/12/13/14), written as 14 digits.
        lot: The lot number (AI 10), percent-encoded in the path.
        serial: The serial number (AI 21), percent-encoded; allowed without a lot.

    Returns:
        ``{base}/01/{gtin14}[/10/{lot}][/21/{serial}]``, e.g.
        ``"https://example.com/01/08931234567897/10/LOT26A"``.

    Raises:
        GS1Error: If the GTIN, lot or serial is malformed, or ``base_url`` has a
            query or fragment.

    References:
        GS1 Digital Link Standard: URI Syntax, section 4; GS1 General
        Specifications, sections 3.3.2, 3.4.1 and 3.5.2 (AIs 01, 10 and 21).
    """
    if not isinstance(gtin, Gtin):
        gtin = Gtin.parse(gtin)
    link = f"{_base(base_url)}/01/{gtin.value}"
    if lot is not None:
        link += f"/10/{_encode(validate_lot(lot))}"
    if serial is not None:
        link += f"/21/{_encode(validate_serial(serial))}"
    return link


def sscc_link(base_url: str, sscc: Sscc | str) -> str:
    """Build the Digital Link of a logistic unit: ``{base}/00/{sscc}``, e.g.
    ``"https://example.com/00/089312340000000424"`` (GS1 General Specifications, 3.3.1)."""
    return key_link(base_url, sscc if isinstance(sscc, Sscc) else Sscc.parse(sscc))


def gln_link(base_url: str, gln: Gln | str) -> str:
    """Build the Digital Link of a physical location: ``{base}/414/{gln}``, e.g.
    ``"https://example.com/414/8931234000011"`` (GS1 General Specifications, 3.7.9)."""
    return key_link(base_url, gln if isinstance(gln, Gln) else Gln.parse(gln))


def key_link(base_url: str, key: Gtin | Gln | Sscc) -> str:
    """Build the Digital Link of a GS1 key alone: ``{base}/{ai}/{digits}``.

    Args:
        base_url: Where trace's resolver lives; a trailing slash is dropped.
        key: The GTIN, GLN or SSCC.

    Raises:
        GS1Error: If ``base_url`` has a query or fragment.

    References:
        GS1 Digital Link Standard: URI Syntax, section 4.
    """
    return f"{_base(base_url)}/{key.AI}/{key.value}"


def parse_digital_link(uri_or_path: str) -> DigitalLink:
    """Read a GS1 Digital Link URI, or just its path and query, and validate it by GS1's
    syntax dictionary.

    The primary key is the first path segment that is a Digital Link primary key of the
    dictionary (``01``, ``00``, ``414``, ``8004``…), has a value after it, and is followed
    only by key qualifiers it allows, in an order it allows (``dlpkey=22,10,21|235``); so a
    resolver under a path prefix (``https://example.com/dl/01/…``) works, even one whose
    prefix happens to hold ``01``. When no segment qualifies, the error is the one for the
    first candidate. A trailing slash is ignored; any other empty segment is refused.

    Query parameters named by digits are data attributes: each must be an AI the dictionary
    allows as one (flag ``?``), with a valid value, given once, and not one that belongs in
    the path (``?10=`` on a GTIN). All AIs together must meet the dictionary's ``req=`` and
    ``ex=``. Other parameters (``linkType``, tracking tags) are left out.

    Args:
        uri_or_path: E.g. ``"https://example.com/01/08931234567897/10/LOT26A"``,
            ``"/01/8931234567897/21/00042?17=260731"``.

    Returns:
        The parsed link; a GTIN-8/12/13 comes back as 14 digits.

    Raises:
        GS1Error: If no primary key is found, a path segment is empty, a qualifier is not
            allowed, repeated, out of order or has no value, a value is malformed, or an
            attribute is not allowed, repeated, misplaced or malformed.

    References:
        GS1 Digital Link Standard: URI Syntax, section 4 (path: primary key, then key
        qualifiers in the order the standard lists them; query: data attributes); GS1
        Barcode Syntax Dictionary (AIs, their formats and associations).
    """
    text = require_text("Digital Link", uri_or_path).strip()
    where = f"Digital Link {quoted(text, _URI_SHOWN)}"
    parts = urlsplit(text)
    segments = parts.path.split("/")
    if len(segments) > 1 and segments[-1] == "":
        segments.pop()  # a trailing slash
    key, value, qualifiers = _path_info(where, segments)
    attributes = _attributes(where, parts.query, key, list(qualifiers))
    try:
        syntax.check_associations([key, *qualifiers, *attributes])
    except GS1Error as error:
        raise error.within(where) from None
    return _typed(DigitalLink(key=key, value=value, qualifiers=qualifiers, attributes=attributes))


def _typed(link: DigitalLink) -> DigitalLink:
    """The link with its GTIN (and lot, serial), SSCC or GLN set, for the keys trace resolves."""
    if link.key == "01":
        gtin = Gtin.parse(link.value)
        qualifiers = link.qualifiers
        lot, serial = qualifiers.get("10"), qualifiers.get("21")
        return replace(link, value=gtin.value, gtin=gtin, lot=lot, serial=serial)
    if link.key == "00":
        return replace(link, sscc=Sscc.parse(link.value))
    if link.key == "414":
        return replace(link, gln=Gln.parse(link.value))
    return link


def _base(base_url: str) -> str:
    """Return ``base_url`` without its trailing slashes, refusing a query or fragment."""
    parts = urlsplit(base_url)
    if parts.query or parts.fragment:
        extra = f"?{parts.query}" if parts.query else f"#{parts.fragment}"
        raise GS1Error(
            f"base URL {quoted(base_url, _URI_SHOWN)}: should have no query or"
            f" fragment, found {quoted(extra)}",
            kind="gs1.base_url",
        )
    return base_url.rstrip("/")


def _encode(value: str) -> str:
    """Percent-encode a lot or serial for one path segment (``/`` becomes ``%2F``)."""
    return quote(value, safe="")


def _path_info(where: str, segments: list[str]) -> tuple[str, str, dict[str, str]]:
    """Find the primary key, its (decoded) value and its qualifiers among path segments.

    Candidates are tried from the left; the first whose value and qualifiers read cleanly
    wins. (GS1's syntax engine walks back from the end instead; trying from the left gives
    the message of the code the reader meant.)
    """
    keys = syntax.primary_keys()
    first_error: GS1Error | None = None
    for index, segment in enumerate(segments[:-1]):
        if segment not in keys:
            continue
        try:
            if not segments[index + 1]:
                raise GS1Error(
                    f"{where}: empty path segment after {segment}",
                    kind="gs1.empty_segment",
                    found=segment,
                )
            value = _key_value(segment, unquote(segments[index + 1]))
            qualifiers = _qualifiers(where, segment, segments[index + 2 :])
        except GS1Error as error:
            first_error = first_error or error
            continue
        return segment, value, qualifiers
    if first_error is not None:
        raise first_error
    if "" in segments[1:]:
        raise GS1Error(f"{where}: empty path segment", kind="gs1.empty_segment", found=None)
    raise GS1Error(
        f"{where}: expected a primary key such as 01 (GTIN), 00 (SSCC) or 414 (GLN)"
        " followed by its value, found none",
        kind="gs1.no_key",
    )


def _key_value(key: str, value: str) -> str:
    """Check a primary key's value; GTIN, SSCC and GLN with trace's own messages."""
    if key == "01":
        Gtin.parse(value)  # GTIN-8/12/13 are read as 14 digits by the caller
        return value
    if key == "00":
        return Sscc.parse(value).value
    if key == "414":
        return Gln.parse(value).value
    return syntax.check(key, value)


def _qualifier_value(ai: str, value: str) -> str:
    if ai == "10":
        return validate_lot(value)
    if ai == "21":
        return validate_serial(value)
    return syntax.check(ai, value)


def _qualifiers(where: str, key: str, rest: list[str]) -> dict[str, str]:
    """Read ``/ai/value`` pairs after the primary key, in an order the dictionary allows."""
    orders = syntax.dictionary()[key].qualifiers or ((),)
    found: dict[str, str] = {}
    for index in range(0, len(rest), 2):
        ai = rest[index]
        if not ai:
            after = list(found)[-1] if found else key
            raise GS1Error(
                f"{where}: empty path segment after {after}", kind="gs1.empty_segment", found=after
            )
        if ai in found:
            raise GS1Error(
                f"{where}: qualifier {ai} appears more than once", kind="gs1.repeated", found=ai
            )
        fitting = [order for order in orders if syntax.fits([*found, ai], order)]
        if not fitting:
            for order in orders:
                if ai in order and set(found) <= set(order):
                    previous = list(found)[-1]
                    raise GS1Error(
                        f"{where}: qualifiers must be in the order {' then '.join(order)},"
                        f" found {ai} after {previous}",
                        # a lot after its serial is the usual slip; any other order is rarer
                        kind="gs1.order" if (ai, previous) == ("10", "21") else "gs1.sequence",
                        expected=" then ".join(order),
                        found=ai,
                        previous=previous,
                    )
            expected = _next_qualifiers(list(found), orders)
            raise GS1Error(
                f"{where}: after {key} expected {expected}, found {shown(ai)}",
                kind="gs1.qualifier",
                key=key,
                expected=expected,
                found=ai,
            )
        if index + 1 == len(rest):
            raise GS1Error(
                f"{where}: expected a value after {ai}, found the end",
                kind="gs1.missing_value",
                found=ai,
            )
        if not rest[index + 1]:
            raise GS1Error(
                f"{where}: empty path segment after {ai}", kind="gs1.empty_segment", found=ai
            )
        found[ai] = _qualifier_value(ai, unquote(rest[index + 1]))
    return found


def _next_qualifiers(found: list[str], orders: tuple[tuple[str, ...], ...]) -> str:
    names = []
    for order in orders:
        if syntax.fits(found, order):
            start = order.index(found[-1]) + 1 if found else 0
            names += [f"{ai} ({_name(ai)})" for ai in order[start:] if ai not in names]
    return " or ".join(names) if names else "no qualifier"


def _name(ai: str) -> str:
    return _QUALIFIER_NAMES.get(ai) or syntax.dictionary()[ai].title


def _attributes(where: str, query: str, key: str, qualifiers: list[str]) -> dict[str, str]:
    """Check and collect query parameters named by digits (GS1 AIs); ignore the rest.

    As in GS1's syntax engine, ``+`` in the query means a space (it does not in the
    path, where `digital_link` writes ``+`` as ``%2B`` anyway).
    """
    attributes: dict[str, str] = {}
    orders = syntax.dictionary()[key].qualifiers or ((),)
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        name = unquote(name)
        if not name or not is_ascii_digits(name):
            continue
        found = syntax.entry(name)
        if found is None:
            raise GS1Error(
                f"{where}: {name} is not a GS1 Application Identifier",
                kind="gs1.unknown_ai",
                found=name,
            )
        if name in attributes or name == key or name in qualifiers:
            raise GS1Error(
                f"{where}: attribute {name} appears more than once", kind="gs1.repeated", found=name
            )
        if not found.attribute:
            raise GS1Error(
                f"{where}: AI {name} may not be a data attribute",
                kind="gs1.not_attribute",
                found=name,
            )
        for at in range(len(qualifiers) + 1):
            tried = [*qualifiers[:at], name, *qualifiers[at:]]
            if any(syntax.fits(tried, order) for order in orders):
                raise GS1Error(
                    f"{where}: AI {name} belongs in the path, as /{name}/…",
                    kind="gs1.in_path",
                    found=name,
                )
        try:
            attributes[name] = syntax.check(name, unquote_plus(value))
        except GS1Error as error:
            raise error.within(where) from None
    return attributes
