"""GS1 identifiers, lot and serial numbers, and Digital Link URIs.

This package is PURE: it imports the standard library and biip, never Flask,
SQLAlchemy/SQLModel or marshmallow, so `trace.domain`, `trace.labels` and scripts can
use it without an app or a database. Every malformed input raises `GS1Error`, whose
message names the input, what was expected and what was found.

    >>> from trace.gs1 import Gtin, digital_link
    >>> gtin = Gtin.parse("8931234567897")
    >>> gtin.as_hri()
    '(01)08931234567897'
    >>> digital_link("https://example.com", gtin, lot="LOT26A")
    'https://example.com/01/08931234567897/10/LOT26A'
"""

from .charset import validate_lot, validate_serial
from .digital_link import (
    DigitalLink,
    digital_link,
    gln_link,
    parse_digital_link,
    sscc_link,
)
from .errors import GS1Error
from .identifiers import Gln, Gtin, Sscc, check_digit

__all__ = [
    "DigitalLink",
    "GS1Error",
    "Gln",
    "Gtin",
    "Sscc",
    "check_digit",
    "digital_link",
    "gln_link",
    "parse_digital_link",
    "sscc_link",
    "validate_lot",
    "validate_serial",
]
