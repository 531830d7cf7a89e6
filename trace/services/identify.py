"""What a scanned or typed code names: the one resolver of codes.

Scanning on the staff pages, the inspector's search, trace and recall, and the public Digital
Link resolver all ask `identify` (or `find`, given a code already read by `trace.gs1.reading`).
A code with a GS1 shape (Digital Link, element string, ``(01)…``) is looked up by its parts; a
plain code (a lot code, an SSCC, a GLN, a shipment number, a container, phytosanitary
certificate or bill of lading number, a growing area's or packing house's code, a GTIN) is
looked up in one statement, the first match winning in that order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from trace.db.models import Location, Lot, Pallet, Product, Shipment, node
from trace.domain.errors import Invalid, NotFound
from trace.gs1 import Gln, GS1Error, Gtin, Sscc
from trace.gs1.reading import Reading, element_string, read

# A plain code, in the order it is looked for (a lot code first), in one statement.
_PLAIN = text(
    "SELECT 1 AS rank, 'lot' AS kind, id FROM lot WHERE code = :code "
    "UNION ALL SELECT 2, 'pallet', id FROM pallet WHERE sscc = :sscc "
    "UNION ALL SELECT 3, 'place', id FROM location WHERE gln = :gln "
    "UNION ALL SELECT 4, 'shipment', id FROM shipment WHERE container_no = :container"
    " OR phyto_certificate_no = :code OR bill_of_lading = :code "
    "UNION ALL SELECT 5, 'shipment', id FROM shipment WHERE id = :shipment "
    "UNION ALL SELECT 6, 'place', location_id FROM location_code WHERE value = :code "
    "UNION ALL SELECT 7, 'product', id FROM product WHERE gtin = :gtin "
    "ORDER BY rank, id DESC"
)
_MODELS = {
    "lot": Lot,
    "carton": Lot,
    "pallet": Pallet,
    "place": Location,
    "shipment": Shipment,
    "product": Product,
}
_NODES = {"carton": "lot", "place": "location"}


@dataclass(frozen=True)
class Identified:
    """What a code names.

    Attributes:
        kind: ``lot``, ``carton`` (a lot and a serial), ``pallet``, ``place``, ``shipment`` or
            ``product`` (a GTIN without a lot).
        key: What it is known by: the lot code, the SSCC, the GLN or place code, the
            shipment's number, container or document number, the GTIN.
        id: Its row's id.
        reading: How the code was read, with its GS1 parts (``reading.parts``).
        ids: For a shipment, every shipment the number names, newest first (a container is
            used again); else ``(id,)``.
        row: The row, when looking it up fetched it (see `row`).
    """

    kind: str
    key: str
    id: int
    reading: Reading
    ids: tuple[int, ...] = ()
    row: Any = field(default=None, compare=False, repr=False)

    @property
    def parts(self) -> dict[str, str]:
        return self.reading.parts

    @property
    def serial(self) -> str | None:
        return self.parts.get("21")

    @property
    def node(self) -> str:
        """Its node in the trace graph, e.g. ``lot:12`` (a carton is its lot's)."""
        return node(_NODES.get(self.kind, self.kind), self.id)


def identify(session: Session, code: str) -> Identified:
    """What ``code`` names, in any form a scanner or a person gives it.

    Raises:
        Invalid: The code has a GS1 shape but is malformed (the `GS1Error`'s kind and params).
        NotFound: Nothing is known by it (``code.empty``, ``code.unknown``, ``lot.unknown``,
            ``code.lot_of_gtin``, ``pallet.unknown``, ``product.unknown_gtin``).
    """
    try:
        return find(session, read(code))
    except GS1Error as error:
        raise Invalid("code", str(error), kind=error.kind, **error.params) from None


def find(session: Session, reading: Reading) -> Identified:
    """What a code already read names (the public resolver reads first, to answer a malformed
    link with a 400 before it asks the database)."""
    if not reading.text:
        raise NotFound("nothing was scanned", kind="code.empty")
    if reading.parts:
        return _by_parts(session, reading)
    found = _plain(session, reading.text)
    if found is not None:
        return found
    again = element_string(reading.text)
    if again is not None:
        return _by_parts(session, again)
    if _sscc_shaped(reading.text):  # 18 digits that are no lot's code: an SSCC, or wrong
        raise _missing("pallet", Sscc.parse(reading.text).value, reading)
    raise NotFound(f"nothing is known by {reading.text!r}", kind="code.unknown", code=reading.text)


def _sscc_shaped(code: str) -> bool:
    return len(code) == 18 and code.isascii() and code.isdigit()


def _plain(session: Session, code: str) -> Identified | None:
    digits = code.isascii() and code.isdigit()
    sscc = _valid(Sscc, code) if len(code) == 18 else None
    gtin = _valid(Gtin, code)
    shape = {
        "code": code,
        "container": code.upper(),
        "sscc": sscc,
        "gln": _valid(Gln, code) if len(code) == 13 else None,
        "gtin": gtin,
        "shipment": int(code) if digits and len(code) <= 9 else None,
    }
    rows = session.execute(_PLAIN, shape).all()
    if not rows:
        return None
    first = rows[0]
    ids = tuple(r.id for r in rows if r.rank == first.rank)
    key = {"pallet": sscc, "product": gtin}.get(first.kind) or code
    return Identified(first.kind, key, first.id, Reading(code, "plain"), ids)


def _valid(key: type[Gtin] | type[Gln] | type[Sscc], code: str) -> str | None:
    try:
        return key.parse(code).value
    except GS1Error:
        return None


def _by_parts(session: Session, reading: Reading) -> Identified:
    parts = reading.parts
    if "00" in parts:
        return _found("pallet", parts["00"], find_pallet(session, Sscc(parts["00"])), reading)
    if "414" in parts:
        return _found("place", parts["414"], find_place(session, Gln(parts["414"])), reading)
    gtin = Gtin(parts["01"]) if "01" in parts else None
    if "10" in parts:
        kind = "carton" if "21" in parts else "lot"
        return _found(kind, parts["10"], find_lot(session, gtin, parts["10"]), reading)
    if gtin is not None:
        return _found("product", gtin.value, find_product(session, gtin), reading)
    raise NotFound(f"nothing is known by {reading.text!r}", kind="code.unknown", code=reading.text)


def _found(kind: str, key: str, found: Any, reading: Reading) -> Identified:
    if found is None:
        raise _missing(kind, key, reading)
    return Identified(kind, key, found.id, reading, (found.id,), found)


def _missing(kind: str, key: str, reading: Reading) -> NotFound:
    if kind == "pallet":
        return NotFound(f"no pallet with SSCC {key}", kind="pallet.unknown", sscc=key)
    if kind == "product":
        return NotFound(f"no product with GTIN {key}", kind="product.unknown_gtin", gtin=key)
    if kind in ("lot", "carton") and "01" in reading.parts:
        gtin = reading.parts["01"]
        return NotFound(f"no lot {key} of GTIN {gtin}", kind="code.lot_of_gtin", lot=key, gtin=gtin)
    if kind in ("lot", "carton"):
        return NotFound(f"no lot with code {key!r}", kind="lot.unknown", lot=key)
    return NotFound(f"nothing is known by {reading.text!r}", kind="code.unknown", code=reading.text)


def row(session: Session, found: Identified) -> Any:
    """The row a code names (the lot of a carton)."""
    return found.row if found.row is not None else session.get(_MODELS[found.kind], found.id)


def shipments(session: Session, found: Identified) -> list[Shipment]:
    """The shipments a shipment's number, container or document names, newest first."""
    return list(
        session.exec(
            select(Shipment)
            .where(col(Shipment.id).in_(found.ids))
            .order_by(col(Shipment.id).desc())
        )
    )


# --- finding a row by its GS1 key ------------------------------------------------------------


def find_product(session: Session, gtin: Gtin) -> Product | None:
    return session.exec(select(Product).where(Product.gtin == gtin.value)).first()


def find_lot(session: Session, gtin: Gtin | None, code: str) -> Lot | None:
    """The lot `code`; with a GTIN, only if it is a lot of that product."""
    query = select(Lot).where(Lot.code == code)
    if gtin is not None:
        query = query.join(Product, col(Product.id) == col(Lot.product_id)).where(
            Product.gtin == gtin.value
        )
    return session.exec(query).first()


def find_pallet(session: Session, sscc: Sscc) -> Pallet | None:
    return session.exec(select(Pallet).where(Pallet.sscc == sscc.value)).first()


def find_place(session: Session, gln: Gln) -> Location | None:
    return session.exec(select(Location).where(Location.gln == gln.value)).first()
