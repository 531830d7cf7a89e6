"""What a barcode scanner typed: a carton's QR (its GS1 Digital Link), a GS1-128 element string
(with or without the `]C1` symbology identifier, FNC1 as GS), its human-readable form
`(01)…(10)…`, an SSCC, a lot code, or an orchard's growing-area code."""

from __future__ import annotations

from dataclasses import dataclass

import biip
from biip.gs1_messages import GS1Message
from sqlmodel import Session, select

from trace.db.models import Location, LocationCode, Lot, Pallet, Product
from trace.domain.errors import NotFound
from trace.gs1 import GS1Error, Sscc, parse_digital_link

GS = "\x1d"


@dataclass(frozen=True)
class Scanned:
    """What the text names. `kind`: carton, lot, pallet, place, product (a GTIN alone), or
    unknown; `problem` is why nothing was found, an error with its kind and params (a
    `NotFound`, or the `GS1Error` of a malformed code) that the page words in its language."""

    text: str
    kind: str
    lot: Lot | None = None
    serial: str | None = None
    sscc: str | None = None
    place: Location | None = None
    problem: NotFound | GS1Error | None = None


def _parts(text: str) -> dict[str, str]:
    """GS1 application identifiers → values, from any of the forms a scanner may type."""
    if "/01/" in text or "/00/" in text or "/414/" in text:
        link = parse_digital_link(text)
        found = {}
        if link.gtin is not None:
            found["01"] = str(link.gtin)
        if link.lot:
            found["10"] = link.lot
        if link.serial:
            found["21"] = link.serial
        if link.sscc is not None:
            found["00"] = str(link.sscc)
        if link.gln is not None:
            found["414"] = str(link.gln)
        return found
    if text.startswith("("):
        message = GS1Message.parse_hri(text)
    else:
        result = biip.parse(text)
        message = result.gs1_message
        if message is None:
            if result.sscc is not None:
                return {"00": result.sscc.value}
            if result.gtin is not None:
                return {"01": result.gtin.value}
            return {}
    return {element.ai.ai: element.value for element in message.element_strings}


def read(session: Session, raw: str) -> Scanned:
    text = raw.strip().replace("\\x1d", GS)
    if not text:
        return Scanned(raw, "unknown", problem=NotFound("nothing was scanned", kind="scan.empty"))
    lot = session.exec(select(Lot).where(Lot.code == text)).first()
    if lot is not None:
        return Scanned(text, "lot", lot=lot)
    code = session.exec(select(LocationCode).where(LocationCode.value == text)).first()
    if code is not None:
        return Scanned(text, "place", place=session.get(Location, code.location_id))
    if text.isdigit() and len(text) == 13:  # a GLN (13 digits, like a GTIN-13)
        place = session.exec(select(Location).where(Location.gln == text)).first()
        if place is not None:
            return Scanned(text, "place", place=place)
    try:
        parts = _parts(text)
    except (GS1Error, ValueError) as error:  # biip's ParseError is a ValueError
        return Scanned(text, "unknown", problem=error)
    if "00" in parts:
        try:
            sscc = str(Sscc.parse(parts["00"]))
        except GS1Error as error:
            return Scanned(text, "unknown", problem=error)
        pallet = session.exec(select(Pallet).where(Pallet.sscc == sscc)).first()
        if pallet is None:
            missing = NotFound(f"no pallet with SSCC {sscc}", kind="pallet.unknown", sscc=sscc)
            return Scanned(text, "unknown", sscc=sscc, problem=missing)
        return Scanned(text, "pallet", sscc=sscc)
    if "414" in parts:
        place = session.exec(select(Location).where(Location.gln == parts["414"])).first()
        if place is not None:
            return Scanned(text, "place", place=place)
    if "10" in parts:
        query = select(Lot).where(Lot.code == parts["10"])
        if "01" in parts:
            query = query.join(Product, Product.id == Lot.product_id).where(
                Product.gtin == parts["01"]
            )
        lot = session.exec(query).first()
        if lot is None:
            missing = NotFound(
                f"no lot with code {parts['10']!r}", kind="lot.unknown", lot=parts["10"]
            )
            return Scanned(text, "unknown", problem=missing)
        return Scanned(text, "carton" if "21" in parts else "lot", lot=lot, serial=parts.get("21"))
    if "01" in parts:
        only = NotFound("this barcode holds the product, not the lot", kind="scan.product_only")
        return Scanned(text, "product", problem=only)
    unknown = NotFound(f"nothing is known by {text!r}", kind="scan.unknown", code=text)
    return Scanned(text, "unknown", problem=unknown)
