"""The inspector's pages: search any code, the chain drawn, a lot's timeline and mass balance,
pallets and shipments, the recall report, the hash chain's integrity, and the exports."""

from __future__ import annotations

import json

from flask import Response, abort, current_app, redirect, request, url_for
from flask_babel import gettext as _

from trace.config import signing_key_path
from trace.db.session import get_session
from trace.domain.commodities import steps_of
from trace.domain.epcis_ids import Names
from trace.domain.errors import Invalid, NotFound
from trace.filenames import content_disposition
from trace.gs1 import digital_link
from trace.security import bounded_id
from trace.services import (
    audit,
    evidence,
    fsma,
    fsma_files,
    identify,
    inspection,
    reports,
    shipments,
    tracing,
)
from trace.services.common import get_lot, now
from trace.services.epcis import export

from . import chain, words
from .clock import shown_time
from .lookups import (
    gate_choices,
    market_check,
    new_arrive_form,
    new_cross_form,
    new_depart_form,
)
from .render import bp, render
from .staff import AUDITORS, READERS, WORKERS, can, me, roles

# --- search ---------------------------------------------------------------------------------------


@bp.route("/search")
@roles(*READERS)
def search():
    """Find anything by a code: lot, carton QR, SSCC, container, phyto certificate, bill of
    lading, shipment number, growing-area code or GLN."""
    text = (request.args.get("q") or "").strip()
    if not text:
        return render("web/search.html", q="", results=None)
    db = get_session()
    try:
        found = identify.identify(db, text)
    except (NotFound, Invalid):
        return render("web/search.html", 404, q=text, results=[])
    if found.kind in ("lot", "carton"):
        return redirect(url_for("web.lot", code=found.key))
    if found.kind == "pallet":
        return redirect(url_for("web.pallet_page", sscc=found.key))
    if found.kind == "place":
        return redirect(url_for("web.chain_page", start=found.node))
    if found.kind == "shipment" and len(found.ids) == 1:
        return redirect(url_for("web.shipment_page", ident=found.id))
    matches = identify.shipments(db, found) if found.kind == "shipment" else []
    return render("web/search.html", 200 if matches else 404, q=text, results=matches)


# --- the chain ------------------------------------------------------------------------------------


def _href(item: dict) -> str | None:
    kind, _, ident = item["id"].partition(":")
    if kind == "group":  # a shipment's pallets folded into one node: open it on this page
        opened = [*request.args.getlist("open"), item["id"]]
        return url_for(request.endpoint, **request.view_args, open=opened, _anchor="chain")
    if kind == "lot":
        return url_for("web.lot", code=item["label"])
    if kind == "pallet":
        return url_for("web.pallet_page", sscc=item["label"])
    if kind == "shipment":
        return url_for("web.shipment_page", ident=int(ident))
    return url_for("web.chain_page", start=item["id"])


def _detail(item: dict) -> str:
    kind = item["kind"]
    if kind in words.PLACES:
        active = [c["value"] for c in item.get("codes", []) if c["status"] == "active"]
        return ", ".join(active) or words.word(words.PLACES, kind)
    if kind.endswith("_lot"):
        parts = [f"{item['quantity']:g} {item['unit']}", item["produced_on"]]
        if item.get("cartons"):
            parts[0] = _("%(n)s cartons", n=item["cartons"])
        if item.get("on_hold"):
            parts.append(_("ON HOLD"))
        return " · ".join(parts)
    if kind == "pallet":
        return _("%(n)s cartons", n=item["cartons"])
    return " · ".join(
        x
        for x in (
            item.get("market"),
            item.get("container_no"),
            words.word(words.STATUSES, item.get("status")),
        )
        if x
    )


def picture(start: str, title: str) -> dict:
    """The chain around `start`: the picture (a shipment's many pallets folded into one node
    unless `?open=` names it) and the whole graph as table rows."""
    nodes, edges = inspection.around(get_session(), start)
    for item in nodes:
        if item["kind"] == "shipment":
            item["label"] = _("Shipment %(id)s", id=item["id"].partition(":")[2])
    titles = {"place": str(words.NODES["orchard"]), **{k: str(v) for k, v in words.NODES.items()}}
    shown, lines = chain.group(
        nodes,
        edges,
        set(request.args.getlist("open")),
        lambda pallets, cartons: _("%(n)s pallets", n=pallets),
    )
    return {
        "svg": chain.svg(
            shown, lines, href=_href, detail=_detail, titles=titles, start=start, title=title
        ),
        "rows": chain.rows(nodes, edges, href=_href, detail=_detail, titles=titles),
        "folded": len(shown) < len(nodes),
    }


@bp.route("/app/chain/<start>")
@roles(*READERS)
def chain_page(start: str):
    """The chain around one node (an orchard, lot, pallet or shipment), drawn."""
    kind, _sep, ident = start.partition(":")
    try:
        number = bounded_id(ident)
    except ValueError:
        abort(404)
    if kind not in ("location", "lot", "pallet", "shipment"):
        abort(404)
    title = start
    if kind == "location":
        title = inspection.place_name(get_session(), number)
        if title is None:
            abort(404)
    return render(
        "web/chain.html", chain=picture(start, _("The chain of %(what)s", what=title)), title=title
    )


# --- a lot --------------------------------------------------------------------------------------


def timeline(db, events) -> list[dict]:
    """Events as lines a person reads: when, what, where, the figures that matter."""
    events = list(events)
    # who recorded each event, and each event's place as it was when the event happened
    names = inspection.names_in(db, events)
    return [_line(event, names) for event in events]


def _line(event, names: inspection.EventNames) -> dict:
    data = event.data or {}
    place = names.places.location(event.biz_location_id, event.event_time)
    correction = event.type == "correct"
    return {
        "id": event.id,
        "kind": event.type,
        "name": words.word(words.EVENTS, event.type),
        "when": shown_time(event.event_time, event.tz_offset),
        "where": place["name"] if place else "",
        "facts": _facts(data),
        "who": names.people.get(event.user_id, ""),
        "corrects": event.corrects_id,
        "change": _change(data) if correction else [],
        "reason": data.get("reason") if correction else None,
        "correct_url": url_for("web.correct_event", ident=event.id)
        if not correction and can(*READERS)
        else None,
        "hash": event.hash[:12],
    }


def _facts(data: dict) -> list[str]:
    """The figures of an event that matter to a person: quantities, method, certificate…"""
    facts = []
    for q in data.get("quantities", []) or []:
        if q.get("quantity") is not None:
            facts.append(f"{q.get('lot', '')} {q['quantity']:g} {_unit(q.get('uom'))}")
    for key, label in (
        ("method", _("method")),
        ("batch_no", _("batch")),
        ("certificate_no", _("certificate")),
        ("result", _("result")),
        ("temperature_c", "°C"),
        ("container_no", _("container")),
        ("condition", _("condition")),
        ("market", _("market")),
        ("parent", "SSCC"),
    ):
        if data.get(key) not in (None, ""):
            value = data[key]
            if key == "method":
                value = words.word(words.METHODS, value)
            facts.append(f"{label}: {value}")
    for item in data.get("inputs", []) or []:
        facts.append(_("used %(lot)s %(qty)s kg", lot=item["lot"], qty=f"{item['quantity']:g}"))
    for item in data.get("outputs", []) or []:
        facts.append(_("made %(lot)s, %(n)s cartons", lot=item["lot"], n=item["quantity"]))
    for item in data.get("children", []) or []:
        facts.append(_("%(lot)s: %(n)s cartons", lot=item["lot"], n=item["quantity"]))
    lifted = data.get("hold_lifted")
    if lifted:
        facts.append(
            _(
                "hold lifted by %(who)s (%(role)s): %(why)s",
                who=lifted["by"],
                role=lifted["role"],
                why=lifted["why"] or "—",
            )
        )
    return facts


def _change(data: dict) -> list[tuple[str, str, str]]:
    """A correction's changed fields: (field, before, after)."""
    before = data.get("before") or {}
    return [
        (words.word(words.FIELDS, key), _shown(before.get(key, "")), _shown(value))
        for key, value in (data.get("changes") or {}).items()
    ]


def _shown(value) -> str:
    """A corrected field's value as a person reads it (1180, not 1180.0)."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _unit(uom: str | None) -> str:
    return {"KGM": "kg", "CT": _("cartons")}.get(uom or "", uom or "")


@bp.route("/app/lots/<path:code>")
@roles(*READERS)
def lot(code: str):
    """A lot: what it holds (mass balance), its codes, its timeline, its chain."""
    db = get_session()
    page = inspection.lot_page(db, code)
    row = page.lot
    base = current_app.config["PUBLIC_BASE_URL"]
    gtin = (page.state["product"] or {}).get("gtin")
    codes = {"lot": row.code}
    if gtin:
        codes["gtin"] = gtin
        codes["link"] = digital_link(base, gtin, lot=row.code)
    return render(
        "web/lot.html",
        lot=row,
        state=page.state,
        steps=steps_of(row.commodity),
        events=timeline(db, page.events),
        codes=codes,
        printed=page.printed,
        pallets=page.pallets,
        chain=picture(page.node, _("The chain of lot %(lot)s", lot=row.code)),
    )


# --- a pallet, a shipment -------------------------------------------------------------------------


@bp.route("/app/pallets/<sscc>")
@roles(*READERS)
def pallet_page(sscc: str):
    """A pallet: its SSCC, what is on it, its shipment, its label."""
    db = get_session()
    page = inspection.pallet_page(db, sscc)
    return render(
        "web/pallet_page.html",
        pallet=page.pallet,
        contents=page.contents,
        place=page.place,
        shipment=page.shipment,
        events=timeline(db, page.events),
        chain=picture(page.node, _("The chain of pallet %(sscc)s", sscc=page.pallet.sscc)),
    )


def show_shipment(ident: int, depart=None, arrive=None, cross=None, status: int = 200):
    """The shipment page (also shown again with a departure or arrival form's errors)."""
    db = get_session()
    page = inspection.shipment_page(db, ident)
    row = page.shipment
    forms = {}
    if can(*WORKERS):
        if row.status == "loaded":
            forms["depart"] = depart or new_depart_form()
        if row.status == "departed" and row.conveyance == "road" and row.crossed_at is None:
            forms["cross"] = cross or new_cross_form()
        elif row.status == "departed":
            forms["arrive"] = arrive or new_arrive_form()
    return render(
        "web/shipment.html",
        status,
        shipment=row,
        exporter=page.exporter,
        consignee=page.consignee,
        pallets=page.pallets,
        events=timeline(db, page.events),
        forms=forms,
        gate=dict(gate_choices()).get(row.border_gate or "", row.border_gate),
        check=market_check(
            [p.sscc for p, _c in page.pallets], row.market, row.consignee_id, own=row.id
        ),
        chain=picture(page.node, _("The chain of shipment %(id)s", id=row.id)),
    )


@bp.route("/app/shipments/<int:ident>")
@roles(*READERS)
def shipment_page(ident: int):
    """A shipment: container, certificate, pallets, the chain back to the orchards."""
    return show_shipment(ident)


# --- recall, audit, exports -----------------------------------------------------------------------


@bp.route("/app/recall")
@roles(*READERS)
def recall_form():
    """Ask for a recall report by any code."""
    code = (request.args.get("code") or "").strip()
    if code:
        return redirect(url_for("web.recall", code=code))
    return render("web/recall_ask.html")


@bp.route("/app/recall/<path:code>")
@roles(*READERS)
def recall(code: str):
    """Everything downstream of a code: shipments, markets, consignees, pallets, lots."""
    report = tracing.recall(get_session(), code)
    return render("web/recall.html", code=code, report=report)


def _download(content: bytes, content_type: str, name: str) -> Response:
    return Response(
        content,
        content_type=content_type,
        headers={
            "Content-Disposition": content_disposition(name),
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/app/recall/<path:code>/report.<any(csv, pdf):fmt>")
@roles(*READERS)
def recall_file(code: str, fmt: str):
    """The recall report as the API gives it: CSV (one row per pallet) or PDF (chain drawn)."""
    data = reports.recall_report(get_session(), code)
    if fmt == "csv":
        return _download(reports.recall_csv(data), "text/csv; charset=utf-8", f"recall_{code}.csv")
    return _download(reports.recall_pdf(data, now()), "application/pdf", f"recall_{code}.pdf")


@bp.route("/app/audit")
@roles(*AUDITORS)
def integrity():
    """The hash chain of the event log recomputed, and the signed checkpoints checked."""
    trusted = evidence.trusted_keys(signing_key_path(current_app.config, current_app.instance_path))
    result = audit.verify(get_session(), trusted)
    return render("web/audit.html", result=result, status=200 if result["ok"] else 409)


def _scope() -> export.Scope:
    lot_code = request.args.get("lot") or None
    shipment = request.args.get("shipment", type=bounded_id)
    if request.args.get("shipment") and shipment is None:
        raise NotFound("no such shipment", kind="shipment.unknown", id=request.args["shipment"])
    if lot_code:
        get_lot(get_session(), lot_code)
    if shipment:
        shipments.get_shipment(get_session(), shipment)
    if not lot_code and not shipment:
        raise NotFound("give a lot or a shipment", kind="export.scope_missing")
    return export.Scope(lot=lot_code, shipment=shipment)


@bp.route("/app/exports")
@roles(*AUDITORS)
def exports():
    """The exports of a lot or shipment: EPCIS 2.0, the FSMA 204 spreadsheet, the API's links."""
    return render(
        "web/exports.html",
        lot=request.args.get("lot", ""),
        shipment=request.args.get("shipment", ""),
    )


def epcis_download(scope: export.Scope) -> Response:
    """An EPCIS 2.0 document of the scope's events, as the API's /exports/epcis gives it to the
    logged-in user."""
    config = current_app.config
    document = export.export_document(
        get_session(),
        scope,
        Names(config["PUBLIC_BASE_URL"]),
        config["EPCIS_EXTENSION_NAMESPACE"],
        me(),
    )
    content = json.dumps(document, ensure_ascii=False, indent=1).encode()
    return _download(content, "application/ld+json", f"epcis_{scope.label()}.jsonld")


def fsma_download(scope: export.Scope) -> Response:
    """The FSMA 204 sortable spreadsheet of the scope, as the API's CSV."""
    table = fsma.rows(get_session(), scope, Names(current_app.config["PUBLIC_BASE_URL"]), me())
    return _download(
        fsma_files.to_csv(table), "text/csv; charset=utf-8", f"fsma204_{scope.label()}.csv"
    )


@bp.route("/app/exports/epcis.jsonld")
@roles(*AUDITORS)
def export_epcis():
    """An EPCIS 2.0 document of a lot's or shipment's events (as the API's /exports/epcis)."""
    return epcis_download(_scope())


@bp.route("/app/exports/fsma204.csv")
@roles(*AUDITORS)
def export_fsma():
    """The FSMA 204 sortable spreadsheet of a lot or shipment (as the API's CSV)."""
    return fsma_download(_scope())
