"""Printing labels from the packing line: choose kind, size, count and printer; see a preview;
print. Printing records the job (carton labels get their serials then); the page that follows
offers the file (PDF opens in the browser to print, ZPL downloads for a Zebra printer).

The file's address carries the recorded job, signed with the app's secret key: opening it
again gives the same labels (the same serials) without recording a new job, and nobody can
make an address for labels that were never recorded.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from trace.db.session import get_session
from trace.domain.errors import DomainError
from trace.filenames import content_disposition
from trace.gs1.serials import is_random_serial
from trace.labels.content import carton_labels, pallet_label, sticker_label
from trace.labels.render import SIZES, content_type, render, suffix
from trace.labels.sizes import Misfit, misfits
from trace.security import bounded_id
from trace.services import label_facts, label_serials
from trace.services import labels as service
from trace.services.common import get_lot
from trace.services.packing import get_pallet

from . import messages, scan, words
from .errors import show_error
from .forms import LabelForm, options
from .lookups import markets
from .once import new_token, submit_once
from .render import render as page
from .staff import me

MAX_REPRINT = 500


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="trace.web.labels")


def _settings() -> tuple[str, str]:
    config = current_app.config
    return config["PUBLIC_BASE_URL"], config["GS1_COMPANY_PREFIX"]


def _form() -> LabelForm:
    form = LabelForm()
    form.kind.choices = options((k, words.word(words.LABEL_KINDS, k)) for k in words.LABEL_KINDS)
    form.size.choices = options((s, words.word(words.LABEL_SIZES, s)) for s in SIZES)
    form.format.choices = options(
        (f, words.word(words.LABEL_FORMATS, f)) for f in words.LABEL_FORMATS
    )
    form.market.choices = options(
        [("", _("— the shipment's market —"))] + [(m, m) for m in markets()]
    )
    return form


def _serials(text: str | None) -> list[int | str] | None:
    """ "17, 18, 40-42, 0G7M9656647JF" → [17, 18, 40, 41, 42, "0G7M9656647JF"]: cartons by number
    (or a range of them) or by the serial printed on the label; None if empty; ValueError if
    neither."""
    if not (text or "").strip():
        return None
    numbers: list[int] = []
    printed: list[str] = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if is_random_serial(part):
            printed.append(part)
            continue
        first, _dash, last = part.partition("-")
        low, high = int(first), int(last or first)
        if not 1 <= low <= high <= 999_999_999 or high - low > MAX_REPRINT:
            raise ValueError(part)
        numbers.extend(range(low, high + 1))
    out = [*sorted(set(numbers)), *dict.fromkeys(printed)]
    if not out or len(out) > MAX_REPRINT:
        raise ValueError(text)
    return out


def _request(form: LabelForm) -> dict | None:
    """The label request the use case takes (as the API's LabelIn makes it), or None with
    errors put on the form."""
    kind, size, fmt = form.kind.data, form.size.data, form.format.data
    wanted = {"kind": kind, "size": size, "format": fmt}
    ok = True
    if kind == "pallet":
        if not form.sscc.data:
            form.sscc.errors.append(_("Scan or type the pallet's SSCC."))
            ok = False
        wanted["sscc"] = (form.sscc.data or "").strip()
    else:
        if not form.lot.data:
            form.lot.errors.append(_("Scan or type the lot."))
            ok = False
        wanted["lot"] = form.lot.data
    for misfit in misfits(kind, size, fmt):
        getattr(form, misfit.field).errors.append(_misfit_text(misfit))
        ok = False
    try:
        serials = _serials(request.form.get("serials"))
    except ValueError:
        form.count.errors.append(_("Serials are numbers such as 17, 18, 40-42."))
        return None
    if serials and kind == "carton":
        wanted["serials"] = serials
    else:
        wanted["count"] = form.count.data
    if form.market.data:
        wanted["market"] = form.market.data
    return wanted if ok else None


def _misfit_text(misfit: Misfit) -> str:
    """A size or format that does not fit (`trace.labels.sizes`), in the page's language."""
    said = {
        "label.pallet_size": _("A pallet label needs 100 × 150 mm or 4 × 6 in."),
        "label.zpl_sheet": _("ZPL is for thermal printers: choose a thermal size."),
    }
    return said.get(misfit.kind, misfit.message)


FIELDS = {"market": "market", "count": "count", "lot": "lot", "serials": "count", "sscc": "sscc"}


def labels():
    """The label form: scan a lot or pallet, choose, preview, print."""
    db = get_session()
    form = _form()
    if request.method == "GET":
        form.once.data = new_token()
        args = request.args
        form.kind.data = args.get("kind") if args.get("kind") in words.LABEL_KINDS else "carton"
        form.lot.data = args.get("lot", "")
        form.sscc.data = args.get("sscc", "")
        form.count.data = args.get("count", type=int) or 1
        form.size.data = "100x150mm"
        form.format.data = "pdf"
        form.market.data = args.get("market", "")
    action = request.form.get("action", "submit") if request.method == "POST" else ""
    preview = None
    if action == "scan":
        found = scan.read(db, form.scan.data or "")
        if found.kind == "pallet":
            form.kind.data, form.sscc.data = "pallet", found.sscc
        elif found.lot is not None:
            form.lot.data = found.lot.code
            if form.kind.data == "pallet":
                form.kind.data = "carton"
            if form.kind.data == "carton" and found.lot.cartons:
                done = sum(
                    last - first + 1 for first, last in label_serials.printed_serials(db, found.lot)
                )
                form.count.data = max(found.lot.cartons - done, 1)
        else:
            text = messages.translate(found.problem)[0] if found.problem else found.text
            form.scan.errors = [text]
        form.scan.data = ""
    elif action == "preview" and form.validate():
        wanted = _request(form)
        if wanted is not None:
            base, prefix = _settings()
            try:
                service.prepare(
                    db, me(), wanted, base_url=base, company_prefix=prefix, preview=True
                )
            except DomainError as error:
                show_error(form, error, FIELDS)
            else:
                shown = {k: v for k, v in wanted.items() if k in ("kind", "lot", "sscc", "market")}
                if wanted.get("serials"):
                    shown["serial"] = wanted["serials"][0]
                preview = url_for("web.labels_preview", size=wanted["size"], **shown)
    elif action == "submit" and form.validate():
        wanted = _request(form)
        if wanted is not None:
            response = submit_once(form, lambda: _record(wanted), FIELDS)
            if response is not None:
                return response
    return page(
        "web/labels.html", form=form, preview=preview, serials=request.form.get("serials", "")
    )


def _record(wanted: dict) -> str:
    """Record the job (allocating carton serials) and return the page offering its file."""
    db = get_session()
    base, prefix = _settings()
    job = {k: wanted.get(k) for k in ("kind", "lot", "sscc", "size", "format", "market")}
    job["user"] = me().id
    if wanted["kind"] == "carton":
        lot = get_lot(db, wanted["lot"])
        market = label_facts.carton_market(db, lot, wanted.get("market"))
        recorded, lot, _product, _serials_printed = label_serials.carton_job(
            db,
            me(),
            lot.code,
            count=wanted.get("count"),
            serials=wanted.get("serials"),
            size=wanted["size"],
            fmt=wanted["format"],
        )
        if wanted.get("serials"):
            numbers = sorted(label_serials.reprinted(db, lot, wanted["serials"])[0])
        else:
            numbers = list(range(recorded.serial_first, recorded.serial_last + 1))
        # The cartons' numbers (short, in ranges); the file prints the serials they carry.
        job.update(market=market, serials=_ranges(numbers), count=len(numbers))
    else:
        config = current_app.config
        service.check_count(db, wanted, config["LABEL_PALLET_MAX"], config["LABEL_STICKER_MAX"])
        service.prepare(db, me(), wanted, base_url=base, company_prefix=prefix)
        job["count"] = wanted["count"]
    flash(_("%(count)s labels recorded.", count=job["count"]), "ok")
    return url_for("web.label_printed", job=_signer().dumps(job))


def _ranges(serials: list[int]) -> list[list[int]]:
    """[1, 2, 3, 7] → [[1, 3], [7, 7]] (short addresses for long runs)."""
    out: list[list[int]] = []
    for serial in serials:
        if out and serial == out[-1][1] + 1:
            out[-1][1] = serial
        else:
            out.append([serial, serial])
    return out


def _job(signed: str) -> dict:
    try:
        job = _signer().loads(signed)
    except BadSignature:
        abort(404)
    if job.get("user") != me().id and me().role != "admin":
        abort(403)
    return job


def printed(job: str):
    """The labels just recorded, with the file to open or download."""
    details = _job(job)
    return page(
        "web/labels_printed.html",
        job=details,
        file_url=url_for("web.label_file", job=job),
        file_name=_name(details) + suffix(details["format"]),
    )


def _name(job: dict) -> str:
    if job["kind"] == "carton":
        first, last = job["serials"][0][0], job["serials"][-1][1]
        return f"cartons-{job['lot']}-{first}-{last}".replace("/", "-")
    if job["kind"] == "pallet":
        return f"pallet-{job['sscc']}"
    return f"stickers-{job['lot']}".replace("/", "-")


def _labels(job: dict, market: str | None, serial: int | None = None):
    db = get_session()
    base, prefix = _settings()
    if job["kind"] == "pallet":
        facts = label_facts.pallet_facts(db, get_pallet(db, job["sscc"]), market, prefix)
        return [pallet_label(facts)]
    lot = get_lot(db, job["lot"])
    if job["kind"] == "sticker":
        return [sticker_label(base, lot.code)]
    facts = label_facts.lot_facts(db, lot, market, base)
    if serial is not None:
        return carton_labels(facts, label_serials.printed_as(db, lot, [serial]))
    numbers = [n for first, last in job["serials"] for n in range(first, last + 1)]
    return carton_labels(facts, label_serials.printed_as(db, lot, numbers))


def file(job: str):
    """The recorded job's labels again (same serials): PDF inline, ZPL as a download."""
    details = _job(job)
    items = _labels(details, details.get("market"))
    if details["kind"] != "carton":
        items = items * details["count"]
    fmt = details["format"]
    disposition = "inline" if fmt == "pdf" else "attachment"
    return Response(
        render(items, details["size"], fmt),
        content_type=content_type(fmt),
        headers={
            "Content-Disposition": content_disposition(_name(details) + suffix(fmt), disposition),
            "Cache-Control": "private, no-store",
        },
    )


def preview():
    """A PNG of the first label the form would print (records nothing)."""
    args = request.args
    wanted = {
        "kind": args.get("kind", "carton"),
        "size": args.get("size", "100x150mm"),
        "format": "png",
        "count": 1,
    }
    for key in ("lot", "sscc", "market"):
        if args.get(key):
            wanted[key] = args[key]
    serial = args.get("serial", "")
    if args.get("serial", type=bounded_id):
        wanted["serials"] = [args.get("serial", type=bounded_id)]
    elif is_random_serial(serial):
        wanted["serials"] = [serial]
    if wanted["size"] not in SIZES:
        abort(404)
    base, prefix = _settings()
    chosen, _file_name = service.prepare(
        get_session(), me(), wanted, base_url=base, company_prefix=prefix, preview=True
    )
    return Response(
        render(chosen, wanted["size"], "png"),
        content_type="image/png",
        headers={"Cache-Control": "private, no-store"},
    )
