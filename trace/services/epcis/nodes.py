"""Captured events linked to what they name of ours: lots, pallets and places by GS1 key, and
the check that an importer names only what its own shipments carried."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

from sqlmodel import Session, col, select

from trace.db.graph import walk
from trace.db.models import (
    CartonSerial,
    LabelJob,
    Location,
    Lot,
    Pallet,
    Product,
    Shipment,
    User,
    node,
)
from trace.domain.epcis_capture import Captured
from trace.domain.epcis_ids import GS1, Names, canonical_id
from trace.gs1.serials import is_random_serial, numbered_serial

from ..common import existing
from .held import Write
from .mapping import chunks, stored_id


def unknown_places(
    session: Session, writes: list[Write], nodes: dict[str, str], names: Names
) -> list[dict[str, Any]]:
    """Places and parties named by URIs under our own base (`{base}/id/location/…`) that we
    do not hold: refused, naming the URI (a foreign URI is the partner's own identifier)."""
    prefix = f"{names.base_url}/id/location/"
    named: list[tuple[int, str, str]] = []
    for index, item, _ in writes:
        if not isinstance(item, Captured):  # a declaration names nothing new
            continue
        event = item.event
        for key in ("readPoint", "bizLocation"):
            where = event.get(key)
            if isinstance(where, dict) and isinstance(where.get("id"), str):
                named.append((index, key, where["id"]))
        for key, field in (("sourceList", "source"), ("destinationList", "destination")):
            for i, entry in enumerate(event.get(key) or []):
                if isinstance(entry, dict) and isinstance(entry.get(field), str):
                    named.append((index, f"{key}[{i}].{field}", entry[field]))
    ours = {uri for _, _, uri in named if uri.startswith(prefix)}
    missing = ours - nodes.keys()
    if missing:  # sources and destinations are not among an event's identifiers
        missing -= resolve_nodes(session, missing, names).keys()
    return [
        {
            "index": index,
            "reason": f"{where} {uri} is under this repository's own base, but no place or "
            "party of ours has that identifier",
        }
        for index, where, uri in named
        if uri in missing
    ]


def outside_importer_scope(
    session: Session,
    actor: User,
    writes: list[Write],
    canonical: list[set[str]],
    nodes: dict[str, str],
) -> list[dict[str, Any]]:
    """What an importer's events may not name (docs/epcis.md, "Who may capture what"): our lots
    and pallets other than those of the shipments consigned to it (and upstream of them, what
    it may export), and, as readPoint or bizLocation, our places other than its own and ports.
    """
    shipments = [
        node("shipment", stored_id(ident))
        for ident in session.exec(
            select(Shipment.id).where(Shipment.consignee_id == actor.location_id)
        )
    ]
    edges = walk(session, shipments, "backward")
    things = set(shipments) | {e.src for e in edges} | {e.dst for e in edges}
    ports = session.exec(select(Location.id).where(Location.kind == "port")).all()
    own_places = {actor.location_id, *ports}
    kept = iter(canonical)
    out: list[dict[str, Any]] = []
    for index, item, _ in writes:
        if not isinstance(item, Captured):  # a declaration names nothing new
            continue
        uris = next(kept)
        reason = None
        for uri in sorted(uris):
            found = nodes.get(uri)
            if found is None or found.startswith("location:") or found in things:
                continue
            what = "lot" if found.startswith("lot:") else "pallet"
            reason = (
                f"names {uri}, one of our {what}s that is not on a shipment consigned to you: "
                "an importer captures events about its own shipments only"
            )
            break
        for key in ("readPoint", "bizLocation"):
            place = our_place(item.event.get(key), nodes)
            if reason is None and place is not None and place not in own_places:
                name = existing(session, Location, kind="location.unknown", id=place).name
                reason = (
                    f"its {key} {item.event[key]['id']} is {name}, not your place: an importer "
                    "captures events at its own place (or a port)"
                )
        if reason:
            out.append({"index": index, "reason": reason})
    return out


def our_place(where: Any, nodes: dict[str, str]) -> int | None:
    if not isinstance(where, dict) or not where.get("id"):
        return None
    found = nodes.get(canonical_id(where["id"]), "")
    return int(found.split(":")[1]) if found.startswith("location:") else None


def _lot_of_serial(session: Session, gtin: str, serial: str) -> int | None:
    """The lot whose carton was printed with `serial` (a random serial, or an old job's number
    in its one spelling)."""
    if is_random_serial(serial):
        return session.exec(
            select(CartonSerial.lot_id)
            .join(Product, col(Product.id) == CartonSerial.product_id)
            .where(Product.gtin == gtin, CartonSerial.serial == serial)
        ).first()
    number = numbered_serial(serial)
    if number is None:
        return None
    return session.exec(
        select(LabelJob.lot_id)
        .join(Product, col(Product.id) == LabelJob.product_id)
        .where(
            Product.gtin == gtin,
            LabelJob.kind == "carton",
            col(LabelJob.random_serials).is_(False),
            col(LabelJob.serial_first) <= number,
            col(LabelJob.serial_last) >= number,
            col(LabelJob.lot_id).is_not(None),
        )
    ).first()


@dataclasses.dataclass
class _Keys:
    """Canonical identifiers sorted by the key they name one of ours by: `{key: [uri, …]}`."""

    lots: dict[tuple[str, str], list[str]] = dataclasses.field(
        default_factory=lambda: defaultdict(list)
    )
    serials: dict[tuple[str, str], list[str]] = dataclasses.field(
        default_factory=lambda: defaultdict(list)
    )
    own_lots: dict[str, list[str]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    ssccs: dict[str, list[str]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    glns: dict[str, list[str]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    own_places: dict[int, list[str]] = dataclasses.field(default_factory=lambda: defaultdict(list))


def _by_key(uris: Iterable[str], names: Names) -> _Keys:
    """`uris` sorted by what they name: (GTIN, lot), (GTIN, serial), SSCC, GLN, or our own lot
    code or location id; the rest left out."""
    keys = _Keys()
    gs1, after = f"{GS1}/", len(GS1) + 1
    for uri in uris:
        if uri.startswith(gs1):
            parts = uri[after:].split("/")
            if parts[0] == "01" and len(parts) == 4 and parts[2] == "10":
                keys.lots[(parts[1], unquote(parts[3]))].append(uri)
            elif parts[0] == "01" and len(parts) == 4 and parts[2] == "21":
                keys.serials[(parts[1], unquote(parts[3]))].append(uri)
            elif parts[0] == "00" and len(parts) == 2:
                keys.ssccs[parts[1]].append(uri)
            elif parts[0] in ("414", "417") and len(parts) == 2:
                keys.glns[parts[1]].append(uri)
        else:
            own = names.own(uri)
            if own and own[0] == "lot":
                keys.own_lots[own[1]].append(uri)
            elif own and own[0] == "location" and own[1].isdigit() and len(own[1]) < 10:
                keys.own_places[int(own[1])].append(uri)
    return keys


def resolve_nodes(session: Session, uris: Iterable[str], names: Names) -> dict[str, str]:
    """Which of our lots, pallets and places canonical identifiers name: `{uri: node}`.

    A lot by its Digital Link (GTIN + lot) or our own lot URI; a carton (GTIN + serial) by
    the label job that printed its serial; a pallet by its SSCC; a place by its GLN or our own
    location URI.
    """
    keys = _by_key(uris, names)
    lots, serials, own_lots = keys.lots, keys.serials, keys.own_lots
    ssccs, glns, own_places = keys.ssccs, keys.glns, keys.own_places
    out: dict[str, str] = {}
    if lots or serials:  # only a GTIN of one of our products can name our lot or carton
        gtins = set(session.exec(select(Product.gtin).where(col(Product.gtin).is_not(None))))
        lots = {key: found for key, found in lots.items() if key[0] in gtins}
        serials = {key: found for key, found in serials.items() if key[0] in gtins}
    codes = {code for _, code in lots} | set(own_lots)
    for chunk in chunks(codes):
        for lot_id, code, gtin in session.exec(
            select(Lot.id, Lot.code, Product.gtin)
            .join(Product, col(Product.id) == Lot.product_id, isouter=True)
            .where(col(Lot.code).in_(chunk))
        ):
            by_gtin = lots.get((gtin, code), []) if gtin is not None else []
            for uri in by_gtin + own_lots.get(code, []):
                out[uri] = node("lot", stored_id(lot_id))
    for (gtin, serial), found in serials.items():
        lot_id = _lot_of_serial(session, gtin, serial)
        if lot_id:
            out.update(dict.fromkeys(found, node("lot", lot_id)))
    for chunk in chunks(ssccs):
        for pallet_id, sscc in session.exec(
            select(Pallet.id, Pallet.sscc).where(col(Pallet.sscc).in_(chunk))
        ):
            out.update(dict.fromkeys(ssccs[sscc], node("pallet", stored_id(pallet_id))))
    for ids in chunks(own_places):  # only a place we hold: an id is no proof of one
        for row_id in session.exec(select(Location.id).where(col(Location.id).in_(ids))):
            place_id = stored_id(row_id)
            out.update(dict.fromkeys(own_places[place_id], node("location", place_id)))
    for chunk in chunks(glns):
        for row_id, gln in session.exec(
            select(Location.id, Location.gln).where(col(Location.gln).in_(chunk))
        ):
            if gln is not None:  # IN (…) matches no NULL
                out.update(dict.fromkeys(glns[gln], node("location", stored_id(row_id))))
    return out
