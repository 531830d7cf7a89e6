"""What a barcode scanner typed into a staff page's scan field, as the page's forms need it: the
code is read by `trace.services.identify` (every form a scanner or a person may give)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from trace.domain.errors import Invalid, NotFound
from trace.services import identify


@dataclass(frozen=True)
class Scanned:
    """What the text names. `kind`: carton, lot, pallet, place, shipment, product (a GTIN
    alone), or unknown; `problem` is why nothing usable was found, an error with its kind and
    params that the page words in its language. `lot` and `place` are rows."""

    text: str
    kind: str
    lot: Any = None
    serial: str | None = None
    sscc: str | None = None
    place: Any = None
    problem: NotFound | Invalid | None = None


def read(session: Session, raw: str) -> Scanned:
    text = raw.strip()
    try:
        found = identify.identify(session, raw)
    except (NotFound, Invalid) as error:
        return Scanned(text, "unknown", problem=error)
    if found.kind == "product":
        only = NotFound(
            "this barcode holds the product, not the lot", kind="code.product_only", code=text
        )
        return Scanned(text, "product", problem=only)
    row = identify.row(session, found) if found.kind in ("lot", "carton", "place") else None
    return Scanned(
        text,
        found.kind,
        lot=row if found.kind in ("lot", "carton") else None,
        serial=found.serial,
        sscc=found.key if found.kind == "pallet" else None,
        place=row if found.kind == "place" else None,
    )
