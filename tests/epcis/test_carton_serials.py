"""An EPCIS event that names a carton by its GTIN and printed serial is tied to the carton's lot:
a random serial by the serial printed, an old numbered one by its job's range; a neighbour's
number or another spelling names nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlmodel import select

from tests.flows import GTIN
from tests.test_label_jobs import old_job, print_cartons
from trace.db.models import Lot, node
from trace.domain.epcis_ids import GS1, Names
from trace.services.common import next_value
from trace.services.epcis.nodes import resolve_nodes


def test_carton_serials_resolve_to_their_lot_and_nothing_else(session, season):
    lot = session.exec(select(Lot).where(Lot.code == season["packed"])).one()
    old_job(session, season["packed"], 1, 5)
    next_value(session, f"serial:{lot.product_id}", 5)
    session.commit()
    serials = print_cartons(session, season["packed"], 3)  # cartons 6-8
    uri = f"{GS1}/01/{GTIN}/21/"
    wanted = [uri + serials[0], uri + "3", uri + "6", uri + "03", uri + serials[1].lower()]
    found = resolve_nodes(session, wanted, Names("https://trace.example"))
    assert found == {uri + serials[0]: node("lot", lot.id), uri + "3": node("lot", lot.id)}
