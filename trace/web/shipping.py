"""Shipping: load pallets into a container (their SSCCs scanned, the market's checks shown
before it is recorded), then the shipment's steps from its page: crossing a border gate by
road, departure, arrival (the importer's pages record arrivals the same way)."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from flask import flash, request, url_for
from flask_babel import gettext as _

from trace.db.session import get_session
from trace.services import packing, shipments

from . import scan, words
from .clock import aware, local_now
from .forms import ArriveForm, CrossForm, DepartForm, ShipmentForm, options
from .inspect import show_shipment
from .lookups import gate_choices, market_check, markets, places, port_choices, usual_market
from .once import submit_once
from .render import bp, render
from .staff import WORKERS, me, roles
from .worker import _action, _scan_error, _start


@bp.route("/app/shipment", methods=["GET", "POST"])
@roles(*WORKERS)
def shipment():
    """Load pallets into a container: scan each pallet's SSCC; the market checks are shown
    before the shipment is recorded."""
    form = _shipment_form()
    ssccs = [s for s in request.form.getlist("pallet") if s]
    action = _action()
    note = None
    if action == "scan":
        note = _shipment_scan(form, ssccs)
    elif action and action.startswith("remove:"):
        ssccs = [s for s in ssccs if s != action.removeprefix("remove:")]
    elif action == "submit" and form.validate():
        if not ssccs:
            form.form_errors.append(_("Scan at least one pallet."))
        else:
            response = submit_once(form, lambda: _record_shipment(form, ssccs), _LOADING_FIELDS)
            if response is not None:
                return response
    db = get_session()
    found = packing.pallets_by_sscc(db, ssccs)
    pallets = [
        {
            "sscc": sscc,
            "pallet": found.get(sscc),
            "contents": packing.pallet_contents(db, found[sscc]) if sscc in found else [],
        }
        for sscc in ssccs
    ]
    return render(
        "web/shipment_new.html",
        form=form,
        pallets=pallets,
        check=market_check(ssccs, form.market.data, form.consignee_id.data),
        note=note,
        cartons=sum(p["pallet"].cartons for p in pallets if p["pallet"]),
    )


# The loading's fields (and its refusals' hints) → the form's fields.
_LOADING_FIELDS = {
    "time": "loaded_at",
    "loaded_at": "loaded_at",
    "market": "market",
    "pallets": "scan",
    "exporter_id": "exporter_id",
    "consignee_id": "consignee_id",
    "truck_plate": "truck_plate",
    "border_gate": "border_gate",
}


def _shipment_form() -> ShipmentForm:
    """The loading form with its choices (markets, exporters, importers, conveyances, border
    gates); fresh, loaded now for the usual market."""
    form = ShipmentForm()
    form.market.choices = options((m, m) for m in markets())
    form.exporter_id.choices = options((e.id, e.name) for e in places("exporter"))
    form.consignee_id.choices = options((i.id, i.name) for i in places("importer"))
    form.conveyance.choices = [(m, words.word(words.CONVEYANCES, m)) for m in words.CONVEYANCES]
    form.border_gate.choices = options([("", ""), *gate_choices()])
    if request.method == "GET":
        _start(form, loaded_at=local_now(), market=usual_market())
    return form


def _shipment_scan(form, ssccs: list[str]) -> str | None:
    """A scanned pallet joins the list (once); what the form says of it."""
    found = scan.read(get_session(), form.scan.data or "")
    form.scan.data = ""
    if found.kind != "pallet":
        _scan_error(form, found, _("a pallet's SSCC"))
    elif found.sscc in ssccs:
        form.scan.errors = [_("Pallet %(sscc)s is on the list already.", sscc=found.sscc)]
    else:
        ssccs.append(found.sscc)
        return _("Pallet %(sscc)s added.", sscc=found.sscc)
    return None


def _record_shipment(form, ssccs: list[str]) -> str:
    made = shipments.create(
        get_session(),
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
    done = _("Shipment %(id)s crossed the border.", id=ident)
    fields = {"time": "crossed_at", "crossed_at": "crossed_at"}
    step = Step(shipments.cross, lambda: {"crossed_at": aware(form.crossed_at.data)}, done, fields)
    return on_shipment(ident, form, step, lambda: show_shipment(ident, cross=form, status=422))


@bp.route("/app/shipments/<int:ident>/departure", methods=["POST"])
@roles(*WORKERS)
def depart(ident: int):
    """Record that the shipment left (the container sailed or drove off)."""
    form = DepartForm()
    form.port_id.choices = port_choices()

    def departure() -> dict:
        data = {"departed_at": aware(form.departed_at.data)}
        if form.port_id.data:
            data["port_id"] = form.port_id.data
        return data

    done = _("Shipment %(id)s departed.", id=ident)
    step = Step(shipments.depart, departure, done, {"time": "departed_at", "port_id": "port_id"})
    return on_shipment(ident, form, step, lambda: show_shipment(ident, depart=form, status=422))


@bp.route("/app/shipments/<int:ident>/arrival", methods=["POST"])
@roles(*WORKERS)
def arrive(ident: int):
    """Record that the shipment arrived at the importer."""
    return record_arrival(ident, "web.shipment_page", show_shipment)


def record_arrival(ident: int, page: str, show):
    """The arrival form sent from a shipment's page: its time and condition recorded once,
    then `page` of the shipment; refused, `show(ident, arrive=form, status=422)` again."""
    form = ArriveForm()

    def arrival() -> dict:
        condition = (form.condition.data or "").strip() or None
        return {"arrived_at": aware(form.arrived_at.data), "condition": condition}

    done = _("Shipment %(id)s arrived.", id=ident)
    step = Step(shipments.arrive, arrival, done, {"time": "arrived_at", "arrived_at": "arrived_at"})
    return on_shipment(ident, form, step, lambda: show(ident, arrive=form, status=422), page)


class Step(NamedTuple):
    """One step of a shipment recorded from its page."""

    use_case: Callable  # (session, actor, shipment id, data) → its event
    data: Callable[[], dict]  # what the use case takes from the (validated) form
    done: str  # said on the next page
    fields: dict[str, str]  # the use case's fields and hints → the form's


def on_shipment(ident: int, form, step: Step, again: Callable, page: str = "web.shipment_page"):
    """Record `step` of shipment `ident` from `form` (once), then `page` of the shipment; the
    form invalid or the step refused: `again()`, the page with the reason beside its field."""
    if form.validate():

        def record() -> str:
            step.use_case(get_session(), me(), ident, step.data())
            flash(step.done, "ok")
            return url_for(page, ident=ident)

        response = submit_once(form, record, step.fields)
        if response is not None:
            return response
    return again()
