"""Why a code a phone scanned cannot be read, as a `Problem` the public page words in the
reader's language, and which places the public may see. Finding what a code names is
`trace.services.identify`.

No Flask: the views in `trace/lookup/` word a `Problem` and render the pages' data
(`trace.services.public_page`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from trace.gs1 import GS1Error

# Kinds of location a public page may name. Importers are consignees: never shown.
PUBLIC_PLACES = frozenset(
    {"orchard", "packing_house", "treatment_facility", "exporter", "port", "cold_store"}
)
# Query-string attributes that are dates (YYMMDD, DD may be 00): GS1 General Specifications
# 3.4.2-3.4.7 (AIs 11, 12, 13, 15, 16, 17).
DATE_ATTRIBUTES = frozenset({"11", "12", "13", "15", "16", "17"})


# --- reading what was scanned or typed ---------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Why a code cannot be read, as a kind and its values (the edge words it per language).

    Attributes:
        kind: The `GS1Error`'s kind (`gs1.check_digit`, `gs1.length`, `gs1.order`, …; the
            list is trace/domain/kinds.py), or `gs1.date` for a date attribute that is none.
        params: The values the sentence needs, e.g. ``{"key": "GTIN", "expected": "7"}``.
        detail: The English message of `trace.gs1`, for the curious and for logs.
    """

    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    detail: str = ""


def explain(error: GS1Error) -> Problem:
    """Turn a `GS1Error` into a `Problem` a page can word in the reader's language."""
    return Problem(error.kind, dict(error.params), str(error))


def check_attributes(attributes: dict[str, str]) -> Problem | None:
    """Date attributes (``?17=260731``) must be YYMMDD with a real month and day (or 00)."""
    for ai, value in attributes.items():
        if ai not in DATE_ATTRIBUTES:
            continue
        ok = len(value) == 6 and value.isascii() and value.isdigit()
        if ok:
            month, day = int(value[2:4]), int(value[4:6])
            ok = 1 <= month <= 12 and day <= 31
            if ok and day:
                try:
                    date(2000 + int(value[:2]), month, day)
                except ValueError:
                    ok = False
        if not ok:
            return Problem(
                "gs1.date",
                {"found": ai, "value": value, "reason": "not a YYMMDD date"},
                f"attribute {ai} {value!r}: not a YYMMDD date",
            )
    return None
