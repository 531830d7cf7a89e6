"""The public lookup: what a phone that scans a code may see, its linkset, and the scan counter.

Every page is a plain dict built from a whitelist of fields, never from a whole row: the
public sees places (name, commune, district, province, official codes), products, dates,
treatments, certificates, markets and a timeline, and never prices, people (users, crews,
inspectors), consignees, container or seal numbers, bills of lading or notes. New columns
or event fields stay private until they are added here.

No Flask: the views in `trace/lookup/` translate and render what these functions return.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import NamedTuple
from urllib.parse import quote

from sqlalchemy import Connection, bindparam, text
from sqlmodel import Session, select

from trace.db.graph import walk
from trace.db.models import (
    Event,
    EventRef,
    Location,
    LocationCode,
    Lot,
    Pallet,
    PalletContent,
    Product,
    Scan,
    ScanCounter,
    Shipment,
    node,
)
from trace.domain.masterdata import location_state
from trace.gs1 import GS1Error, digital_link

from . import masterdata

# Kinds of location a public page may name. Importers are consignees: never shown.
PUBLIC_PLACES = frozenset(
    {"orchard", "packing_house", "treatment_facility", "exporter", "port", "cold_store"}
)
# Event kinds a timeline shows, in words the templates translate.
TIMELINE_KINDS = frozenset(
    {
        "harvest",
        "receive",
        "cool",
        "treat",
        "wash",
        "grade",
        "store",
        "inspect",
        "pack",
        "palletise",
        "load",
        "ship",
        "cross",
        "arrive",
    }
)
# Query-string attributes that are dates (YYMMDD, DD may be 00): GS1 General Specifications
# 3.4.2-3.4.7 (AIs 11, 12, 13, 15, 16, 17).
DATE_ATTRIBUTES = frozenset({"11", "12", "13", "15", "16", "17"})

GS1_VOC = "https://ref.gs1.org/voc/"
# Older and CURIE spellings of the same link types that clients send as ?linkType=.
_VOC_PREFIXES = ("gs1:", "https://ref.gs1.org/voc/", "https://gs1.org/voc/", "http://gs1.org/voc/")


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
    params: dict = field(default_factory=dict)
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


# --- the pages' data ---------------------------------------------------------------------


def _tz(offset: str) -> timezone:
    sign = -1 if offset.startswith("-") else 1
    hours, _, minutes = offset.lstrip("+-").partition(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes or 0)))


def _road(shipment: Shipment, crossed_at: datetime | None) -> dict:
    """How a shipment travels, for the public page: by road, its border gate and when the truck
    crossed (never the truck's plates: they are the carrier's business)."""
    return {
        "conveyance": shipment.conveyance,
        "border_gate": shipment.border_gate,
        "crossed_at": crossed_at,
    }


def _local(moment: datetime | None, offset: str = "+07:00") -> datetime | None:
    """An instant as the clock showed it where it happened (Vietnam unless the event says)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_tz(offset))


def _place(location: Location | None, codes: list[LocationCode], markets: set[str]) -> dict | None:
    """A location as the public sees it; None for a consignee or nothing."""
    if location is None:
        return None
    state = location_state(location.model_dump(), [c.model_dump() for c in codes])
    return _shown(state, markets)


def _shown(state: dict | None, markets: set[str]) -> dict | None:
    """A place's state (its current row or a master-data version) as the public sees it."""
    if state is None or state["kind"] not in PUBLIC_PLACES:
        return None
    address = state["address"] or {}
    wanted = [c for c in state["codes"] if c["status"] == "active"]
    if markets:  # the codes that matter for where this fruit went
        wanted = [c for c in wanted if c["market"] in markets] or wanted
    return {
        "name": state["name"],
        "kind": state["kind"],
        "gln": state["gln"],
        "commune": address.get("commune"),
        "district": address.get("district"),
        "province": address.get("province"),
        "country": address.get("country"),
        "codes": [
            {"scheme": c["scheme"], "value": c["value"], "market": c["market"]} for c in wanted
        ],
    }


class _Then:
    """The public view of places and products as they were at each moment asked (one query for
    all the versions of the places and products a page names, each place version shown once)."""

    def __init__(
        self, session: Session, ids: set[int], markets: set[str], products: set[int] = frozenset()
    ):
        self.history = masterdata.history(session, ids, products)
        self.markets = markets
        self._shown: dict[int, dict | None] = {}

    def at(self, ident: int | None, moment: datetime | None) -> dict | None:
        state = self.history.location(ident, moment)
        if state is None:
            return None
        key = id(state)
        if key not in self._shown:
            self._shown[key] = _shown(state, self.markets)
        return self._shown[key]

    def product(self, ident: int | None, moment: datetime | None) -> dict | None:
        return _product(self.history.product(ident, moment))


def _places(session: Session, ids: set[int], markets: set[str]) -> dict[int, dict]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    locations = session.exec(select(Location).where(Location.id.in_(ids))).all()
    codes: dict[int, list[LocationCode]] = {i: [] for i in ids}
    for code in session.exec(
        select(LocationCode).where(LocationCode.location_id.in_(ids)).order_by(LocationCode.id)
    ):
        codes[code.location_id].append(code)
    out = {}
    for location in locations:
        shown = _place(location, codes[location.id], markets)
        if shown is not None:
            out[location.id] = shown
    return out


def _product(state: dict | None) -> dict | None:
    """A product's state (its current row or a master-data version) as the public sees it."""
    if state is None:
        return None
    return {
        "gtin": state["gtin"],
        "name": dict(state["name"] or {}),
        "commodity": state["commodity"],
        "variety": state["variety"],
        "net_weight_kg": state["net_weight_kg"],
    }


def product_page(session: Session, product: Product) -> dict:
    """A trade item without a lot: what it is now (scan a carton's full code for its history)."""
    return {"product": _product(masterdata.state_of_product(product))}


def _corrected(session: Session, events: list[Event]) -> dict[int, dict]:
    """Each event's data with its corrections applied (the original stays in the log)."""
    data = {e.id: dict(e.data or {}) for e in events}
    if data:
        fixes = session.exec(
            select(Event).where(Event.corrects_id.in_(list(data))).order_by(Event.id)
        )
        for fix in fixes:
            data[fix.corrects_id].update((fix.data or {}).get("changes", {}))
            data[fix.corrects_id]["_corrected"] = True
    return data


def _chain(session: Session, lot: Lot) -> dict:
    """The lot's graph neighbourhood: upstream lots and orchards, downstream pallets, shipments."""
    start = node("lot", lot.id)
    up = walk(session, [start], "backward")
    down = walk(session, [start], "forward")
    ids: dict[str, set[int]] = {
        "lot": {lot.id},
        "location": set(),
        "pallet": set(),
        "shipment": set(),
    }
    for edge in up:
        for name in (edge.src, edge.dst):
            kind, _, ident = name.partition(":")
            if kind in ("lot", "location"):
                ids[kind].add(int(ident))
    for edge in down:  # a repack's lots downstream are another product's story
        kind, _, ident = edge.dst.partition(":")
        if kind in ("pallet", "shipment"):
            ids[kind].add(int(ident))
    return ids


def _events(session: Session, lot: Lot, chain: dict, lots: list[Lot]) -> list[tuple[Event, dict]]:
    """The events of the lot's story, with corrected data, in the order they happened."""
    own = {node("lot", lot.id)}
    own |= {node("pallet", i) for i in chain["pallet"]}
    own |= {node("shipment", i) for i in chain["shipment"]}
    upstream = {node("lot", i) for i in chain["lot"] - {lot.id}}
    refs: dict[int, set[str]] = {}
    for event_id, name in session.exec(
        select(EventRef.event_id, EventRef.node).where(EventRef.node.in_(own | upstream))
    ):
        refs.setdefault(event_id, set()).add(name)
    if not refs:
        return []
    events = list(
        session.exec(
            select(Event).where(Event.id.in_(list(refs))).order_by(Event.event_time, Event.id)
        )
    )
    codes = {other.code for other in lots}
    kept = []
    for event in events:
        if event.type not in TIMELINE_KINDS:
            continue
        if (
            event.type == "pack"
        ):  # the packings that made this lot or used it, not its inputs' other ones
            outputs = {o.get("lot") for o in (event.data or {}).get("outputs", [])}
            if not outputs & codes and node("lot", lot.id) not in refs[event.id]:
                continue
        elif not refs[event.id] & own and event.event_time > lot.created_at:
            continue  # what happened to an input lot's rest after this lot was packed
        kept.append(event)
    data = _corrected(session, kept)
    return [(event, data[event.id]) for event in kept]


@dataclass(frozen=True)
class Story:
    """A lot's public view and what it was read from, so a copy of it can be kept.

    `nodes` are the lots, pallets and shipments whose events the view shows; `as_of` the last
    event recorded before it was read. The view stays true until an event after `as_of` names
    one of `nodes` (a new pallet or shipment of the lot, a correction or a hold names the lot
    or a pallet of it too: see `changed_since`) or a place or product is changed (`revision`).
    """

    view: dict
    nodes: frozenset[str]
    as_of: int
    master_data: int  # the revision of places and products it was read at


def lot_page(session: Session, lot: Lot) -> dict:
    """Everything a shopper, a buyer or an inspector may see about one lot, and its timeline."""
    return lot_story(session, lot).view


def lot_story(session: Session, lot: Lot) -> Story:
    """The lot's public view (`lot_page`) with the nodes and the last event it was read from."""
    # Read first: an event recorded while the view is read has a larger id (writers take ids
    # under the chain lock), so the copy is never believed newer than it is.
    as_of, master_data = revision(session.connection())
    chain = _chain(session, lot)
    nodes = frozenset(
        node(kind, ident) for kind in ("lot", "pallet", "shipment") for ident in chain[kind]
    )
    return Story(_lot_view(session, lot, chain), nodes, as_of, master_data)


# The two questions a kept copy of a lot's page asks before it is used again: plain SQL, as they
# run on every scan (an ORM statement would cost more to build than to run).
_REVISION = text(
    "SELECT (SELECT max(id) FROM event), (SELECT value FROM counter WHERE name = :name)"
).bindparams(name=masterdata.REVISION)
_NEWER_EVENT = text(
    "SELECT 1 FROM event_ref WHERE node IN :nodes AND event_id > :as_of LIMIT 1"
).bindparams(bindparam("nodes", expanding=True))


def revision(connection: Connection) -> tuple[int, int]:
    """The last event recorded and how often places and products were changed (0s for none):
    two index lookups in one statement."""
    last, changes = connection.execute(_REVISION).one()
    return last or 0, changes or 0


def changed_since(connection: Connection, nodes: frozenset[str], as_of: int) -> bool:
    """Was an event recorded after event `as_of` that names one of `nodes`? (One indexed query.)"""
    found = connection.execute(_NEWER_EVENT, {"nodes": list(nodes), "as_of": as_of})
    return found.first() is not None


def _lot_view(session: Session, lot: Lot, chain: dict) -> dict:
    lots = list(session.exec(select(Lot).where(Lot.id.in_(chain["lot"]))))
    shipments = list(
        session.exec(
            select(Shipment).where(Shipment.id.in_(chain["shipment"])).order_by(Shipment.id)
        )
    )
    markets = {s.market for s in shipments}
    events = _events(session, lot, chain, lots)
    place_ids = set(chain["location"]) | {x.orchard_id for x in lots}
    place_ids |= {e.biz_location_id for e, _ in events} | {s.exporter_id for s in shipments}
    # Each event names its places as they were when it happened (a past harvest keeps the
    # orchard's name and codes of its day), the product is the one packed and the exporter the
    # one that loaded the shipment: all their versions in one query.
    products = {lot.product_id} if lot.product_id else set()
    then = _Then(session, {i for i in place_ids if i is not None}, markets, products)
    harvested_at = {
        item.get("lot"): event.event_time
        for event, data in events
        if event.type == "harvest"
        for item in data.get("quantities", [])[:1]
    }

    orchards: dict[int, dict] = {}
    for harvest in sorted((x for x in lots if x.kind == "harvest"), key=lambda x: x.produced_on):
        orchard = then.at(harvest.orchard_id, harvested_at.get(harvest.code, harvest.created_at))
        if orchard is not None:
            key = (harvest.orchard_id, orchard["name"])
            entry = orchards.setdefault(key, {**orchard, "harvested_on": []})
            if harvest.produced_on not in entry["harvested_on"]:
                entry["harvested_on"].append(harvest.produced_on)

    timeline, treatments, certificates = [], [], []
    packing = None
    packed_at = lot.created_at
    departures: dict[int, dict] = {}
    crossings: dict[int, datetime] = {}
    loaded_at: dict[int, datetime] = {}
    for event, data in events:
        at = _local(event.event_time, event.tz_offset)
        place = then.at(event.biz_location_id, event.event_time)
        entry = {"kind": event.type, "at": at, "place": place, "corrected": "_corrected" in data}
        if event.type in ("cool", "store"):
            entry["temperature_c"] = data.get("temperature_c")
        elif event.type == "grade":
            entry["size_classes"] = [g["size_class"] for g in data.get("grades", [])]
        elif event.type == "treat":
            entry["method"] = data.get("method")
            treatment = {
                "method": data.get("method"),
                "facility": place,
                "at": at,
                "certificate_no": data.get("certificate_no"),
            }
            if treatment not in treatments:  # two input lots treated in one batch
                treatments.append(treatment)
        elif event.type == "inspect":
            entry["passed"] = data.get("result") == "pass"
        elif event.type == "pack":
            outputs = {o.get("lot") for o in data.get("outputs", [])}
            if lot.code in outputs:
                packing = {"house": place, "at": at, "packed_on": lot.produced_on}
                packed_at = event.event_time
        elif event.type in ("load", "ship", "cross", "arrive"):
            shipment_id = data.get("shipment_id")
            market = data.get("market") or next(
                (s.market for s in shipments if s.id == shipment_id), None
            )
            entry["market"] = market
            if event.type == "load":
                loaded_at.setdefault(shipment_id, event.event_time)
            if event.type == "arrive":
                entry["place"] = None  # the consignee's premises
            if event.type == "ship":
                port = place if place and place["kind"] == "port" else None
                departures[shipment_id] = {"at": at, "port": port}
            if event.type == "cross":
                entry["gate"] = data.get("border_gate")
                crossings[shipment_id] = at
        if entry not in timeline:
            timeline.append(entry)

    for treatment in treatments:
        if treatment["certificate_no"]:
            certificates.append(
                {
                    "kind": "treatment",
                    "method": treatment["method"],
                    "number": treatment["certificate_no"],
                }
            )
    shipped = []
    for shipment in shipments:
        departure = departures.get(shipment.id, {})
        shipped.append(
            {
                "market": shipment.market,
                "status": shipment.status,
                "departed_at": departure.get("at") or _local(shipment.departed_at),
                "port": departure.get("port"),
                **_road(shipment, crossings.get(shipment.id)),
                "arrived_at": _local(shipment.arrived_at),
                "exporter": then.at(
                    shipment.exporter_id, loaded_at.get(shipment.id, shipment.created_at)
                ),
            }
        )
        if shipment.phyto_certificate_no:
            certificates.append(
                {
                    "kind": "phytosanitary",
                    "market": shipment.market,
                    "number": shipment.phyto_certificate_no,
                }
            )
    return {
        "lot": {"code": lot.code, "kind": lot.kind, "produced_on": lot.produced_on},
        "product": then.product(lot.product_id, packed_at),
        "commodity": lot.commodity,
        "variety": lot.variety,
        "orchards": list(orchards.values()),
        "packing": packing,
        "treatments": treatments,
        "shipments": shipped,
        "certificates": certificates,
        "timeline": timeline,
        "on_hold": lot.on_hold,
        "exporter_contact": masterdata.consumer_contact(
            session, [s.exporter_id for s in shipments]
        ),
    }


def pallet_page(session: Session, pallet: Pallet) -> dict:
    """A pallet (SSCC): where it was built, the lots on it, and where it went."""
    rows = session.exec(
        select(Lot, PalletContent.cartons, Product.gtin)
        .join(PalletContent, PalletContent.lot_id == Lot.id)
        .join(Product, Product.id == Lot.product_id, isouter=True)
        .where(PalletContent.pallet_id == pallet.id)
        .order_by(Lot.code)
    ).all()
    shipment = session.get(Shipment, pallet.shipment_id) if pallet.shipment_id else None
    markets = {shipment.market} if shipment else set()
    ids = {pallet.location_id} | ({shipment.exporter_id} if shipment else set())
    # The packing house as it was when the pallet was built, each product as it was packed,
    # the exporter as it was when the shipment was made: all their versions in one query.
    products = {lot.product_id for lot, _, _ in rows if lot.product_id}
    then = _Then(session, ids, markets, products)
    lots = []
    for lot, cartons, gtin in rows:
        product = then.product(lot.product_id, lot.created_at)
        lots.append(
            {
                "code": lot.code,
                "gtin": gtin,
                "path": lot_path(lot.code, gtin),
                "cartons": cartons,
                "packed_on": lot.produced_on,
                "product": product,
                "commodity": lot.commodity,
                "variety": lot.variety,
            }
        )
    return {
        "pallet": {
            "sscc": pallet.sscc,
            "cartons": pallet.cartons,
            "built_at": _local(pallet.created_at),
        },
        "house": then.at(pallet.location_id, pallet.created_at),
        "lots": lots,
        "shipment": {
            "market": shipment.market,
            "status": shipment.status,
            "departed_at": _local(shipment.departed_at),
            **_road(shipment, _local(shipment.crossed_at)),
            "arrived_at": _local(shipment.arrived_at),
            "exporter": then.at(shipment.exporter_id, shipment.created_at),
        }
        if shipment
        else None,
    }


def place_page(session: Session, place: Location) -> dict:
    """A public location (GLN): what it is, where, and the official codes it holds."""
    return {"place": _places(session, {place.id}, set())[place.id]}


# --- genuineness: who opened a carton's page, once per person and day ----------------------------


class Scans(NamedTuple):
    """How many people opened a carton's page (one per client and day), first and latest."""

    count: int
    first_at: datetime | None
    last_at: datetime | None


# Insert-if-absent: one row per carton and client-day; RETURNING says whether it is new. The same
# on SQLite (3.35+) and PostgreSQL; two requests of one client at once add one row.
_ADD_SCAN = text(
    "INSERT INTO scan (gtin, lot, serial, client, at) VALUES (:gtin, :lot, :serial, :client, "
    ":when) ON CONFLICT (gtin, lot, serial, client) DO NOTHING RETURNING 1"
).bindparams(bindparam("when", type_=Scan.__table__.c.at.type))
# A new client-day bumps the carton's summary row (or makes it), in the same transaction.
_BUMP = text(
    "INSERT INTO scan_counter (gtin, lot, serial, count, first_at, last_at) "
    "VALUES (:gtin, :lot, :serial, 1, :when, :when) "
    "ON CONFLICT (gtin, lot, serial) "
    "DO UPDATE SET count = scan_counter.count + 1, last_at = :when"
).bindparams(bindparam("when", type_=ScanCounter.__table__.c.first_at.type))
_SCANS = text(
    "SELECT count, first_at, last_at FROM scan_counter "
    "WHERE gtin = :gtin AND lot = :lot AND serial = :serial"
).columns(
    count=ScanCounter.__table__.c.count.type,
    first_at=ScanCounter.__table__.c.first_at.type,
    last_at=ScanCounter.__table__.c.last_at.type,
)


def client_day(salt: str, address: str, agent: str) -> str:
    """Who opened a page, as far as counting needs: a hash of the address and user agent salted
    with the day's random salt (never the address itself; unlinkable once the salt is gone)."""
    digest = hashlib.sha256(f"{salt}\0{address}\0{agent}".encode("utf-8", "replace"))
    return digest.hexdigest()[:32]


def day_salt(session: Session, day: date) -> str:
    """The random salt of client hashes on `day` (UTC), made by whichever worker asks first;
    salts of days before yesterday are deleted. Commits."""
    try:
        connection = session.connection()
        connection.execute(
            text("INSERT INTO scan_salt (day, salt) VALUES (:day, :salt) ON CONFLICT DO NOTHING"),
            {"day": day, "salt": secrets.token_hex(32)},
        )
        salt = connection.execute(
            text("SELECT salt FROM scan_salt WHERE day = :day"), {"day": day}
        ).scalar_one()
        connection.execute(
            text("DELETE FROM scan_salt WHERE day < :before"), {"before": day - timedelta(days=1)}
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return salt


def count_scan(
    session: Session,
    gtin: str,
    lot: str,
    serial: str,
    client: str,
    when: datetime | None = None,
) -> tuple[bool, Scans]:
    """Count a person (`client_day`) opening a carton's page, once a day; return whether this
    was a new client-day and the carton's scans. One transaction: the scan row if absent and,
    if it was, the carton's count; never a count lost or counted twice, on either database.
    (The public pages count in groups, through `trace.services.scan_groups`.)"""
    try:
        counted = count_in(session.connection(), gtin, lot, serial, client, when)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return counted


def count_in(
    connection: Connection,
    gtin: str,
    lot: str,
    serial: str,
    client: str,
    when: datetime | None = None,
) -> tuple[bool, Scans]:
    """`count_scan`'s statements in the caller's transaction, which commits them."""
    when = when or datetime.now(UTC)
    values = {"gtin": gtin, "lot": lot, "serial": serial, "client": client, "when": when}
    new = connection.execute(_ADD_SCAN, values).first() is not None
    if new:
        connection.execute(_BUMP, values)
    return new, _read_scans(connection, gtin, lot, serial)


def scans_of(session: Session, gtin: str, lot: str, serial: str) -> Scans:
    """How many people opened a carton's page and when, without counting."""
    return _read_scans(session.connection(), gtin, lot, serial)


def _read_scans(connection: Connection, gtin: str, lot: str, serial: str) -> Scans:
    row = connection.execute(_SCANS, {"gtin": gtin, "lot": lot, "serial": serial}).first()
    if row is None:
        return Scans(0, None, None)
    return Scans(row.count, _local(row.first_at), _local(row.last_at))


def copied(scans: Scans, most_people: int, most_days: int) -> str | None:
    """Why a printed carton's label may have been copied: `people` (more than `most_people`
    client-days opened it) or `days` (people opened it more than `most_days` days apart, longer
    than fresh produce keeps); None when neither."""
    if scans.count > most_people:
        return "people"
    if scans.count > 1 and scans.last_at - scans.first_at > timedelta(days=most_days):
        return "days"
    return None


def carton_check(
    serial: str, status: dict, scans: Scans | None, most_people: int, most_days: int
) -> dict:
    """Is this carton's label genuine? Printed for this lot (`labels.serial_status`), and not
    opened by suspiciously many people or over too long a time. `scans` only for a printed one."""
    return {
        "serial": serial,
        "status": status["status"],  # printed | other_lot | never_printed
        "other_lot": status.get("lot"),
        "printed_at": _local(status.get("printed_at")),
        "scans": scans.count if scans else 0,
        "first_scan": scans.first_at if scans else None,
        "copied": copied(scans, most_people, most_days) if scans else None,
        "most_people": most_people,
        "most_days": most_days,
    }


# --- the linkset (RFC 9264, GS1 Digital Link resolver) -----------------------------------------


def link_type(name: str) -> str | None:
    """``gs1:epcis``, ``https://gs1.org/voc/epcis`` … → ``https://ref.gs1.org/voc/epcis``."""
    for prefix in _VOC_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            term = name[len(prefix) :]
            if re.fullmatch(r"[A-Za-z]+", term):
                return GS1_VOC + term
    return None


def gtin_path(gtin: str, lot: str | None = None, serial: str | None = None) -> str:
    return digital_link("", gtin, lot, serial)


def lot_path(lot_code: str, gtin: str | None) -> str:
    """Where a lot's page lives: its Digital Link, or /t/{code} for a product without GTIN."""
    return gtin_path(gtin, lot_code) if gtin else f"/t/{quote(lot_code, safe='')}"


def _link(href: str, title: str, kind: str | None = "text/html", langs=None) -> dict:
    link = {"href": href, "title": title}
    if kind:
        link["type"] = kind
    if langs:
        link["hreflang"] = list(langs)
    return link


def _pages(anchor: str, title: str, languages: list[str]) -> list[dict]:
    """The HTML page of an anchor, once per language (the resolver picks by Accept-Language).

    GS1's linkset schema takes a language or language-region as hreflang (``zh``, ``en-GB``),
    not a script: a ``zh-Hans`` page is announced as ``zh``."""
    return [
        _link(f"{anchor}?lang={lang}", f"{title} ({lang})", langs=[lang.split("-")[0]])
        for lang in languages
    ]


def linkset(
    base: str,
    languages: list[str],
    *,
    product: dict | None = None,
    lot: dict | None = None,
    serial: str | None = None,
    pallet: dict | None = None,
    place: dict | None = None,
    gtin: str | None = None,
) -> dict:
    """The links of a code and of every level above it (carton → lot → product).

    The default link of each anchor is its own HTML page (the resolver serves it in place);
    the same page is also typed gs1:pip (product) or gs1:traceability (lot, carton, pallet).
    """
    entries = []
    name = (product or {}).get("name") or {}
    item = name.get("en") or next(iter(name.values()), None) or (product or {}).get("commodity")
    if pallet is not None:
        anchor = f"{base}/00/{pallet['pallet']['sscc']}"
        entries.append(
            {
                "anchor": anchor,
                "itemDescription": f"Pallet {pallet['pallet']['sscc']}",
                GS1_VOC + "traceability": _pages(anchor, "Where this pallet came from", languages),
                GS1_VOC + "defaultLink": [_link(anchor, "Where this pallet came from", None)],
            }
        )
    if place is not None:
        anchor = f"{base}/414/{place['place']['gln']}"
        entries.append(
            {
                "anchor": anchor,
                "itemDescription": place["place"]["name"],
                GS1_VOC + "locationInfo": _pages(anchor, place["place"]["name"], languages),
                GS1_VOC + "defaultLink": [_link(anchor, place["place"]["name"], None)],
            }
        )
    if lot is not None:
        code = lot["lot"]["code"]
        what = item or lot["commodity"]
        lot_anchor = base + lot_path(code, gtin)
        if serial is not None:
            anchor = base + gtin_path(gtin, code, serial)
            title = f"{what}, lot {code}, carton {serial}"
            entries.append(
                {
                    "anchor": anchor,
                    "itemDescription": title,
                    GS1_VOC + "traceability": _pages(anchor, "History and label check", languages),
                    GS1_VOC + "defaultLink": [_link(anchor, "History and label check", None)],
                }
            )
        links = {
            "anchor": lot_anchor,
            "itemDescription": f"{what}, lot {code}",
            GS1_VOC + "traceability": _pages(lot_anchor, "Where and when it was grown", languages),
            GS1_VOC + "epcis": [
                _link(
                    f"{base}/api/v1/exports/epcis?lot={quote(code, safe='')}",
                    f"EPCIS 2.0 events of lot {code}",
                    "application/ld+json",
                )
            ],
            # The keys that sign the exporter's evidence (signed EPCIS exports): how an importer
            # checks them (docs/epcis.md, "Verifying evidence").
            "describedby": [
                _link(
                    f"{base}/.well-known/trace-keys.json",
                    "Keys that sign this exporter's evidence",
                    "application/json",
                )
            ],
        }
        certificates = [
            _link(
                f"{lot_anchor}#certificates",
                f"{'Phytosanitary' if c['kind'] == 'phytosanitary' else 'Treatment'} certificate {c['number']}",
            )
            for c in lot["certificates"]
        ]
        if certificates:
            links[GS1_VOC + "certificationInfo"] = certificates
        links[GS1_VOC + "defaultLink"] = [_link(lot_anchor, "Where and when it was grown", None)]
        entries.append(links)
    if product is not None and gtin is not None:
        anchor = f"{base}/01/{gtin}"
        entries.append(
            {
                "anchor": anchor,
                "itemDescription": item or gtin,
                GS1_VOC + "pip": _pages(anchor, item or "Product information", languages),
                GS1_VOC + "defaultLink": [_link(anchor, item or "Product information", None)],
            }
        )
    return {"linkset": entries}


def find_link(links: dict, wanted: str, language: str) -> dict | None:
    """The link of type `wanted` for the most specific anchor that has one, in `language`
    if there is a link in it."""
    for entry in links["linkset"]:
        candidates = entry.get(wanted)
        if candidates:
            for link in candidates:
                if {language, language.split("-")[0]} & set(link.get("hreflang", [])):
                    return link
            return candidates[0]
    return None
