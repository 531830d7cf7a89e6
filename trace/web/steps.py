"""The forms of the steps only some commodities have (trace.domain.commodities): washing,
grading by size class, cold storage. Each records one event on the lot, as cooling does."""

from __future__ import annotations

from flask import abort, request
from flask_babel import gettext as _

from trace.services import steps

from .clock import aware, local_now
from .forms import SIZE_CLASSES, GradeForm, StoreForm, WashForm, options
from .house import current_house
from .lookups import places
from .render import bp, render
from .staff import WORKERS, roles
from .worker import _action, _lot_choices, _no_house, _record_on_lot, _scan_lot, _start

# step -> (form, use case, its time field, the kinds of place it may happen at)
STEPS = {
    "wash": (WashForm, steps.wash, "washed_at", ("packing_house",)),
    "grade": (GradeForm, steps.grade, "graded_at", ("packing_house",)),
    "store": (StoreForm, steps.store, "stored_at", ("cold_store", "packing_house")),
}


def _data(kind: str, form) -> dict:
    """What the use case takes from the form, beyond the place and the time."""
    if kind == "wash":
        return {"method": form.method.data}
    if kind == "grade":
        return {"grades": form.grades(), "culls": form.culls.data or 0}
    return {k: form[k].data for k in ("temperature_c", "humidity_pct", "days")}


def _texts(kind: str, lot: str) -> tuple[str, str, str]:
    """(heading, button, done message) of a step's page, in the reader's language."""
    return {
        "wash": (_("Record a washing"), _("Record the washing"),
                 _("Washing of lot %(lot)s recorded.", lot=lot)),
        "grade": (_("Record a grading by size"), _("Record the grading"),
                  _("Grading of lot %(lot)s recorded.", lot=lot)),
        "store": (_("Record cold storage"), _("Record the cold storage"),
                  _("Cold storage of lot %(lot)s recorded.", lot=lot)),
    }[kind]  # fmt: skip


@bp.route("/app/step/<kind>", methods=["GET", "POST"])
@roles(*WORKERS)
def step(kind: str):
    """Record a washing, a grading by size class or cold storage of a lot."""
    if kind not in STEPS:
        abort(404)
    house = current_house()
    if house is None:
        return _no_house()
    form_class, use_case, time_field, kinds = STEPS[kind]
    form = form_class()
    codes_here = _lot_choices(form, house)
    form.location_id.choices = options((p.id, p.name) for k in kinds for p in places(k))
    if request.method == "GET":
        _start(form, lot=request.values.get("lot") or "", **{time_field: local_now()})
        form.location_id.data = house.id
    heading, button, done = _texts(kind, form.lot.data or "")
    action = _action()
    if action == "scan":
        _scan_lot(form, codes_here)
    elif action == "submit" and form.validate():
        data = {"location_id": form.location_id.data, time_field: aware(form[time_field].data)}
        fields = {"time": time_field, time_field: time_field, "location_id": "location_id"}
        if kind == "grade":
            fields["grades"] = f"size_{SIZE_CLASSES[0]}"
        response = _record_on_lot(form, use_case, data | _data(kind, form), done, fields)
        if response is not None:
            return response
    shown = [f for f in form if f.name not in ("scan", "lot", "once", "csrf_token")]
    return render("web/step.html", form=form, fields=shown, heading=heading, button=button)
