"""FDA FSMA 204 electronic sortable spreadsheet: one row per critical tracking event (per
traceability lot), with the key data elements of 21 CFR 1.1325–1.1350, as CSV and XLSX.

The rows are built from the same log and scope as the EPCIS export (`services/epcis/export.py`): two
views of one record. A shipment carrying two lots is two shipping rows (the rule keeps KDEs per
traceability lot). Columns are named as the rule names the KDEs; `GLOSSARY` says, for each,
which paragraph asks for it and what trace writes there; the XLSX carries it as a second sheet,
the CSV as its own file (`/exports/fsma204-glossary.csv`), so the data file stays sortable.
This module gathers the rows; trace/services/fsma_files.py writes them (its columns and their
glossary: fsma_glossary.csv).

References: 21 CFR 1.1310 (definitions: location description, traceability lot code source,
reference document), 1.1325 (harvesting, cooling), 1.1330 (initial packing), 1.1340
(shipping), 1.1345 (receiving), 1.1350 (transformation), 1.1455(c)(3)(ii) (sortable
spreadsheet within 24 hours).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from types import SimpleNamespace

from sqlmodel import Session, col, select

from trace.db.models import Event, EventRef, Lot, Pallet, PalletContent, Product, User, node
from trace.domain.epcis_ids import Names, canonical_id, cbv_short
from trace.domain.epcis_lookup import DOCUMENT_NAMES, Place
from trace.domain.epcis_mapping import local_iso

from . import masterdata
from .epcis.export import Scope, scope_events
from .epcis.mapping import PlaceHistory, places
from .fsma_files import COLUMNS

ADDRESS_PARTS = ("street", "commune", "district", "city", "province", "region", "postal_code")


def describe_place(place: Place | None) -> str:
    """An FSMA location description (21 CFR 1.1310): business name, phone number, physical
    address (street, commune, district, city, province or region, postal code), country; and
    the GLN, as the place's master data held them at the event's time."""
    if place is None:
        return ""
    address = place.address or {}
    parts = [place.name]
    if place.phone:
        parts.append(f"phone {place.phone}")
    parts += [address[k] for k in ADDRESS_PARTS if address.get(k)]
    if address.get("country"):
        parts.append(address["country"])
    if place.gln:
        parts.append(f"GLN {place.gln}")
    return ", ".join(parts)


def _growing_area(place: Place | None) -> str:
    if place is None:
        return ""
    codes = [
        f"{c['scheme']} {c['value']} ({c['market']}"
        + (f", {c['status']})" if c.get("status", "active") != "active" else ")")
        for c in place.codes
        if c["scheme"] == "PUC"
    ]
    return place.name + (f" — {'; '.join(codes)}" if codes else "")


def _day(event: Event) -> str:
    return local_iso(event.event_time, event.tz_offset)[:10]


def _join(values: Iterable[object]) -> str:
    return "; ".join(dict.fromkeys(str(v) for v in values if v not in (None, "")))


class _Context:
    """Lots, places and the events of the lots in scope, fetched once."""

    def __init__(self, session: Session, events: list[Event], names: Names):
        self.session = session
        self.names = names
        codes = set()
        for event in events:
            data = event.data or {}
            for key in ("quantities", "inputs", "outputs", "children"):
                codes |= {item["lot"] for item in data.get(key, [])}
        shipment_ids = {e.data["shipment_id"] for e in events if e.data.get("shipment_id")}
        self.shipment_lots: dict[int, list[tuple[Lot, int, int]]] = defaultdict(list)
        for shipment_id in shipment_ids:
            for lot, cartons, where in session.exec(
                select(Lot, PalletContent.cartons, Pallet.location_id)
                .join(PalletContent, col(PalletContent.lot_id) == Lot.id)
                .join(Pallet, col(Pallet.id) == PalletContent.pallet_id)
                .where(Pallet.shipment_id == shipment_id)
                .order_by(Lot.code)
            ):
                self.shipment_lots[shipment_id].append((lot, cartons, where))
                codes.add(lot.code)
        self.lots: dict[str, Lot] = {}
        self.products: dict[int, Product] = {}
        for lot, product in session.exec(
            select(Lot, Product)
            .join(Product, col(Product.id) == Lot.product_id, isouter=True)
            .where(col(Lot.code).in_(codes or [""]))
        ):
            self.lots[lot.code] = lot
            if product is not None and product.id is not None:  # a stored product has its id
                self.products[product.id] = product
        # every event of these lots, by lot and kind (receipts, coolings, the packing)
        self.by_lot: dict[str, dict[str, list[Event]]] = defaultdict(lambda: defaultdict(list))
        ids = {node("lot", lot.id): lot.code for lot in self.lots.values() if lot.id is not None}
        for ref_node, event in session.exec(
            select(EventRef.node, Event)
            .join(Event, col(Event.id) == EventRef.event_id)
            .where(col(EventRef.node).in_(list(ids) or [""]), Event.type != "correct")
            .order_by(col(Event.event_time), col(Event.id))
        ):
            self.by_lot[ids[ref_node]][event.type].append(event)
        place_ids = {e.biz_location_id for e in events}
        place_ids |= {lot.orchard_id for lot in self.lots.values()}
        for lot_events in self.by_lot.values():
            place_ids |= {e.biz_location_id for group in lot_events.values() for e in group}
        for event in events:
            for key in ("sources", "destinations"):
                place_ids |= {i.get("location_id") for i in event.data.get(key, [])}
        place_ids |= {where for rows in self.shipment_lots.values() for _, _, where in rows}
        self.places = places(session, place_ids)
        # Places and products as they were when each row's event happened.
        self.history = PlaceHistory(session, place_ids)
        self.product_history = masterdata.history(session, products=self.products)
        self.moment: datetime | None = None

    def place(self, ident: int | None) -> Place | None:
        if ident is None:
            return None
        return self.history.at(ident, self.moment) or self.places.get(ident)

    def product(self, lot: Lot) -> Product | SimpleNamespace | None:
        if not lot.product_id:
            return None
        state = self.product_history.product(lot.product_id, self.moment)
        return SimpleNamespace(**state) if state else self.products.get(lot.product_id)

    def product_description(self, lot: Lot | None) -> str:
        if lot is None:
            return ""
        product = self.product(lot)
        if product is None:
            return _join([lot.commodity, lot.variety])
        name = product.name or {}
        words = _join([name.get("en"), name.get("vi")])
        size = f"{product.net_weight_kg:g} kg carton" if product.net_weight_kg else None
        gtin = f"GTIN {product.gtin}" if product.gtin else None
        return ", ".join(v for v in [words, product.commodity, product.variety, size, gtin] if v)

    def carton_unit(self, lot: Lot) -> str:
        product = self.product(lot)
        if product and product.net_weight_kg:
            return f"carton ({product.net_weight_kg:g} kg)"
        return "carton"

    def tlc_source(self, lot: Lot | None) -> tuple[str, str]:
        """Where a packed lot got its code: (location description, reference URI)."""
        if lot is None or lot.kind != "packed":
            return "", ""
        packs = self.by_lot[lot.code].get("pack", [])
        place = self.place(packs[0].biz_location_id if packs else lot.location_id)
        return describe_place(place), self.names.location(place) or ""

    def harvester(self, lot: Lot) -> tuple[str, str]:
        """The harvester's business name and phone number, as the orchard's master data held
        them at the harvest."""
        harvests = self.by_lot[lot.code].get("harvest", [])
        crew = harvests[0].data.get("ilmd", {}).get("crew") if harvests else None
        moment, self.moment = self.moment, harvests[0].event_time if harvests else self.moment
        orchard = self.place(lot.orchard_id)
        self.moment = moment
        name = crew or (orchard.name if orchard else "")
        return name, (orchard.phone or "") if orchard else ""


def _row(**values: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(COLUMNS, "")
    for key, value in values.items():
        column = key.replace("_", " ")
        match = next(c for c in COLUMNS if c.lower() == column.lower())
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # 1200, not 1200.0
        row[match] = "" if value is None else value
    return row


def rows(
    session: Session, scope: Scope, names: Names, actor: User | None = None
) -> list[dict[str, object]]:
    """The spreadsheet's rows for `scope`, in the order the events happened."""
    events = scope_events(session, scope, actor)
    ctx = _Context(session, events, names)
    out: list[dict[str, object]] = []
    for event in events:
        ctx.moment = event.event_time
        out.extend(_rows_of(event, ctx))
    return out


def _documents(event: Event, extra: Iterable[tuple[str, str]] = ()) -> dict[str, str]:
    pairs = [
        (DOCUMENT_NAMES.get(d["type"], d["type"]), d["id"])
        for d in event.data.get("biz_transactions", [])
    ]
    if event.type == "treat" or any(
        d["type"] == "cert" for d in event.data.get("biz_transactions", [])
    ):
        pairs = [
            (
                "Phytosanitary certificate"
                if event.type in ("ship", "arrive")
                else "Treatment certificate",
                n,
            )
            if kind == "Certificate"
            else (kind, n)
            for kind, n in pairs
        ]
    pairs += list(extra)
    return {
        "reference_document_type": "; ".join(kind for kind, _ in pairs),
        "reference_document_number": "; ".join(n for _, n in pairs),
    }


def _rows_of(event: Event, ctx: _Context) -> list[dict[str, object]]:
    common = {
        "date_of_the_event": _day(event),
        "time_of_the_event": local_iso(event.event_time, event.tz_offset),
        "record_source": "trace",
        "epcis_event_id": event.event_id,
    }
    here = ctx.place(event.biz_location_id)
    if event.type == "harvest":
        return [_harvest_row(event, ctx, here, common)]
    if event.type in ("cool", "receive"):
        return _before_packing_rows(event, ctx, here, common)
    if event.type == "pack":
        return [_packing_row(event, ctx, here, common)]
    if event.type in ("ship", "arrive"):
        return _shipping_rows(event, ctx, common)
    if event.type == "captured":
        return _captured_rows(event, ctx, common)
    return []  # treatments, inspections, pallets and loading are not FSMA 204 CTEs


def _harvest_row(
    event: Event, ctx: _Context, here: Place | None, common: dict[str, str]
) -> dict[str, object]:
    data = event.data
    lot = ctx.lots.get(data["quantities"][0]["lot"])
    assert lot is not None  # the context fetched the lot of each event in scope
    receipts = ctx.by_lot[lot.code].get("receive", []) if lot else []
    return _row(
        critical_tracking_event="Harvesting",
        **{"21_CFR_Section": "1.1325(a)"},
        commodity=lot.commodity,
        variety=lot.variety,
        quantity=data["quantities"][0]["quantity"],
        unit_of_measure=lot.unit,
        location_description_for_where_the_event_took_place=describe_place(here),
        location_description_for_the_immediate_subsequent_recipient=describe_place(
            ctx.place(receipts[0].biz_location_id) if receipts else None
        ),
        name_of_the_field_or_other_growing_area=_growing_area(here),
        business_name_of_the_harvester=ctx.harvester(lot)[0],
        phone_number_of_the_harvester=ctx.harvester(lot)[1],
        internal_lot_code=lot.code,
        **_documents(event, [("Harvest record", lot.code)]),
        **common,
    )


def _before_packing_rows(
    event: Event, ctx: _Context, here: Place | None, common: dict[str, str]
) -> list[dict[str, object]]:
    """A cooling, or a receipt before initial packing: one row for its lot (none for a lot
    outside the scope's)."""
    data = event.data
    lot = ctx.lots.get(data["quantities"][0]["lot"])
    if lot is None:
        return []
    orchard = ctx.place(lot.orchard_id)
    if event.type == "cool":
        values = {
            **_documents(event, [("Cooling record", lot.code)]),
            "critical_tracking_event": "Cooling",
            "21_CFR_Section": "1.1325(b)",
            "quantity": lot.received or lot.quantity,
            "location_description_for_the_immediate_subsequent_recipient": describe_place(
                ctx.place(lot.location_id)
            ),
        }
    else:
        values = {
            **_documents(event, [("Receiving record", lot.code)]),
            "critical_tracking_event": "Receiving (before initial packing)",
            "21_CFR_Section": "1.1330(a)(1)-(3)",
            "quantity": data.get("quantity", data["quantities"][0].get("quantity")),
            "location_description_for_the_immediate_previous_source": describe_place(orchard),
        }
    return [
        _row(
            commodity=lot.commodity,
            variety=lot.variety,
            unit_of_measure=lot.unit,
            location_description_for_where_the_event_took_place=describe_place(here),
            location_description_for_the_farm_where_the_food_was_harvested=describe_place(orchard),
            name_of_the_field_or_other_growing_area=_growing_area(orchard),
            internal_lot_code=lot.code,
            **values,
            **common,
        )
    ]


def _packing_row(
    event: Event, ctx: _Context, here: Place | None, common: dict[str, str]
) -> dict[str, object]:
    data = event.data
    output = data["outputs"][0]
    lot = ctx.lots.get(output["lot"])
    inputs = [(ctx.lots.get(item["lot"]), item) for item in data.get("inputs", [])]
    farms, areas, harvested, cooled_at, cooled_on, received_on, received, harvesters = (
        [] for _ in range(8)
    )
    for source, _item in inputs:
        if source is None:
            continue
        orchard = ctx.place(source.orchard_id)
        farms.append(describe_place(orchard))
        areas.append(_growing_area(orchard))
        harvested.append(source.produced_on.isoformat())
        harvesters.append(ctx.harvester(source))
        for cool in ctx.by_lot[source.code].get("cool", []):
            cooled_at.append(describe_place(ctx.place(cool.biz_location_id)))
            cooled_on.append(_day(cool))
        for receipt in ctx.by_lot[source.code].get("receive", []):
            received_on.append(_day(receipt))
            received.append(f"{source.code}: {receipt.data.get('quantity'):g} kg")
    source_text, source_uri = ctx.tlc_source(lot)
    return _row(
        critical_tracking_event="Initial Packing",
        **{"21_CFR_Section": "1.1330(a)"},
        traceability_lot_code=output["lot"],
        location_description_for_the_traceability_lot_code_source=source_text
        or describe_place(here),
        traceability_lot_code_source_reference=source_uri or ctx.names.location(here) or "",
        product_description=ctx.product_description(lot),
        commodity=lot.commodity if lot else "",
        variety=lot.variety if lot else "",
        quantity=output["quantity"],
        unit_of_measure=ctx.carton_unit(lot) if lot else "carton",
        location_description_for_where_the_event_took_place=describe_place(here),
        location_description_for_the_farm_where_the_food_was_harvested=_join(farms),
        name_of_the_field_or_other_growing_area=_join(areas),
        business_name_of_the_harvester=_join(name for name, _ in harvesters),
        phone_number_of_the_harvester=_join(phone for _, phone in harvesters),
        date_of_harvesting=_join(harvested),
        location_description_for_where_the_food_was_cooled=_join(cooled_at),
        date_of_cooling=_join(cooled_on),
        date_received=_join(received_on),
        quantity_received=_join(received),
        input_lots=_join(
            f"{item['lot']}: {item['quantity']:g} {'kg' if item.get('uom') == 'KGM' else item.get('uom')}"
            for _, item in inputs
        ),
        internal_lot_code=output["lot"],
        **_documents(event, [("Packing record", output["lot"])]),
        **common,
    )


def _shipping_rows(event: Event, ctx: _Context, common: dict[str, str]) -> list[dict[str, object]]:
    data = event.data
    shipment_id = data.get("shipment_id")
    exporter = ctx.place(data["sources"][0]["location_id"]) if data.get("sources") else None
    consignee = (
        ctx.place(data["destinations"][0]["location_id"]) if data.get("destinations") else None
    )
    out = []
    per_lot: dict[str, list[tuple[Lot, int, int]]] = defaultdict(list)
    shipped = ctx.shipment_lots.get(shipment_id, []) if shipment_id is not None else []
    for lot, cartons, where in shipped:
        per_lot[lot.code].append((lot, cartons, where))
    for code, items in per_lot.items():
        lot = items[0][0]
        source_text, source_uri = ctx.tlc_source(lot)
        shipped_from = _join(describe_place(ctx.place(where)) for _, _, where in items)
        if event.type == "ship":
            values = {
                "critical_tracking_event": "Shipping",
                "21_CFR_Section": "1.1340(a)",
                "location_description_for_where_the_event_took_place": shipped_from,
                "location_description_for_the_immediate_subsequent_recipient": describe_place(
                    consignee
                ),
            }
        else:
            values = {
                "critical_tracking_event": "Receiving",
                "21_CFR_Section": "1.1345(a)",
                "location_description_for_where_the_event_took_place": describe_place(consignee),
                "location_description_for_the_immediate_previous_source": describe_place(exporter),
            }
        out.append(
            _row(
                traceability_lot_code=code,
                location_description_for_the_traceability_lot_code_source=source_text,
                traceability_lot_code_source_reference=source_uri,
                product_description=ctx.product_description(lot),
                commodity=lot.commodity,
                variety=lot.variety,
                quantity=sum(cartons for _, cartons, _ in items),
                unit_of_measure=ctx.carton_unit(lot),
                internal_lot_code=code,
                **values,
                **_documents(event, [("Shipment", str(shipment_id))]),
                **common,
            )
        )
    return out


_CAPTURED_CTE = {
    "receiving": ("Receiving", "1.1345(a)"),
    "shipping": ("Shipping", "1.1340(a)"),
    "creating_class_instance": ("Harvesting", "1.1325(a)"),
    "transforming": ("Transformation", "1.1350(a)"),
    "commissioning": ("Transformation", "1.1350(a)"),
}


def _captured_rows(event: Event, ctx: _Context, common: dict[str, str]) -> list[dict[str, object]]:
    """A partner's EPCIS event, where its bizStep is a CTE: one row per traceability lot."""
    sent = event.data["epcis"]
    step = cbv_short(sent.get("bizStep"))
    if sent.get("type") == "TransformationEvent":
        step = "transforming"
    if step not in _CAPTURED_CTE:
        return []
    name, section = _CAPTURED_CTE[step]
    if sent.get("type") == "TransformationEvent":
        items = sent.get("outputQuantityList") or []
    else:
        items = (sent.get("quantityList") or []) + (sent.get("childQuantityList") or [])
    where = (sent.get("bizLocation") or sent.get("readPoint") or {}).get("id", "")
    place = ctx.place(event.biz_location_id or event.read_point_id)
    sources = _join(s.get("source") for s in sent.get("sourceList") or [])
    destinations = _join(d.get("destination") for d in sent.get("destinationList") or [])
    documents = sent.get("bizTransactionList") or []
    inputs = _join(
        f"{q.get('epcClass')}: {q.get('quantity', '')} {q.get('uom', '')}".strip()
        for q in sent.get("inputQuantityList") or []
    )
    out = []
    for item in items or [{}]:
        epc_class = canonical_id(item.get("epcClass", ""))
        tlc = ""
        if "/10/" in epc_class:
            tlc = epc_class.rsplit("/10/", 1)[1].split("/")[0]
        lot = ctx.lots.get(tlc)
        out.append(
            _row(
                critical_tracking_event=name,
                **{"21_CFR_Section": section},
                traceability_lot_code=tlc,
                traceability_lot_code_source_reference=ctx.tlc_source(lot)[1] if lot else "",
                location_description_for_the_traceability_lot_code_source=ctx.tlc_source(lot)[0]
                if lot
                else "",
                product_description=ctx.product_description(lot) if lot else epc_class,
                commodity=lot.commodity if lot else "",
                variety=lot.variety if lot else "",
                quantity=item.get("quantity", ""),
                unit_of_measure=item.get("uom", ""),
                location_description_for_where_the_event_took_place=describe_place(place) or where,
                location_description_for_the_immediate_previous_source=sources
                if name == "Receiving"
                else "",
                location_description_for_the_immediate_subsequent_recipient=destinations
                if name != "Receiving"
                else "",
                input_lots=inputs,
                reference_document_type=_join(d.get("type", "") for d in documents)
                or "EPCIS event",
                reference_document_number=_join(d.get("bizTransaction") for d in documents)
                or event.event_id,
                internal_lot_code=tlc if lot else "",
                **{**common, "record_source": "EPCIS capture"},
            )
        )
    return out
