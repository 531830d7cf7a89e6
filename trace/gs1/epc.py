"""EPC URIs (EPC Tag Data Standard) read as the GS1 Digital Link URIs of the same keys.

EPCIS documents name things either way: `urn:epc:id:sgtin:0614141.107346.2017` and
`https://id.gs1.org/01/10614141073464/21/2017` are one trade item instance. This module is the
one place that turns the first into the second.

References:
    EPC Tag Data Standard 2.0 §6 (EPC URIs, pattern URIs) and §7 (GS1 key ↔ EPC);
    GS1 Digital Link Standard §4.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from .identifiers import check_digit

GS1_RESOLVER = "https://id.gs1.org"
_URN = re.compile(r"urn:epc:(id|class|idpat):(sgtin|lgtin|sscc|sgln|pgln):(.+)")


def requote(value: str) -> str:
    """A Digital Link path value with every reserved character percent-encoded, once."""
    return quote(unquote(value), safe="")


def digital_link_of(urn: str, resolver: str = GS1_RESOLVER) -> str | None:
    """The Digital Link of an EPC URI, or None if ``urn`` is none (or is malformed).

    Reads ``urn:epc:id:sgtin:…``, ``urn:epc:class:lgtin:…``, ``urn:epc:id:sscc:…``,
    ``urn:epc:id:sgln:…`` and ``urn:epc:id:pgln:…``; a pattern
    (``urn:epc:idpat:sgtin:0614141.107346.*``) becomes the Digital Link of what it ranges
    over, ending in ``/*``.

        >>> digital_link_of("urn:epc:id:sgtin:0614141.107346.2017")
        'https://id.gs1.org/01/10614141073464/21/2017'
    """
    match = _URN.fullmatch(urn)
    if match is None:
        return None
    _, scheme, body = match.groups()
    fields = body.split(".")
    if scheme in ("sgtin", "lgtin") and len(fields) == 3:
        prefix, item, last = fields
        digits = item[:1] + prefix + item[1:]
        if len(digits) != 13 or not digits.isdigit():
            return None
        ai = "21" if scheme == "sgtin" else "10"
        value = "*" if last == "*" else requote(last)
        return f"{resolver}/01/{digits + check_digit(digits)}/{ai}/{value}"
    if scheme == "sscc" and len(fields) == 2:
        prefix, ref = fields
        digits = ref[:1] + prefix + ref[1:]
        if len(digits) != 17 or not digits.isdigit():
            return None
        return f"{resolver}/00/{digits + check_digit(digits)}"
    if scheme in ("sgln", "pgln") and len(fields) == (3 if scheme == "sgln" else 2):
        digits = fields[0] + fields[1]
        if len(digits) != 12 or not digits.isdigit():
            return None
        gln = digits + check_digit(digits)
        if scheme == "pgln":
            return f"{resolver}/417/{gln}"
        extension = fields[2]
        extra = "" if extension in ("0", "*") else f"/254/{requote(extension)}"
        return f"{resolver}/414/{gln}{extra}"
    return None
