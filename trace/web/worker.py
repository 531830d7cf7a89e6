"""What the packing house's forms share (receiving.py, packing.py, pallets.py, shipping.py,
steps.py). Each form works with a barcode scanner: a scanned code lands in the form's scan
field and Enter sends it with `action=scan` (the form comes back with the code taken in: an
orchard chosen, a carton counted, a pallet added); the form's big button records
(`action=submit`). A form's preview asks the rule the use case will apply (`refusal`), so
what it says before the form is sent is what the use case decides.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from trace.db.session import get_session
from trace.domain.errors import DomainError
from trace.services import lots

from . import messages, scan
from .forms import options
from .house import current_house
from .once import new_token, submit_once
from .staff import me


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


def number(text: str | None) -> float | None:
    """A number typed on a page (a decimal comma is a point); None: not a finite number."""
    try:
        value = float((text or "").replace(",", "."))
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def refusal(rule, *args) -> DomainError | None:
    """What `rule` (one of trace.domain's, which the use case applies too) refuses of `args`:
    its error, or None."""
    try:
        rule(*args)
    except DomainError as error:
        return error
    return None


def _record_on_lot(form, use_case, data: dict, done: str, fields: dict[str, str]):
    """Record one event on the form's lot through `use_case` (once, as `submit_once` does),
    then the lot's page with `done` said; None when refused (the error is beside its field)."""

    def record() -> str:
        use_case(get_session(), me(), form.lot.data, data)
        flash(done, "ok")
        return url_for("web.lot", code=form.lot.data)

    return submit_once(form, record, fields)


def _lot_form(form_class):
    """The packing house, a lot step's form and the lots it offers; with no house set up yet,
    the home page instead (it says so)."""
    house = current_house()
    if house is None:
        abort(_no_house())
    form = form_class()
    return house, form, _lot_choices(form, house)


def _lot_step(form, codes_here: list[str], use_case, data, done: str, fields: dict[str, str]):
    """A lot step's form sent: a scanned code chooses the lot; the button records `use_case`
    with `data()` once, then the lot's page. None: the form is shown again."""
    action = _action()
    if action == "scan":
        _scan_lot(form, codes_here)
    elif action == "submit" and form.validate():
        return _record_on_lot(form, use_case, data(), done, fields)
    return None


def _lot_choices(form, house) -> list[str]:
    """The form's lot choices: the lots at this house, and the one the link named."""
    codes_here = [lot.code for lot in lots.lots_at(get_session(), house.id)]
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
