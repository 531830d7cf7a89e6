"""The packing house's forms: receive, treat, pack, print labels, build a pallet, build and ship
a shipment. Each works with a barcode scanner: a scanned code lands in the form's scan field
and Enter sends it with `action=scan` (the form comes back with the code taken in: an orchard
chosen, a carton counted, a pallet added); the form's big button records (`action=submit`).
"""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from sqlmodel import select
from wtforms.fields.choices import SelectChoice

from trace.db.models import Location, LocationCode, Lot, Pallet, Product
from trace.db.session import get_session
from trace.services import lots, packing, shipments
from trace.services.common import fmt_qty

from . import labels_print, messages, scan, words
from .clock import aware, local_now, today
from .forms import (
    ArriveForm,
    CoolForm,
    CrossForm,
    DepartForm,
    InspectForm,
    PackForm,
    PalletForm,
    ReceiveForm,
    ShipmentForm,
    TreatForm,
    options,
)
from .house import current_house
from .inspect import show_shipment
from .language import language
from .lookups import gate_choices, market_check, markets, places, port_choices, usual_market
from .once import new_token, submit_once
from .render import bp, render
from .staff import READERS, WORKERS, me, roles

EPSILON = 1e-9


def _action() -> str:
    return request.form.get("action", "submit") if request.method == "POST" else ""


def _start(form, **defaults) -> None:
    """A fresh form: its one-time token and defaults (times default to now)."""
    form.once.data = new_token()
    for name, value in defaults.items():
        form[name].data = value


def _scan_error(form, found: scan.Scanned, expected: str) -> None:
    if found.problem:
        text, _hint = messages.translate(found.problem)
    else:
        text = _("%(code)s is not %(expected)s.", code=found.text, expected=expected)
    form.scan.errors = [text]


def _no_house():
    flash(_("No packing house is set up yet: an administrator adds one first."), "error")
    return redirect(url_for("web.home"))


def _codes(location_ids: list[int]) -> dict[int, list[LocationCode]]:
    out: dict[int, list[LocationCode]] = {i: [] for i in location_ids}
    if location_ids:
        for code in get_session().exec(
            select(LocationCode)
            .where(LocationCode.location_id.in_(location_ids))
            .order_by(LocationCode.id)
        ):
            out[code.location_id].append(code)
    return out


# --- receive ------------------------------------------------------------------------------------


@bp.route("/app/receive", methods=["GET", "POST"])
@roles(*WORKERS)
def receive():
    """Receive a harvest lot at the dock: the orchard (by name or scanned code), kilograms, time."""
    db = get_session()
    house = current_house()
    if house is None:
        return _no_house()
    form = ReceiveForm()
    orchards = places("orchard")
    codes = _codes([o.id for o in orchards])
    form.orchard_id.choices = options(
        [(0, _("— choose the orchard —"))]
        + [
            (o.id, " · ".join([o.name, *(c.value for c in codes[o.id] if c.status == "active")]))
            for o in orchards
        ]
    )
    products = list(db.exec(select(Product).order_by(Product.id)))
    if request.method == "GET":
        _start(
            form,
            received_at=local_now(),
            harvested_on=today(),
            commodity=products[0].commodity if products else "",
            variety=(products[0].variety or "") if products else "",
        )
    action = _action()
    if action == "scan":
        found = scan.read(db, form.scan.data or "")
        if found.kind == "place" and found.place.kind == "orchard":
            form.orchard_id.data, form.lot.data = found.place.id, ""
        elif found.kind == "lot" and found.lot.kind == "harvest":
            form.lot.data = found.lot.code
        else:
            _scan_error(form, found, _("an orchard's code or a harvest lot"))
        form.scan.data = ""
    elif action == "clear":
        form.lot.data = ""
    elif action == "submit" and form.validate() and _receive_checks(form):
        response = submit_once(
            form,
            lambda: _record_receipt(form, house),
            {
                "orchard_id": "orchard_id",
                "harvested_on": "harvested_on",
                "harvested_at": "harvested_on",
                "received_at": "received_at",
                "time": "received_at",
                "quantity": "quantity",
                "lot": "scan",
            },
        )
        if response is not None:
            return response
    existing = None
    if form.lot.data:
        lot = db.exec(select(Lot).where(Lot.code == form.lot.data)).first()
        existing = lot and lots.lot_state(db, lot)
    return render(
        "web/receive.html",
        form=form,
        house=house,
        existing=existing,
        commodities=sorted({p.commodity for p in products}),
        varieties=sorted({p.variety for p in products if p.variety}),
    )


def _receive_checks(form) -> bool:
    ok = True
    if form.lot.data:
        if not form.quantity.data:
            form.quantity.errors.append(_("Required."))
            ok = False
        return ok
    for field in (form.commodity, form.harvested, form.harvested_on):
        if not field.data:
            field.errors.append(_("Required."))
            ok = False
    if not form.orchard_id.data:
        form.orchard_id.errors.append(_("Choose the orchard or scan its code."))
        ok = False
    if ok and form.quantity.data and form.quantity.data > form.harvested.data + EPSILON:
        form.quantity.errors.append(_("More than was harvested."))
        ok = False
    received = aware(form.received_at.data)
    if ok and received and received.date() < form.harvested_on.data:
        form.received_at.errors.append(_("Before the harvest day."))
        ok = False
    return ok


def _record_receipt(form, house: Location) -> str:
    db = get_session()
    received_at = aware(form.received_at.data)
    code = form.lot.data
    if not code:
        harvest = lots.harvest(
            db,
            me(),
            {
                "orchard_id": form.orchard_id.data,
                "commodity": form.commodity.data.strip(),
                "variety": (form.variety.data or "").strip() or None,
                "quantity": form.harvested.data,
                "unit": "kg",
                "harvested_on": form.harvested_on.data,
                "crew": (form.crew.data or "").strip() or None,
            },
        )
        code = harvest.code
    quantity = form.quantity.data or form.harvested.data
    lots.receive(
        db,
        me(),
        code,
        {"location_id": house.id, "received_at": received_at, "quantity": quantity, "unit": "kg"},
    )
    flash(
        _("Received lot %(lot)s: %(kg)s kg.", lot=code, kg=fmt_qty(quantity)),
        "ok",
    )
    return url_for("web.lot", code=code)


# --- treat --------------------------------------------------------------------------------------


def _lots_here(house: Location, kind: str | None = None) -> list[Lot]:
    query = select(Lot).where(Lot.location_id == house.id)
    if kind:
        query = query.where(Lot.kind == kind)
    return list(get_session().exec(query.order_by(Lot.id.desc())))


@bp.route("/app/treat", methods=["GET", "POST"])
@roles(*WORKERS)
def treat():
    """Record a treatment (fumigation, vapour heat…) of a lot at a facility."""
    house = current_house()
    if house is None:
        return _no_house()
    form = TreatForm()
    codes_here = _lot_choices(form, house)
    facilities = places("treatment_facility")
    form.facility_id.choices = options((f.id, f.name) for f in facilities)
    form.method.choices = options((m, words.word(words.METHODS, m)) for m in words.METHODS)
    if request.method == "GET":
        _start(form, treated_at=local_now(), lot=request.values.get("lot") or "")
        if facilities and facilities[0].methods:
            form.method.data = facilities[0].methods[0]
    action = _action()
    if action == "scan":
        _scan_lot(form, codes_here)
    elif action == "submit" and form.validate():
        parameters = {
            key: getattr(form, key).data
            for key in ("agent", "dose_g_m3", "temperature_c", "duration_h")
            if getattr(form, key).data not in (None, "")
        }

        response = _record_on_lot(
            form,
            lots.treat,
            {
                "facility_id": form.facility_id.data,
                "method": form.method.data,
                "batch_no": (form.batch_no.data or "").strip() or None,
                "certificate_no": (form.certificate_no.data or "").strip() or None,
                "treated_at": aware(form.treated_at.data),
                "parameters": parameters,
            },
            _("Treatment of lot %(lot)s recorded.", lot=form.lot.data),
            {"time": "treated_at", "treated_at": "treated_at", "facility_id": "facility_id"},
        )
        if response is not None:
            return response
    return render("web/treat.html", form=form, house=house, facilities=facilities)


def _record_on_lot(form, use_case, data: dict, done: str, fields: dict[str, str]):
    """Record one event on the form's lot through `use_case` (once, as `submit_once` does),
    then the lot's page with `done` said; None when refused (the error is beside its field)."""

    def record() -> str:
        use_case(get_session(), me(), form.lot.data, data)
        flash(done, "ok")
        return url_for("web.lot", code=form.lot.data)

    return submit_once(form, record, fields)


def _lot_choices(form, house: Location) -> list[str]:
    """The form's lot choices: the lots at this house, and the one the link named."""
    codes_here = [lot.code for lot in _lots_here(house)]
    chosen = request.values.get("lot")
    if chosen and chosen not in codes_here:
        codes_here.append(chosen)
    form.lot.choices = options([("", _("— choose the lot —"))] + [(c, c) for c in codes_here])
    return codes_here


def _scan_lot(form, codes_here: list[str]) -> None:
    """A scanned lot (its code, a carton's QR…) chosen in the form's lot field."""
    found = scan.read(get_session(), form.scan.data or "")
    if found.lot is not None:
        if found.lot.code not in codes_here:
            form.lot.choices.append(SelectChoice(found.lot.code, found.lot.code))
        form.lot.data = found.lot.code
    else:
        _scan_error(form, found, _("a lot"))
    form.scan.data = ""


# --- cool and inspect ---------------------------------------------------------------------------


@bp.route("/app/cool", methods=["GET", "POST"])
@roles(*WORKERS)
def cool():
    """Record a lot's cooling (forced-air or cold room: temperature and hours)."""
    house = current_house()
    if house is None:
        return _no_house()
    form = CoolForm()
    codes_here = _lot_choices(form, house)
    rooms = places("cold_store") + places("packing_house")
    form.location_id.choices = options((p.id, p.name) for p in rooms)
    if request.method == "GET":
        _start(form, cooled_at=local_now(), lot=request.values.get("lot") or "")
        form.location_id.data = house.id
    action = _action()
    if action == "scan":
        _scan_lot(form, codes_here)
    elif action == "submit" and form.validate():
        response = _record_on_lot(
            form,
            lots.cool,
            {
                "location_id": form.location_id.data,
                "cooled_at": aware(form.cooled_at.data),
                "temperature_c": form.temperature_c.data,
                "duration_h": form.duration_h.data,
            },
            _("Cooling of lot %(lot)s recorded.", lot=form.lot.data),
            {"time": "cooled_at", "cooled_at": "cooled_at", "location_id": "location_id"},
        )
        if response is not None:
            return response
    return render("web/cool.html", form=form, house=house)


@bp.route("/app/inspect", methods=["GET", "POST"])
@roles(*READERS)
def inspect_lot():
    """Record an inspection: a failed one holds the lot; only an inspector's (or an admin's)
    passing re-inspection lifts a hold (the use case decides and says who may)."""
    house = current_house()
    form = InspectForm()
    codes_here = _lot_choices(form, house) if house is not None else []
    if house is None:
        form.lot.choices = options([("", _("— choose the lot —"))])
    if request.method == "GET":
        _start(form, inspected_at=local_now(), lot=request.values.get("lot") or "")
        form.kind.data = "phytosanitary"
    action = _action()
    if action == "scan":
        _scan_lot(form, codes_here)
    elif action == "submit" and form.validate():
        response = _record_on_lot(
            form,
            lots.inspect,
            {
                "location_id": house.id if house is not None else None,
                "inspected_at": aware(form.inspected_at.data),
                "result": form.result.data,
                "kind": (form.kind.data or "").strip() or None,
                "notes": (form.notes.data or "").strip() or None,
            },
            _("Inspection of lot %(lot)s recorded.", lot=form.lot.data),
            {"time": "inspected_at", "inspected_at": "inspected_at", "result": "result"},
        )
        if response is not None:
            return response
    return render("web/inspect_lot.html", form=form, house=house)


# --- pack ---------------------------------------------------------------------------------------


def _number(text: str | None) -> float | None:
    try:
        value = float((text or "").replace(",", "."))
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


@bp.route("/app/pack", methods=["GET", "POST"])
@roles(*WORKERS)
def pack():
    """Pack lots into cartons: the lots used (kg each) → a new packed lot; the mass balance is
    shown before it is recorded."""
    db = get_session()
    house = current_house()
    if house is None:
        return _no_house()
    form = PackForm()
    products = list(db.exec(select(Product).where(Product.gtin.is_not(None)).order_by(Product.id)))
    form.product_gtin.choices = options((p.gtin, _product_label(p)) for p in products)
    if request.method == "GET":
        _start(form, packed_on=today())
        if request.args.get("product"):
            form.product_gtin.data = request.args["product"]
    origins = {o.id: o.name for o in places("orchard")}
    rows = [
        {"lot": lot, "left": lot.received - lot.used, "origin": origins.get(lot.orchard_id, "")}
        for lot in _lots_here(house, "harvest")
        if lot.received - lot.used > EPSILON
    ]
    typed = dict(zip(request.form.getlist("use_lot"), request.form.getlist("use_kg"), strict=False))
    for row in rows:
        row["typed"] = typed.get(row["lot"].code, "")
    if request.method == "GET" and request.args.get("lot"):
        for row in rows:
            if row["lot"].code == request.args["lot"]:
                row["typed"] = fmt_qty(row["left"])
    action = _action()
    if action == "scan":
        found = scan.read(db, form.scan.data or "")
        row = next((r for r in rows if found.lot is not None and r["lot"].id == found.lot.id), None)
        if row is not None:
            row["typed"] = row["typed"] or fmt_qty(row["left"])
        elif found.lot is not None:
            form.scan.errors = [_("Lot %(lot)s has nothing left to pack here.", lot=found.lot.code)]
        else:
            _scan_error(form, found, _("a lot received here"))
        form.scan.data = ""
    product = next((p for p in products if p.gtin == form.product_gtin.data), None)
    if product is None and products:
        product = products[0]
    balance = _balance(rows, form.cartons.data, product)
    if action == "submit" and form.validate() and not balance["row_errors"]:
        inputs = [
            {"lot": r["lot"].code, "quantity": r["kg"], "unit": "kg"} for r in rows if r["kg"]
        ]
        if not inputs:
            form.form_errors.append(_("Give the kilograms used of at least one lot."))
        else:

            def record() -> str:
                packed_on = form.packed_on.data
                packed = packing.pack(
                    db,
                    me(),
                    {
                        "location_id": house.id,
                        "product_gtin": form.product_gtin.data,
                        "inputs": inputs,
                        "cartons": form.cartons.data,
                        "packed_on": packed_on,
                        **({"packed_at": local_now()} if packed_on == today() else {}),
                        "lot_code": form.lot_code.data or None,
                    },
                )
                flash(
                    _(
                        "Packed lot %(lot)s: %(cartons)s cartons.",
                        lot=packed.code,
                        cartons=packed.cartons,
                    ),
                    "ok",
                )
                return url_for("web.lot", code=packed.code)

            response = submit_once(
                form,
                record,
                {
                    "time": "packed_on",
                    "packed_on": "packed_on",
                    "packed_at": "packed_on",
                    "cartons": "cartons",
                    "product_gtin": "product_gtin",
                    "lot_code": "lot_code",
                },
            )
            if response is not None:
                return response
    # The lots being used come first; the others (often many, each with a few kg left after
    # earlier packings) wait folded under the form, so the total and the button stay in reach.
    chosen = [r for r in rows if r["typed"].strip()]
    return render(
        "web/pack.html",
        form=form,
        house=house,
        chosen=chosen,
        others=[r for r in rows if not r["typed"].strip()],
        balance=balance,
        products=[(p, _product_label(p)) for p in products],
    )


def _product_label(product: Product) -> str:
    names = product.name or {}
    name = names.get(language()) or names.get("vi") or next(iter(names.values()), "")
    weight = f" · {fmt_qty(product.net_weight_kg)} kg" if product.net_weight_kg else ""
    return f"{name}{weight}"


def _balance(rows: list[dict], cartons: int | None, product: Product | None) -> dict:
    """What the packing would take and give: kg used per lot and in all, the cartons' net
    weight, and what would be left; errors per lot row."""
    used, errors = 0.0, {}
    for row in rows:
        row["kg"] = None
        if row["typed"].strip():
            value = _number(row["typed"])
            if value is None or value <= 0:
                errors[row["lot"].code] = _("A number greater than 0.")
            elif value > row["left"] + EPSILON:
                errors[row["lot"].code] = _(
                    "Only %(left)s kg left.", left=fmt_qty(round(row["left"], 3))
                )
            else:
                row["kg"] = value
                used += value
        row["after"] = row["left"] - (row["kg"] or 0)
    each = (product.net_weight_kg or 0) if product else 0
    net = each * (cartons or 0)
    return {
        "used": used,
        "each": each,
        "net": net,
        "cartons": cartons or 0,
        "spare": used - net,
        "fits": net <= used + EPSILON,
        "row_errors": errors,
    }


# --- labels -------------------------------------------------------------------------------------

bp.add_url_rule(
    "/app/labels",
    "labels",
    roles(*WORKERS)(labels_print.labels),
    methods=["GET", "POST"],
)
bp.add_url_rule("/app/labels/preview.png", "labels_preview", roles(*WORKERS)(labels_print.preview))
bp.add_url_rule("/app/labels/printed/<job>", "label_printed", roles(*WORKERS)(labels_print.printed))
bp.add_url_rule("/app/labels/file/<job>", "label_file", roles(*WORKERS)(labels_print.file))


# --- pallet ---------------------------------------------------------------------------------------


@bp.route("/app/pallet", methods=["GET", "POST"])
@roles(*WORKERS)
def pallet():
    """Build a pallet: scan each carton (its QR or lot barcode) or type a lot and its count."""
    db = get_session()
    house = current_house()
    if house is None:
        return _no_house()
    form = PalletForm()
    if request.method == "GET":
        _start(form, palletised_at=local_now())
    lines: dict[str, int | None] = {}
    for code, count in zip(
        request.form.getlist("line_lot"), request.form.getlist("line_cartons"), strict=False
    ):
        lines[code] = int(count) if count.strip().isdigit() else None
    seen = [s for s in request.form.getlist("seen") if s]
    # Scans the browser queued carry an id (static/web/web.js); one already taken in is not
    # counted again when a retry brings it back (a lost answer, a reload).
    done = [s for s in request.form.getlist("done") if s][-_MAX_SCAN_IDS:]
    scan_id = (request.form.get("scan_id") or "")[:64]
    available = [
        lot
        for lot in _lots_here(house, "packed")
        if (lot.cartons or 0) - lot.cartons_palletised > 0
    ]
    action = _action()
    note = None
    result = ""
    if action == "scan" and scan_id and scan_id in done:
        result = "repeat"
        form.scan.data = ""
    elif action == "scan":
        found = scan.read(db, form.scan.data or "")
        note = _take_carton(form, found, house, lines, seen)
        result = "counted" if note else "refused"
        if scan_id:
            done.append(scan_id)
        form.scan.data = ""
    elif action == "add":
        code = request.form.get("add_lot", "")
        lot = next((lot for lot in available if lot.code == code), None)
        if lot is not None and code not in lines:
            lines[code] = (lot.cartons or 0) - lot.cartons_palletised
    elif action and action.startswith("remove:"):
        lines.pop(action.removeprefix("remove:"), None)
        seen = [s for s in seen if s.partition("|")[0] in lines]
    elif action == "submit" and form.validate():
        contents = [{"lot": code, "cartons": n} for code, n in lines.items() if n]
        if not contents:
            form.form_errors.append(_("Scan at least one carton."))
        else:

            def record() -> str:
                config = current_app.config
                made = packing.palletise(
                    db,
                    me(),
                    {
                        "location_id": house.id,
                        "contents": contents,
                        "palletised_at": aware(form.palletised_at.data),
                    },
                    config["GS1_COMPANY_PREFIX"],
                    config["SSCC_EXTENSION_DIGIT"],
                )
                flash(
                    _(
                        "Pallet %(sscc)s: %(cartons)s cartons.",
                        sscc=made.sscc,
                        cartons=made.cartons,
                    ),
                    "ok",
                )
                return url_for("web.pallet_page", sscc=made.sscc)

            response = submit_once(
                form,
                record,
                {"time": "palletised_at", "palletised_at": "palletised_at", "contents": "scan"},
            )
            if response is not None:
                return response
    info = {lot.code: lot for lot in db.exec(select(Lot).where(Lot.code.in_(list(lines) or [""])))}
    return render(
        "web/pallet.html",
        form=form,
        house=house,
        lines=[(code, n, info.get(code)) for code, n in lines.items()],
        seen=seen,
        done=done[-_MAX_SCAN_IDS:],
        scan_result=result,
        fresh=request.method == "GET",
        total=sum(n or 0 for n in lines.values()),
        available=[lot for lot in available if lot.code not in lines],
        note=note,
    )


_MAX_SCAN_IDS = 2000  # the ids of a pallet's queued scans the form carries back (a pallet: ≤ ~300)


def _take_carton(form, found: scan.Scanned, house, lines: dict, seen: list) -> str | None:
    """Count a scanned carton on its lot's line (each carton once); a lot code adds its line."""
    lot = found.lot
    if lot is None:
        _scan_error(form, found, _("a carton or a packed lot"))
        return None
    if lot.kind != "packed":
        form.scan.errors = [
            _("Lot %(lot)s is a harvest lot: pack it into cartons first.", lot=lot.code)
        ]
        return None
    if lot.location_id != house.id:
        form.scan.errors = [_("Lot %(lot)s is not at this packing house.", lot=lot.code)]
        return None
    left = (lot.cartons or 0) - lot.cartons_palletised
    if found.kind == "carton":
        key = f"{lot.code}|{found.serial}"
        if key in seen:
            form.scan.errors = [
                _(
                    "Carton %(serial)s of lot %(lot)s is counted already.",
                    serial=found.serial,
                    lot=lot.code,
                )
            ]
            return None
        if (lines.get(lot.code) or 0) + 1 > left:
            form.scan.errors = [
                _(
                    "Lot %(lot)s has only %(left)s cartons left to palletise.",
                    lot=lot.code,
                    left=left,
                )
            ]
            return None
        seen.append(key)
        lines[lot.code] = (lines.get(lot.code) or 0) + 1
        return _("Carton %(serial)s of lot %(lot)s counted.", serial=found.serial, lot=lot.code)
    if lot.code not in lines:
        lines[lot.code] = left
    return _("Lot %(lot)s added: type how many of its cartons are on the pallet.", lot=lot.code)


# --- shipment -------------------------------------------------------------------------------------


@bp.route("/app/shipment", methods=["GET", "POST"])
@roles(*WORKERS)
def shipment():
    """Load pallets into a container: scan each pallet's SSCC; the market checks are shown
    before the shipment is recorded."""
    db = get_session()
    form = ShipmentForm()
    known = markets()
    form.market.choices = options((m, m) for m in known)
    exporters, importers = places("exporter"), places("importer")
    form.exporter_id.choices = options((e.id, e.name) for e in exporters)
    form.consignee_id.choices = options((i.id, i.name) for i in importers)
    form.conveyance.choices = [(m, words.word(words.CONVEYANCES, m)) for m in words.CONVEYANCES]
    form.border_gate.choices = options([("", ""), *gate_choices()])
    if request.method == "GET":
        _start(form, loaded_at=local_now(), market=usual_market())
    ssccs = [s for s in request.form.getlist("pallet") if s]
    action = _action()
    note = None
    if action == "scan":
        found = scan.read(db, form.scan.data or "")
        if found.kind != "pallet":
            _scan_error(form, found, _("a pallet's SSCC"))
        elif found.sscc in ssccs:
            form.scan.errors = [_("Pallet %(sscc)s is on the list already.", sscc=found.sscc)]
        else:
            ssccs.append(found.sscc)
            note = _("Pallet %(sscc)s added.", sscc=found.sscc)
        form.scan.data = ""
    elif action and action.startswith("remove:"):
        ssccs = [s for s in ssccs if s != action.removeprefix("remove:")]
    elif action == "submit" and form.validate():
        if not ssccs:
            form.form_errors.append(_("Scan at least one pallet."))
        else:

            def record() -> str:
                made = shipments.create(
                    db,
                    me(),
                    {
                        "exporter_id": form.exporter_id.data,
                        "consignee_id": form.consignee_id.data,
                        "market": form.market.data,
                        "container_no": form.container_no.data or None,
                        "seal_no": form.seal_no.data or None,
                        "bill_of_lading": form.bill_of_lading.data or None,
                        "phyto_certificate_no": form.phyto_certificate_no.data or None,
                        "pallets": ssccs,
                        "loaded_at": aware(form.loaded_at.data),
                        **_vehicle(form),
                    },
                )
                flash(_("Shipment %(id)s loaded.", id=made.id), "ok")
                return url_for("web.shipment_page", ident=made.id)

            response = submit_once(
                form,
                record,
                {
                    "time": "loaded_at",
                    "loaded_at": "loaded_at",
                    "market": "market",
                    "pallets": "scan",
                    "exporter_id": "exporter_id",
                    "consignee_id": "consignee_id",
                    "truck_plate": "truck_plate",
                    "border_gate": "border_gate",
                },
            )
            if response is not None:
                return response
    pallets = []
    for sscc in ssccs:
        row = db.exec(select(Pallet).where(Pallet.sscc == sscc)).first()
        contents = packing.pallet_contents(db, row) if row else []
        pallets.append({"sscc": sscc, "pallet": row, "contents": contents})
    return render(
        "web/shipment_new.html",
        form=form,
        pallets=pallets,
        check=market_check(ssccs, form.market.data, form.consignee_id.data),
        note=note,
        cartons=sum(p["pallet"].cartons for p in pallets if p["pallet"]),
    )


def _vehicle(form: ShipmentForm) -> dict:
    """A road shipment's truck, trailer and border gate (the API's rules say what is missing)."""
    if form.conveyance.data != "road":
        return {"conveyance": form.conveyance.data}
    return {
        "conveyance": "road",
        "truck_plate": form.truck_plate.data or None,
        "trailer_plate": form.trailer_plate.data or None,
        "border_gate": form.border_gate.data or None,
    }


@bp.route("/app/shipments/<int:ident>/crossing", methods=["POST"])
@roles(*WORKERS)
def cross(ident: int):
    """Record that a road shipment's truck crossed the border at its gate."""
    form = CrossForm()
    if form.validate():

        def record() -> str:
            shipments.cross(get_session(), me(), ident, {"crossed_at": aware(form.crossed_at.data)})
            flash(_("Shipment %(id)s crossed the border.", id=ident), "ok")
            return url_for("web.shipment_page", ident=ident)

        response = submit_once(form, record, {"time": "crossed_at", "crossed_at": "crossed_at"})
        if response is not None:
            return response
    return show_shipment(ident, cross=form, status=422)


@bp.route("/app/shipments/<int:ident>/departure", methods=["POST"])
@roles(*WORKERS)
def depart(ident: int):
    """Record that the shipment left (the container sailed or drove off)."""
    form = DepartForm()
    form.port_id.choices = port_choices()
    if form.validate():

        def record() -> str:
            data = {"departed_at": aware(form.departed_at.data)}
            if form.port_id.data:
                data["port_id"] = form.port_id.data
            shipments.depart(get_session(), me(), ident, data)
            flash(_("Shipment %(id)s departed.", id=ident), "ok")
            return url_for("web.shipment_page", ident=ident)

        response = submit_once(form, record, {"time": "departed_at", "port_id": "port_id"})
        if response is not None:
            return response
    return show_shipment(ident, depart=form, status=422)


@bp.route("/app/shipments/<int:ident>/arrival", methods=["POST"])
@roles(*WORKERS)
def arrive(ident: int):
    """Record that the shipment arrived at the importer."""
    form = ArriveForm()
    if form.validate():
        response = record_arrival(form, ident, "web.shipment_page")
        if response is not None:
            return response
    return show_shipment(ident, arrive=form, status=422)


def record_arrival(form: ArriveForm, ident: int, page: str):
    """The arrival use case with the form's time and condition, once; then `page` of the
    shipment (None: the form is shown again with the refusal beside its field)."""

    def record() -> str:
        shipments.arrive(
            get_session(),
            me(),
            ident,
            {
                "arrived_at": aware(form.arrived_at.data),
                "condition": (form.condition.data or "").strip() or None,
            },
        )
        flash(_("Shipment %(id)s arrived.", id=ident), "ok")
        return url_for(page, ident=ident)

    return submit_once(form, record, {"time": "arrived_at", "arrived_at": "arrived_at"})
