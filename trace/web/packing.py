"""The packing form: harvest lots received here (kilograms of each) → a new lot of cartons, the
mass balance shown before it is recorded (asked of the rules the packing use case applies);
and the label printing pages that follow a packing."""

from __future__ import annotations

from flask import flash, request, url_for
from flask_babel import gettext as _

from trace.db.session import get_session
from trace.domain.quantities import fmt_qty, left, require_cartons_fit, require_packable
from trace.services import lots, packing

from . import labels_print, messages, scan
from .clock import local_now, today
from .forms import PackForm, options
from .house import current_house
from .language import language
from .lookups import places
from .once import submit_once
from .render import bp, render
from .staff import WORKERS, me, roles
from .worker import _action, _no_house, _scan_error, _start, number, refusal


@bp.route("/app/pack", methods=["GET", "POST"])
@roles(*WORKERS)
def pack():
    """Pack lots into cartons: the lots used (kg each) → a new packed lot; the mass balance is
    shown before it is recorded."""
    house = current_house()
    if house is None:
        return _no_house()
    form = PackForm()
    products = lots.products(get_session(), with_gtin=True)
    form.product_gtin.choices = options((p.gtin, _product_label(p)) for p in products)
    if request.method == "GET":
        _start(form, packed_on=today())
        if request.args.get("product"):
            form.product_gtin.data = request.args["product"]
    rows = _pack_rows(house)
    action = _action()
    if action == "scan":
        _pack_scan(form, rows)
    product = next((p for p in products if p.gtin == form.product_gtin.data), None)
    if product is None and products:
        product = products[0]
    balance = _balance(rows, form.cartons.data, product)
    if action == "submit" and form.validate() and not balance["row_errors"]:
        response = _record_packing(form, house, rows)
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


def _pack_rows(house) -> list[dict]:
    """A row per harvest lot here with kilograms left: its orchard and the kg typed for it
    (a link's `?lot=` starts with all that lot has left)."""
    origins = {o.id: o.name for o in places("orchard")}
    rows = [
        {"lot": lot, "left": left(lot), "origin": origins.get(lot.orchard_id, "")}
        for lot in packing.packable_at(get_session(), house.id)
    ]
    typed = dict(zip(request.form.getlist("use_lot"), request.form.getlist("use_kg"), strict=False))
    for row in rows:
        row["typed"] = typed.get(row["lot"].code, "")
    if request.method == "GET" and request.args.get("lot"):
        for row in rows:
            if row["lot"].code == request.args["lot"]:
                row["typed"] = fmt_qty(row["left"])
    return rows


def _pack_scan(form, rows: list[dict]) -> None:
    """A scanned lot's row is used (all it has left, unless a quantity is typed already)."""
    found = scan.read(get_session(), form.scan.data or "")
    row = next((r for r in rows if found.lot is not None and r["lot"].id == found.lot.id), None)
    if row is not None:
        row["typed"] = row["typed"] or fmt_qty(row["left"])
    elif found.lot is not None:
        form.scan.errors = [_("Lot %(lot)s has nothing left to pack here.", lot=found.lot.code)]
    else:
        _scan_error(form, found, _("a lot received here"))
    form.scan.data = ""


def _record_packing(form, house, rows: list[dict]):
    """The packing use case with the rows' kilograms, once; None: refused (said on the form)."""
    inputs = [{"lot": r["lot"].code, "quantity": r["kg"], "unit": "kg"} for r in rows if r["kg"]]
    if not inputs:
        form.form_errors.append(_("Give the kilograms used of at least one lot."))
        return None

    def record() -> str:
        packed_on = form.packed_on.data
        packed = packing.pack(
            get_session(),
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
            _("Packed lot %(lot)s: %(cartons)s cartons.", lot=packed.code, cartons=packed.cartons),
            "ok",
        )
        return url_for("web.lot", code=packed.code)

    return submit_once(form, record, _PACKING_FIELDS)


# The packing's fields (and its refusals' hints) → the form's fields.
_PACKING_FIELDS = {
    "time": "packed_on",
    "packed_on": "packed_on",
    "packed_at": "packed_on",
    "cartons": "cartons",
    "product_gtin": "product_gtin",
    "lot_code": "lot_code",
}


def _product_label(product) -> str:
    names = product.name or {}
    name = names.get(language()) or names.get("vi") or next(iter(names.values()), "")
    weight = f" · {fmt_qty(product.net_weight_kg)} kg" if product.net_weight_kg else ""
    return f"{name}{weight}"


def _balance(rows: list[dict], cartons: int | None, product) -> dict:
    """What the packing would take and give: kg used per lot and in all, the cartons' net
    weight, and what would be left; errors per lot row (the packing's own rules, asked)."""
    used, errors = 0.0, {}
    for row in rows:
        row["kg"] = None
        if row["typed"].strip():
            value = number(row["typed"])
            refused = value and value > 0 and refusal(require_packable, row["lot"], value, "kg")
            if value is None or value <= 0:
                errors[row["lot"].code] = _("A number greater than 0.")
            elif refused:
                errors[row["lot"].code] = _row_error(refused)
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
        "fits": refusal(require_cartons_fit, cartons or 0, each, used) is None,
        "row_errors": errors,
    }


def _row_error(error) -> str:
    """A lot row's refusal: in short when it is what the lot has left."""
    if error.kind == "mass_balance.packed_exceeds_received":
        return _("Only %(left)s kg left.", left=fmt_qty(round(error.params["left"], 3)))
    return messages.translate(error)[0]


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
