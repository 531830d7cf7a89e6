"""Master data keeps its past: a change of an orchard's name, codes, phone or GLN is recorded
with who and when, and what was said of a past harvest (EPCIS export, FSMA 204 row, the public
lot page, the recall report) stays what was true then; an edit of a place, a code or a product
behind the service is named by `/audit/verify` (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from tests.flows import GTIN, harvest_body, shipment_body
from trace.services import reports

OLD_NAME = "Vườn vải Thanh Quang 12"
NEW_NAME = "Hợp tác xã Thanh Quang, vườn 12B"
OLD_CODE, NEW_CODE = "VN-HDTH-0112", "VN-HDTH-0999"
VIETNAM = timezone(timedelta(hours=7))


def fsma_rows(api, lot: str) -> list[dict]:
    response = api.as_("inspector").get(f"/exports/fsma204.csv?lot={lot}")
    assert response.status_code == 200, response.data[:300]
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def harvest_row(api, lot: str) -> dict:
    rows = [r for r in fsma_rows(api, lot) if r["Critical Tracking Event"] == "Harvesting"]
    assert len(rows) == 1
    return rows[0]


def epcis_harvest(api, lot: str) -> dict:
    response = api.as_("inspector").get(f"/exports/epcis?lot={lot}")
    assert response.status_code == 200, response.data[:300]
    events = response.json["epcisBody"]["eventList"]
    harvests = [e for e in events if e.get("action") == "ADD" and "ilmd" in e]
    assert len(harvests) == 1
    return harvests[0]


def growing_areas(event: dict) -> list[str]:
    codes = next(v for k, v in event["ilmd"].items() if k.endswith("growingAreaCodes"))
    status = {c.get(next((k for k in c if k.endswith("status")), ""), "active") for c in codes}
    return [
        next(v for k, v in c.items() if k.endswith(":code") or k == "code") for c in codes
    ] + sorted(status - {"active"})


def page(client, packed: str) -> str:
    response = client.get(f"/01/{GTIN}/10/{packed}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def change_orchard(api, ids) -> dict:
    orchard = api.as_("admin").get(f"/locations/{ids['orchard']}").json
    old = next(c for c in orchard["codes"] if c["value"] == OLD_CODE)
    response = api.as_("admin").patch(
        f"/locations/{ids['orchard']}",
        json={
            "name": NEW_NAME,
            "phone": "+84 220 3850 123",
            "gln": "8931234000042",
            "codes": [{"scheme": "PUC", "value": NEW_CODE, "market": "JP"}],
            "code_status": [{"id": old["id"], "status": "suspended"}],
        },
    )
    assert response.status_code == 200, response.json
    return response.json


def test_a_past_harvest_still_says_what_was_true_then(api, client, engine, ids, season):
    harvest, packed = season["harvest"], season["packed"]
    row_before = harvest_row(api, harvest)
    event_before = epcis_harvest(api, harvest)
    assert OLD_NAME in row_before["Location Description for Where the Event Took Place"]
    assert OLD_NAME in page(client, packed)

    changed = change_orchard(api, ids)
    assert changed["name"] == NEW_NAME and changed["phone"] == "+84 220 3850 123"

    # The harvest of 10 June: the same row, the same EPCIS event, the same page as before.
    assert harvest_row(api, harvest) == row_before
    assert (
        row_before["Name of the Field or Other Growing Area"] == f"{OLD_NAME} — PUC {OLD_CODE} (JP)"
    )
    assert epcis_harvest(api, harvest) == event_before
    assert growing_areas(event_before) == [OLD_CODE]
    shown = page(client, packed)
    assert OLD_NAME in shown and OLD_CODE in shown
    assert NEW_NAME not in shown and NEW_CODE not in shown
    with Session(engine) as session:
        chain = reports.recall_report(session, harvest)
    orchard = next(n for n in chain["nodes"] if n["id"] == f"location:{ids['orchard']}")
    assert orchard["label"] == OLD_NAME
    assert [(c["value"], c["status"]) for c in orchard["codes"]] == [(OLD_CODE, "active")]

    # A harvest recorded after the change names the orchard as it is now.
    moment = datetime.now(VIETNAM)
    body = harvest_body(
        ids, harvested_on=moment.date().isoformat(), harvested_at=moment.isoformat()
    )
    response = api.as_("worker").post("/lots/harvest", json=body)
    assert response.status_code == 201, response.json
    fresh = harvest_row(api, response.json["code"])
    where = fresh["Location Description for Where the Event Took Place"]
    assert where.startswith(NEW_NAME) and "phone +84 220 3850 123" in where
    assert "GLN 8931234000042" in where
    assert fresh["Name of the Field or Other Growing Area"] == (
        f"{NEW_NAME} — PUC {OLD_CODE} (JP, suspended); PUC {NEW_CODE} (JP)"
    )
    # (a cell starting with "+" is kept as text with a leading apostrophe)
    assert fresh["Phone Number of the Harvester"] == "'+84 220 3850 123"
    assert growing_areas(epcis_harvest(api, response.json["code"])) == [
        OLD_CODE,
        NEW_CODE,
        "suspended",
    ]


def test_the_change_is_in_the_chain_with_who_and_what(api, ids, tokens, engine):
    change_orchard(api, ids)
    response = api.as_("inspector").get(f"/locations/{ids['orchard']}/history")
    assert response.status_code == 200
    first, last = response.json[0], response.json[-1]
    assert first["before"] is None and first["after"]["name"] == OLD_NAME
    assert last["before"]["name"] == OLD_NAME and last["after"]["name"] == NEW_NAME
    assert last["prev_hash"] != last["hash"] and len(last["hash"]) == 64
    with engine.connect() as conn:
        admin = conn.execute(text("SELECT id FROM \"user\" WHERE name = 'admin-1'")).scalar_one()
    assert last["user_id"] == admin
    assert f"code PUC {NEW_CODE} (JP) added" in last["change"]
    assert f"code PUC {OLD_CODE} (JP) suspended" in last["change"]
    assert f"name: '{OLD_NAME}' → '{NEW_NAME}'" in last["change"]
    # Reactivating the code is a change of its own.
    code = next(c for c in last["after"]["codes"] if c["value"] == OLD_CODE)
    api.as_("admin").patch(
        f"/locations/{ids['orchard']}",
        json={"code_status": [{"id": code["id"], "status": "active"}]},
    )
    again = api.as_("inspector").get(f"/locations/{ids['orchard']}/history").json
    assert len(again) == len(response.json) + 1
    assert again[-1]["change"] == f"code PUC {OLD_CODE} (JP) reactivated"
    product = api.as_("inspector").get("/products/1/history").json
    assert [v["before"] for v in product] == [None]
    assert api.as_("worker").get(f"/locations/{ids['orchard']}/history").status_code == 403
    verified = api.as_("inspector").get("/audit/verify").json
    assert verified["ok"] is True and verified["masterdata_checked"] == len(again) + 5


def test_a_refused_change_records_nothing(api, ids):
    before = api.as_("inspector").get(f"/locations/{ids['orchard']}/history").json
    response = api.as_("admin").patch(
        f"/locations/{ids['orchard']}", json={"name": "Elsewhere", "gln": "8931234000011"}
    )
    assert response.status_code == 409
    assert api.as_("inspector").get(f"/locations/{ids['orchard']}/history").json == before
    assert api.as_("admin").get(f"/locations/{ids['orchard']}").json["name"] == OLD_NAME
    response = api.as_("admin").patch(f"/locations/{ids['orchard']}", json={"phone": "call me"})
    assert response.status_code == 422 and "phone" in str(response.json["errors"])
    # a change to nothing new is not a version
    api.as_("admin").patch(f"/locations/{ids['orchard']}", json={"name": OLD_NAME})
    assert api.as_("inspector").get(f"/locations/{ids['orchard']}/history").json == before


def verify(api) -> dict:
    response = api.as_("inspector").get("/audit/verify")
    assert response.status_code == 200
    return response.json


@pytest.mark.parametrize(
    ("statement", "entity", "named"),
    [
        ("UPDATE location SET name = 'Vườn khác' WHERE id = :orchard", "location", "name"),
        ("UPDATE location SET gln = '8931234000059' WHERE id = :orchard", "location", "gln"),
        (
            "UPDATE location_code SET status = 'active' WHERE location_id = :orchard",
            "location",
            "codes",
        ),
        (
            "INSERT INTO location_code (location_id, scheme, value, market, status) "
            "VALUES (:orchard, 'PUC', 'VN-FAKE-1', 'JP', 'active')",
            "location",
            "codes",
        ),
        ("UPDATE product SET variety = 'Lục Ngạn' WHERE id = 1", "product", "variety"),
    ],
)
def test_an_edit_behind_the_service_is_named_by_verify(
    api, engine, ids, season, statement, entity, named
):
    change_orchard(api, ids)  # a suspended code, so re-activating one is an edit
    assert verify(api)["ok"] is True
    with engine.begin() as conn:
        conn.execute(text(statement), {"orchard": ids["orchard"]})
    result = verify(api)
    assert result["ok"] is False
    broken = result["first_broken"]
    assert broken["type"] == "masterdata" and broken["entity"] == entity
    assert broken["entity_id"] == (ids["orchard"] if entity == "location" else 1)
    assert named in broken["reason"] and "edited behind the service" in broken["reason"]


def test_versions_cannot_be_rewritten_or_removed(api, engine, ids):
    for statement in (
        "UPDATE masterdata_version SET change = 'nothing' WHERE entity_id = :orchard",
        "DELETE FROM masterdata_version WHERE entity_id = :orchard",
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement), {"orchard": ids["orchard"]})
    assert verify(api)["ok"] is True


def test_a_place_added_behind_the_service_is_named(api, engine, ids):
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO location (kind, name, address, methods, created_at) "
                "VALUES ('orchard', 'Vườn ma', '{}', '[]', :now)"
            ),
            {"now": datetime.now(VIETNAM)},
        )
    broken = verify(api)["first_broken"]
    assert broken["type"] == "masterdata" and "no recorded version" in broken["reason"]


OLD_PRODUCT, NEW_PRODUCT = "Thanh Ha lychee", "Early lychee of Thanh Hà"
OLD_EXPORTER, NEW_EXPORTER = "Hải Dương Agri Export JSC", "Hải Dương Fresh Export Co."


def ship(api, ids, packed: str, moment: datetime) -> None:
    """A pallet of `packed` built and loaded at `moment`."""
    worker = api.as_("worker")
    response = worker.post(
        "/pallets",
        json={
            "location_id": ids["house"],
            "contents": [{"lot": packed, "cartons": 10}],
            "palletised_at": moment.isoformat(),
        },
    )
    assert response.status_code == 201, response.json
    body = shipment_body(ids, [response.json["sscc"]]) | {"loaded_at": moment.isoformat()}
    response = worker.post("/shipments", json=body)
    assert response.status_code == 201, response.json


def test_a_shipped_lot_keeps_the_product_and_exporter_of_its_day(api, client, ids, season):
    packed = season["packed"]
    response = api.as_("worker").post("/shipments", json=shipment_body(ids, season["ssccs"]))
    assert response.status_code == 201, response.json
    before = page(client, packed)
    assert OLD_PRODUCT in before and OLD_EXPORTER in before

    admin = api.as_("admin")
    response = admin.patch(
        "/products/1",
        json={"name": {"vi": "Vải thiều sớm", "en": NEW_PRODUCT}, "variety": "Thanh Hà sớm"},
    )
    assert response.status_code == 200, response.json
    response = admin.patch(f"/locations/{ids['exporter']}", json={"name": NEW_EXPORTER})
    assert response.status_code == 200, response.json

    # The lot packed and shipped before: its page (and a carton's) says what was true then.
    for shown in (page(client, packed), page(client, f"{packed}/21/1")):
        assert OLD_PRODUCT in shown and OLD_EXPORTER in shown
        assert NEW_PRODUCT not in shown and NEW_EXPORTER not in shown
    # and so does the page of a pallet of it (which names its lots by their product)
    response = client.get(f"/00/{season['ssccs'][0]}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    shown = response.get_data(as_text=True)
    assert OLD_PRODUCT in shown and NEW_PRODUCT not in shown

    # A lot packed and shipped after the change names the product and exporter as they are.
    moment = datetime.now(VIETNAM)
    worker = api.as_("worker")
    response = worker.post(
        "/lots/harvest",
        json=harvest_body(
            ids, harvested_on=moment.date().isoformat(), harvested_at=moment.isoformat()
        ),
    )
    assert response.status_code == 201, response.json
    harvest = response.json["code"]
    response = worker.post(
        f"/lots/{harvest}/receipts",
        json={"location_id": ids["house"], "received_at": moment.isoformat(), "quantity": 100},
    )
    assert response.status_code == 201, response.json
    response = worker.post(  # Japan takes lychee fumigated or vapour-heat treated
        f"/lots/{harvest}/treatments",
        json={
            "facility_id": ids["facility"],
            "method": "fumigation",
            "treated_at": moment.isoformat(),
        },
    )
    assert response.status_code == 201, response.json
    response = worker.post(
        "/packings",
        json={
            "location_id": ids["house"],
            "product_gtin": GTIN,
            "inputs": [{"lot": harvest, "quantity": 100, "unit": "kg"}],
            "cartons": 20,
            "packed_on": moment.date().isoformat(),
            "packed_at": moment.isoformat(),
        },
    )
    assert response.status_code == 201, response.json
    fresh = response.json["lot"]
    ship(api, ids, fresh, moment)
    shown = page(client, fresh)
    assert NEW_PRODUCT in shown and NEW_EXPORTER in shown
    assert OLD_EXPORTER not in shown
    # and the old lot's page, read again after those events, has not changed
    again = page(client, packed)
    assert OLD_PRODUCT in again and NEW_PRODUCT not in again and NEW_EXPORTER not in again
