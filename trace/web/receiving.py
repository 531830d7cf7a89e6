"""The packing house's forms for a lot before packing: receive it at the dock (a new harvest
lot, or more of one), treat it, cool it, inspect it."""

from __future__ import annotations

from flask import flash, request, url_for
from flask_babel import gettext as _

from trace.db.session import get_session
from trace.domain.quantities import Planned, fmt_qty, require_receivable
from trace.domain.timing import require_from_day
from trace.services import lots, masterdata
from trace.services.common import VIETNAM

from . import scan, words
from .clock import aware, local_now, today
from .forms import CoolForm, InspectForm, ReceiveForm, TreatForm, options
from .house import current_house
from .lookups import places
from .once import submit_once
from .render import bp, render
from .staff import READERS, WORKERS, me, roles
from .worker import (
    _action,
    _lot_choices,
    _lot_form,
    _lot_step,
    _no_house,
    _scan_error,
    _start,
    refusal,
)


@bp.route("/app/receive", methods=["GET", "POST"])
@roles(*WORKERS)
def receive():
    """Receive a harvest lot at the dock: the orchard (by name or scanned code), kilograms, time."""
    db = get_session()
    house = current_house()
    if house is None:
        return _no_house()
    form = ReceiveForm()
    products = _receive_form(form)
    action = _action()
    if action == "scan":
        _receive_scan(form)
    elif action == "clear":
        form.lot.data = ""
    elif action == "submit" and form.validate() and _receive_checks(form):
        response = submit_once(form, lambda: _record_receipt(form, house), _RECEIPT_FIELDS)
        if response is not None:
            return response
    lot = lots.by_codes(db, [form.lot.data]).get(form.lot.data) if form.lot.data else None
    return render(
        "web/receive.html",
        form=form,
        house=house,
        existing=lot and lots.lot_state(db, lot),
        commodities=sorted({p.commodity for p in products}),
        varieties=sorted({p.variety for p in products if p.variety}),
    )


# The receipt's fields (and its refusals' hints) → the form's fields.
_RECEIPT_FIELDS = {
    "orchard_id": "orchard_id",
    "harvested_on": "harvested_on",
    "harvested_at": "harvested_on",
    "received_at": "received_at",
    "time": "received_at",
    "quantity": "quantity",
    "lot": "scan",
}


def _receive_form(form) -> list:
    """The orchards to choose (with their active codes) and, on a fresh form, its defaults;
    the products, whose commodities and varieties the form offers."""
    db = get_session()
    orchards = places("orchard")
    codes = masterdata.codes_of(db, [o.id for o in orchards])
    form.orchard_id.choices = options(
        [(0, _("— choose the orchard —"))]
        + [
            (o.id, " · ".join([o.name, *(c.value for c in codes[o.id] if c.status == "active")]))
            for o in orchards
        ]
    )
    products = lots.products(db)
    if request.method == "GET":
        _start(
            form,
            received_at=local_now(),
            harvested_on=today(),
            commodity=products[0].commodity if products else "",
            variety=(products[0].variety or "") if products else "",
        )
    return products


def _receive_scan(form) -> None:
    """A scanned orchard code chooses the orchard (a new harvest lot); a harvest lot's code
    receives more of that lot."""
    found = scan.read(get_session(), form.scan.data or "")
    if found.kind == "place" and found.place.kind == "orchard":
        form.orchard_id.data, form.lot.data = found.place.id, ""
    elif found.kind == "lot" and found.lot.kind == "harvest":
        form.lot.data = found.lot.code
    else:
        _scan_error(form, found, _("an orchard's code or a harvest lot"))
    form.scan.data = ""


def _receive_checks(form) -> bool:
    """What the receipt would be refused for, said beside its field before it is sent."""
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
    # the receipt's own rules, asked of the harvest lot the form would create
    harvest = Planned(form.harvested.data)
    if ok and form.quantity.data and refusal(require_receivable, harvest, form.quantity.data, "kg"):
        form.quantity.errors.append(_("More than was harvested."))
        ok = False
    received = aware(form.received_at.data)
    day = form.harvested_on.data
    if ok and received and refusal(require_from_day, received, day, VIETNAM, "", "", "harvested"):
        form.received_at.errors.append(_("Before the harvest day."))
        ok = False
    return ok


def _record_receipt(form, house) -> str:
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


@bp.route("/app/treat", methods=["GET", "POST"])
@roles(*WORKERS)
def treat():
    """Record a treatment (fumigation, vapour heat…) of a lot at a facility."""
    house, form, codes_here = _lot_form(TreatForm)
    facilities = places("treatment_facility")
    form.facility_id.choices = options((f.id, f.name) for f in facilities)
    form.method.choices = options((m, words.word(words.METHODS, m)) for m in words.METHODS)
    if request.method == "GET":
        _start(form, treated_at=local_now(), lot=request.values.get("lot") or "")
        if facilities and facilities[0].methods:
            form.method.data = facilities[0].methods[0]

    def treatment() -> dict:
        parameters = {
            key: getattr(form, key).data
            for key in ("agent", "dose_g_m3", "temperature_c", "duration_h")
            if getattr(form, key).data not in (None, "")
        }
        return {
            "facility_id": form.facility_id.data,
            "method": form.method.data,
            "batch_no": (form.batch_no.data or "").strip() or None,
            "certificate_no": (form.certificate_no.data or "").strip() or None,
            "treated_at": aware(form.treated_at.data),
            "parameters": parameters,
        }

    done = _("Treatment of lot %(lot)s recorded.", lot=form.lot.data)
    fields = {"time": "treated_at", "treated_at": "treated_at", "facility_id": "facility_id"}
    response = _lot_step(form, codes_here, lots.treat, treatment, done, fields)
    return response or render("web/treat.html", form=form, house=house, facilities=facilities)


# --- cool and inspect ---------------------------------------------------------------------------


@bp.route("/app/cool", methods=["GET", "POST"])
@roles(*WORKERS)
def cool():
    """Record a lot's cooling (forced-air or cold room: temperature and hours)."""
    house, form, codes_here = _lot_form(CoolForm)
    rooms = places("cold_store") + places("packing_house")
    form.location_id.choices = options((p.id, p.name) for p in rooms)
    if request.method == "GET":
        _start(form, cooled_at=local_now(), lot=request.values.get("lot") or "")
        form.location_id.data = house.id

    def cooling() -> dict:
        return {
            "location_id": form.location_id.data,
            "cooled_at": aware(form.cooled_at.data),
            "temperature_c": form.temperature_c.data,
            "duration_h": form.duration_h.data,
        }

    done = _("Cooling of lot %(lot)s recorded.", lot=form.lot.data)
    fields = {"time": "cooled_at", "cooled_at": "cooled_at", "location_id": "location_id"}
    response = _lot_step(form, codes_here, lots.cool, cooling, done, fields)
    return response or render("web/cool.html", form=form, house=house)


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

    def inspection() -> dict:
        return {
            "location_id": house.id if house is not None else None,
            "inspected_at": aware(form.inspected_at.data),
            "result": form.result.data,
            "kind": (form.kind.data or "").strip() or None,
            "notes": (form.notes.data or "").strip() or None,
        }

    done = _("Inspection of lot %(lot)s recorded.", lot=form.lot.data)
    fields = {"time": "inspected_at", "inspected_at": "inspected_at", "result": "result"}
    response = _lot_step(form, codes_here, lots.inspect, inspection, done, fields)
    return response or render("web/inspect_lot.html", form=form, house=house)
