"""GS1 Digital Link URIs: build them for labels and read them back from scans.

A Digital Link puts GS1 element strings in an ordinary web address, e.g.
``https://example.com/01/08931234567897/10/LOT26A/21/00042?17=260731``: a primary
key (``01`` GTIN, ``00`` SSCC, ``414`` GLN) and its value, then key qualifiers in a
fixed order (for a GTIN: ``10`` lot, then ``21`` serial), then data attributes in
the query string.

Only what trace prints and resolves is supported: no other primary keys, no
qualifier ``22`` (consumer product variant) or ``235`` (TPX), no convenience
alphas such as ``/gtin/`` or ``/lot/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, unquote, unquote_plus, urlsplit

from .charset import validate_lot, validate_serial
from .errors import GS1Error, is_ascii_digits, quoted, shown
from .identifiers import Gln, Gtin, Sscc

# Primary keys and, in the order the standard requires, the qualifiers trace
# supports after each (the syntax dictionary's `dlpkey=22,10,21|235` for 01; see
# shared/standards/digital-link/gs1-syntax-dictionary.txt).
_QUALIFIERS: dict[str, tuple[str, ...]] = {"01": ("10", "21"), "00": (), "414": ()}
_QUALIFIER_NAMES = {"10": "lot", "21": "serial"}

# A URI is longer than a lot number; show enough of it to find the mistake.
_URI_SHOWN = 200


@dataclass(frozen=True)
class DigitalLink:
    """What a GS1 Digital Link URI says.

    Exactly one of ``gtin``, ``sscc`` and ``gln`` is set by `parse_digital_link`;
    ``lot`` and ``serial`` only come with a ``gtin``.

    Attributes:
        gtin: The GTIN (primary key 01), normalised to 14 digits.
        lot: The batch or lot number (qualifier 10), percent-decoded.
        serial: The serial number (qualifier 21), percent-decoded.
        sscc: The SSCC (primary key 00).
        gln: The GLN of a physical location (primary key 414).
        attributes: Query-string parameters whose names are GS1 AIs (all digits),
            e.g. ``{"17": "260731"}``; values are percent-decoded, not validated.
            Other parameters (``linkType``, tracking tags) are left out.

    References:
        GS1 Digital Link Standard: URI Syntax, section 4 (URI structure).
    """

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
    """Build the Digital Link of a logistic unit: ``{base}/00/{sscc}``.

    Args:
        base_url: Where trace's resolver lives; a trailing slash is dropped.
        sscc: The SSCC, or its 18 digits.

    Returns:
        The link, e.g. ``"https://example.com/00/089312340000000424"``.

    Raises:
        GS1Error: If the SSCC is malformed or ``base_url`` has a query or fragment.

    References:
        GS1 Digital Link Standard: URI Syntax, section 4; GS1 General
        Specifications, section 3.3.1 (AI 00).
    """
    if not isinstance(sscc, Sscc):
        sscc = Sscc.parse(sscc)
    return f"{_base(base_url)}/00/{sscc.value}"


def gln_link(base_url: str, gln: Gln | str) -> str:
    """Build the Digital Link of a physical location: ``{base}/414/{gln}``.

    Args:
        base_url: Where trace's resolver lives; a trailing slash is dropped.
        gln: The GLN, or its 13 digits.

    Returns:
        The link, e.g. ``"https://example.com/414/8931234000011"``.

    Raises:
        GS1Error: If the GLN is malformed or ``base_url`` has a query or fragment.

    References:
        GS1 Digital Link Standard: URI Syntax, section 4; GS1 General
        Specifications, section 3.7.9 (AI 414).
    """
    if not isinstance(gln, Gln):
        gln = Gln.parse(gln)
    return f"{_base(base_url)}/414/{gln.value}"


def parse_digital_link(uri_or_path: str) -> DigitalLink:
    """Read a GS1 Digital Link URI, or just its path and query.

    The primary key is the first path segment that is ``01``, ``00`` or ``414``, has
    a value after it, and is followed only by qualifier/value pairs it allows; so a
    resolver under a path prefix (``https://example.com/dl/01/…``) works, even one
    whose prefix happens to hold ``01``. When no segment qualifies, the error is the
    one for the first candidate. A trailing slash is ignored.

    Args:
        uri_or_path: E.g. ``"https://example.com/01/08931234567897/10/LOT26A"``,
            ``"/01/8931234567897/21/00042?17=260731"``.

    Returns:
        The parsed link; a GTIN-8/12/13 comes back as 14 digits.

    Raises:
        GS1Error: If no supported primary key is found, a qualifier is not
            supported, repeated, out of order or has no value, or a key, lot or
            serial is malformed.

    References:
        GS1 Digital Link Standard: URI Syntax, section 4 (path: primary key, then
        key qualifiers in the order the standard lists them; query: data
        attributes); GS1 General Specifications, section 3.2 (AIs).
    """
    if not isinstance(uri_or_path, str):
        raise GS1Error(
            f"Digital Link {uri_or_path!r}: should be text, found {type(uri_or_path).__name__}"
        )
    text = uri_or_path.strip()
    where = f"Digital Link {quoted(text, _URI_SHOWN)}"
    parts = urlsplit(text)
    segments = parts.path.split("/")
    if segments[-1] == "":
        segments.pop()  # a trailing slash
    key, value, qualifiers = _path_info(where, segments)
    attributes = _attributes(where, parts.query)
    if key == "01":
        lot, serial = qualifiers.get("10"), qualifiers.get("21")
        return DigitalLink(
            gtin=Gtin.parse(value),
            lot=None if lot is None else validate_lot(lot),
            serial=None if serial is None else validate_serial(serial),
            attributes=attributes,
        )
    if key == "00":
        return DigitalLink(sscc=Sscc.parse(value), attributes=attributes)
    return DigitalLink(gln=Gln.parse(value), attributes=attributes)


def _base(base_url: str) -> str:
    """Return ``base_url`` without its trailing slashes, refusing a query or fragment."""
    parts = urlsplit(base_url)
    if parts.query or parts.fragment:
        extra = f"?{parts.query}" if parts.query else f"#{parts.fragment}"
        raise GS1Error(
            f"base URL {quoted(base_url, _URI_SHOWN)}: should have no query or"
            f" fragment, found {quoted(extra)}"
        )
    return base_url.rstrip("/")


def _encode(value: str) -> str:
    """Percent-encode a lot or serial for one path segment (``/`` becomes ``%2F``)."""
    return quote(value, safe="")


def _path_info(where: str, segments: list[str]) -> tuple[str, str, dict[str, str]]:
    """Find the primary key, its (decoded) value and its qualifiers among path segments.

    Candidates are tried from the left; the first whose qualifiers read cleanly wins.
    (GS1's syntax engine walks back from the end instead; it knows every AI, trace
    knows five, so trying from the left gives better messages here.)
    """
    first_error: GS1Error | None = None
    for index, segment in enumerate(segments[:-1]):
        if segment not in _QUALIFIERS or not segments[index + 1]:
            continue
        try:
            qualifiers = _qualifiers(where, segment, segments[index + 2 :])
        except GS1Error as error:
            first_error = first_error or error
            continue
        return segment, unquote(segments[index + 1]), qualifiers
    if first_error is not None:
        raise first_error
    raise GS1Error(
        f"{where}: expected a primary key 01 (GTIN), 00 (SSCC) or 414 (GLN)"
        " followed by its value, found none"
    )


def _qualifiers(where: str, key: str, rest: list[str]) -> dict[str, str]:
    """Read ``/ai/value`` pairs after the primary key, in the order the standard sets."""
    allowed = _QUALIFIERS[key]
    found: dict[str, str] = {}
    for index in range(0, len(rest), 2):
        ai = rest[index]
        if ai not in allowed:
            expected = (
                " or ".join(f"{q} ({_QUALIFIER_NAMES[q]})" for q in allowed)
                if allowed
                else "no qualifier"
            )
            raise GS1Error(f"{where}: after {key} expected {expected}, found {shown(ai)}")
        if index + 1 == len(rest):
            raise GS1Error(f"{where}: expected a value after {ai}, found the end")
        if ai in found:
            raise GS1Error(f"{where}: qualifier {ai} appears more than once")
        if found and allowed.index(ai) < allowed.index(list(found)[-1]):
            raise GS1Error(
                f"{where}: qualifiers must be in the order {' then '.join(allowed)},"
                f" found {ai} after {list(found)[-1]}"
            )
        found[ai] = unquote(rest[index + 1])
    return found


def _attributes(where: str, query: str) -> dict[str, str]:
    """Collect query parameters named by a GS1 AI (all digits); ignore the rest.

    As in GS1's syntax engine, ``+`` in the query means a space (it does not in the
    path, where `digital_link` writes ``+`` as ``%2B`` anyway).
    """
    attributes: dict[str, str] = {}
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        name = unquote(name)
        if not name or not is_ascii_digits(name):
            continue
        if name in attributes:
            raise GS1Error(f"{where}: attribute {name} appears more than once")
        attributes[name] = unquote_plus(value)
    return attributes
