"""The pallet form: scan each carton (its QR or its lot's barcode) or type a lot and its count;
each scan is checked against the rules the palletising use case applies before it counts."""

from __future__ import annotations

from flask import current_app, flash, request, url_for
from flask_babel import gettext as _

from trace.db.session import get_session
from trace.domain.quantities import cartons_left, require_cartons, require_palletisable
from trace.services import lots, packing

from . import messages, scan
from .clock import aware, local_now
from .forms import PalletForm
from .house import current_house
from .once import submit_once
from .render import bp, render
from .staff import WORKERS, me, roles
from .worker import _action, _no_house, _scan_error, _start, refusal


@bp.route("/app/pallet", methods=["GET", "POST"])
@roles(*WORKERS)
def pallet():
    """Build a pallet: scan each carton (its QR or lot barcode) or type a lot and its count."""
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
    available = packing.palletisable_at(get_session(), house.id)
    action = _action()
    note, result = None, ""
    if action == "scan":
        note, result = _pallet_scan(form, house, lines, seen, done)
    elif action == "add":
        code = request.form.get("add_lot", "")
        lot = next((lot for lot in available if lot.code == code), None)
        if lot is not None and code not in lines:
            lines[code] = cartons_left(lot)
    elif action and action.startswith("remove:"):
        lines.pop(action.removeprefix("remove:"), None)
        seen = [s for s in seen if s.partition("|")[0] in lines]
    elif action == "submit" and form.validate():
        response = _record_pallet(form, house, lines)
        if response is not None:
            return response
    info = lots.by_codes(get_session(), list(lines))
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


def _pallet_scan(form, house, lines: dict, seen: list, done: list) -> tuple[str | None, str]:
    """Take in a scan (once per queued scan id): what the form says, and whether it counted."""
    scan_id = (request.form.get("scan_id") or "")[:64]
    if scan_id and scan_id in done:
        form.scan.data = ""
        return None, "repeat"
    found = scan.read(get_session(), form.scan.data or "")
    note = _take_carton(form, found, house, lines, seen)
    if scan_id:
        done.append(scan_id)
    form.scan.data = ""
    return note, "counted" if note else "refused"


def _record_pallet(form, house, lines: dict):
    """The palletising use case with the lines' cartons, once; None: refused (on the form)."""
    contents = [{"lot": code, "cartons": n} for code, n in lines.items() if n]
    if not contents:
        form.form_errors.append(_("Scan at least one carton."))
        return None

    def record() -> str:
        config = current_app.config
        made = packing.palletise(
            get_session(),
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
            _("Pallet %(sscc)s: %(cartons)s cartons.", sscc=made.sscc, cartons=made.cartons), "ok"
        )
        return url_for("web.pallet_page", sscc=made.sscc)

    fields = {"time": "palletised_at", "palletised_at": "palletised_at", "contents": "scan"}
    return submit_once(form, record, fields)


_MAX_SCAN_IDS = 2000  # the ids of a pallet's queued scans the form carries back (a pallet: ≤ ~300)


def _take_carton(form, found: scan.Scanned, house, lines: dict, seen: list) -> str | None:
    """Count a scanned carton on its lot's line (each carton once); a lot code adds its line."""
    lot = found.lot
    if lot is None:
        _scan_error(form, found, _("a carton or a packed lot"))
        return None
    refused = refusal(require_cartons, lot)
    if refused:
        form.scan.errors = [messages.translate(refused)[0]]
        return None
    if lot.location_id != house.id:
        form.scan.errors = [_("Lot %(lot)s is not at this packing house.", lot=lot.code)]
        return None
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
        refused = refusal(require_palletisable, lot, (lines.get(lot.code) or 0) + 1)
        if refused:
            form.scan.errors = [messages.translate(refused)[0]]
            return None
        seen.append(key)
        lines[lot.code] = (lines.get(lot.code) or 0) + 1
        return _("Carton %(serial)s of lot %(lot)s counted.", serial=found.serial, lot=lot.code)
    if lot.code not in lines:
        lines[lot.code] = cartons_left(lot)
    return _("Lot %(lot)s added: type how many of its cartons are on the pallet.", lot=lot.code)
