"""What a scanned or typed code says, before anything is looked up: its GS1 parts.

A scanner or a person may give a GS1 Digital Link (full, compressed, or trace's short ``/t/``
form for products without a GTIN), a GS1 element string with or without its symbology
identifier (``]C1``, FNC1 sent as the GS character, or typed as the four characters ``\\x1d``),
its human readable form ``(01)…(10)…``, or a plain code (a lot code, an SSCC, a GLN, a growing
area's code, a container number…) that only the database can tell apart. `read` tells which,
and checks each GS1 key and lot it finds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import biip
from biip.gs1_messages import GS1Message

from . import compression
from .charset import validate_lot, validate_serial
from .digital_link import DigitalLink, parse_digital_link
from .errors import GS1Error, quoted
from .identifiers import Gln, Gtin, Sscc

GS = "\x1d"

# How each key found in an element string is checked (a Digital Link checks its own).
_CHECKS = {
    "00": lambda value: Sscc.parse(value).value,
    "01": lambda value: Gtin.parse(value).value,
    "414": lambda value: Gln.parse(value).value,
    "10": validate_lot,
    "21": validate_serial,
}


@dataclass(frozen=True)
class Reading:
    """A code as read.

    Attributes:
        text: The code, surrounding whitespace removed and GS restored.
        form: ``link``, ``compressed``, ``short``, ``element`` (an element string, with or
            without ``]C1``), ``hri`` (``(01)…``) or ``plain`` (a code of no GS1 shape).
        parts: GS1 AIs and their values, e.g. ``{"01": "08931234567897", "10": "LOT26A"}``
            (a GTIN as 14 digits); a short code's lot is ``{"10": …}``; empty for a plain code.
        link: The Digital Link read, for the link forms (its attributes, its key).
        uncompressed: A compressed link's path and query written out, e.g.
            ``"/01/09520123456788/10/ABC123"``.
    """

    text: str
    form: str
    parts: dict[str, str] = field(default_factory=dict)
    link: DigitalLink | None = None
    uncompressed: str | None = None


def read(text: str) -> Reading:
    """Read a scanned or typed code.

    Raises:
        GS1Error: If the code has a GS1 shape (a link, an element string, a ``(`` …) but a key,
            a lot or the structure is malformed.
    """
    text = text.strip().replace("\\x1d", GS)
    body = text[3:] if text.startswith("]") else text  # a symbology identifier: ]C1, ]Q3…
    if "://" in body or body.startswith("/"):
        return _link(text, body)
    if text.startswith("]") or GS in text:
        return _checked(text, "element", _message(biip.parse(text).gs1_message, text))
    if text.startswith("("):
        return _checked(text, "hri", _message(_hri(text), text))
    return Reading(text, "plain")


def element_string(text: str) -> Reading | None:
    """A plain code read again as an element string without ``]C1`` (``0108931234567897``);
    None if it is not one."""
    if not text[:2].isdigit():
        return None
    try:
        message = biip.parse(text).gs1_message
    except ValueError:  # biip's ParseError
        return None
    return None if message is None else _checked(text, "element", _message(message, text))


def _hri(text: str) -> GS1Message:
    try:
        return GS1Message.parse_hri(text)
    except ValueError as error:  # biip's ParseError
        raise GS1Error(f"{quoted(text)}: {error}", kind="gs1.unreadable") from None


def _message(message: GS1Message | None, text: str) -> dict[str, str]:
    if message is None:
        raise GS1Error(f"{quoted(text)}: not a GS1 element string", kind="gs1.unreadable")
    return {element.ai.ai: element.value for element in message.element_strings}


def _checked(text: str, form: str, parts: dict[str, str]) -> Reading:
    return Reading(text, form, {ai: _CHECKS.get(ai, str)(value) for ai, value in parts.items()})


def _link(text: str, uri: str) -> Reading:
    """A Digital Link: a full one, trace's short ``…/t/{lot}``, or a compressed one."""
    try:
        return _parts(text, "link", parse_digital_link(uri))
    except GS1Error as error:
        segments = urlsplit(uri).path.rstrip("/").split("/")
        if error.kind != "gs1.no_key":
            raise
        if len(segments) > 2 and segments[-2] == "t":
            return Reading(text, "short", {"10": validate_lot(unquote(segments[-1]))})
        if not compression.looks_compressed(segments[-1]):
            raise
    path = compression.uncompressed_path(*compression.decompress(segments[-1]))
    query = urlsplit(uri).query
    full = path + (("&" if "?" in path else "?") + query if query else "")
    return _parts(text, "compressed", parse_digital_link(full), path)


def _parts(text: str, form: str, link: DigitalLink, uncompressed: str | None = None) -> Reading:
    parts = {link.key: link.value, **link.qualifiers, **link.attributes}
    return Reading(text, form, parts, link, uncompressed)
