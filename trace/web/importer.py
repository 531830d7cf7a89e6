"""An importer's pages: the shipments consigned to its own importer location (no other), the
arrival and the condition of one recorded (the API's arrival use case, its refusals in the
reader's words), and the shipment's EPCIS document and FSMA 204 spreadsheet to download.

An importer sees no lot, pallet or chain page: a lot's graph reaches other parties' shipments.
"""

from __future__ import annotations

from flask import abort

from trace.db.session import get_session
from trace.domain.errors import Forbidden
from trace.services import masterdata, packing, shipments
from trace.services.epcis import export

from .forms import ArriveForm
from .inspect import epcis_download, fsma_download, timeline
from .lookups import new_arrive_form
from .render import bp, render
from .shipping import record_arrival
from .staff import IMPORTERS, me, roles


def home():
    """The importer's home: its shipments, newest first, with their state."""
    rows, _total = shipments.list_shipments(get_session(), me(), {}, 1, 500)
    return render(
        "web/home_importer.html", shipments=sorted(rows, key=lambda s: s.id, reverse=True)
    )


def _own(ident: int):
    """The shipment if it is consigned to the logged-in importer; another's is not found."""
    try:
        return shipments.get_shipment(get_session(), ident, me())
    except Forbidden:
        abort(404)


def show(ident: int, arrive: ArriveForm | None = None, status: int = 200):
    db = get_session()
    row = _own(ident)
    then = masterdata.history(db, [row.exporter_id, row.consignee_id])
    pallets = shipments.pallets_of(db, row)
    return render(
        "web/import.html",
        status,
        shipment=row,
        exporter=then.location(row.exporter_id, row.created_at),
        pallets=[(p, packing.pallet_contents(db, p)) for p in pallets],
        events=timeline(db, shipments.timeline(db, row)),
        arrive=(arrive or new_arrive_form()) if row.status == "departed" else None,
    )


@bp.route("/app/imports/<int:ident>")
@roles(*IMPORTERS)
def import_page(ident: int):
    """One of the importer's shipments: container, certificate, pallets, what happened."""
    return show(ident)


@bp.route("/app/imports/<int:ident>/arrival", methods=["POST"])
@roles(*IMPORTERS)
def import_arrival(ident: int):
    """The importer records the shipment's arrival and its condition."""
    _own(ident)
    return record_arrival(ident, "web.import_page", show)


@bp.route("/app/imports/<int:ident>/epcis.jsonld")
@roles(*IMPORTERS)
def import_epcis(ident: int):
    """The shipment's EPCIS 2.0 document (as the API gives it to the importer)."""
    return epcis_download(export.Scope(shipment=_own(ident).id))


@bp.route("/app/imports/<int:ident>/fsma204.csv")
@roles(*IMPORTERS)
def import_fsma(ident: int):
    """The shipment's FSMA 204 sortable spreadsheet (CSV)."""
    return fsma_download(export.Scope(shipment=_own(ident).id))
