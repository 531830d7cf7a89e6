"""The staff shipment form by road to China: truck, trailer and border gate; the rules' refusals
beside their fields in Vietnamese; the crossing recorded before the arrival."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.flows import china_master_data, count_rows
from tests.web.test_web_worker import errors_of


@pytest.fixture
def database_url(sqlite_template, tmp_path):
    path = tmp_path / "trace.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def test_a_worker_loads_a_truck_for_china_and_records_its_crossing(as_, api, ids, season, engine):
    cn = china_master_data(api, ids)
    worker = as_("worker")
    worker.open("/app/shipment?lang=vi")
    for sscc in season["ssccs"]:
        worker.send({"scan": sscc}, action="scan")
    truck = {"market": "CN", "conveyance": "road", "loaded_at": "2026-06-12T05:00"}
    before = count_rows(engine)
    # The importer in Japan is refused for China, beside the consignee, in Vietnamese.
    worker.send(
        {**truck, "consignee_id": str(cn["importer"]), "truck_plate": "34C-123.45",
         "border_gate": "huu_nghi"}
    )  # fmt: skip
    assert "bên nhận ở JP" in errors_of(worker.html, "consignee_id")
    worker.send({**truck, "consignee_id": str(cn["cn_importer"]), "truck_plate": "34C-12"})
    assert "Biển số" in errors_of(worker.html, "truck_plate")
    assert count_rows(engine) == before
    worker.send(
        {**truck, "consignee_id": str(cn["cn_importer"]), "truck_plate": "34C-123.45",
         "trailer_plate": "34R-012.34", "border_gate": "huu_nghi"}
    )  # fmt: skip
    assert re.search(r"/app/shipments/\d+$", worker.url), worker.text()
    page = worker.text()
    assert "34C-123.45" in page and "34R-012.34" in page and "Hữu Nghị – 友谊关" in page

    worker.send({"departed_at": "2026-06-12T06:00"}, form="depart")
    assert 'id="arrive"' not in worker.html  # a truck crosses the border before it arrives
    worker.send({"crossed_at": "2026-06-12T10:20"}, form="cross")
    assert "Đã qua biên giới" in worker.text()
    worker.send({"arrived_at": "2026-06-12T16:00"}, form="arrive")
    shown = api.as_("inspector").get(worker.url.replace("/app", "")).json
    assert shown["status"] == "arrived" and shown["crossed_at"].startswith("2026-06-12T03:20")
