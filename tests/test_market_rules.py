"""What a market's profile refuses (trace/domain/markets.py): a consignee outside the market,
a lot without the treatment its commodity needs there, labels for a market the chain holds no
codes for, a market trace has no profile for. Each is a 409 (422) with its kind and params,
and nothing is written. Rules, not persistence: SQLite only."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.flows import count_rows, shipment_body

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

SYDNEY = {
    "kind": "importer",
    "name": "Harbourside Fresh Imports Pty Ltd",
    "address": {"district": "Sydney", "country": "AU"},
}


def _add_codes(api, ids, market, places=("orchard", "house", "facility")):
    schemes = {"orchard": "PUC", "house": "PHC", "facility": "TFC"}
    for place in places:
        code = {"scheme": schemes[place], "value": f"{market}-{schemes[place]}", "market": market}
        response = api.as_("admin").patch(f"/locations/{ids[place]}", json={"codes": [code]})
        assert response.status_code == 200, response.json


def test_a_japan_shipment_to_an_australian_importer_is_refused_naming_both(
    api, ids, season, engine
):
    sydney = api.as_("admin").post("/locations", json=SYDNEY).json["id"]
    body = shipment_body(ids, season["ssccs"]) | {"consignee_id": sydney}
    before = count_rows(engine)
    response = api.as_("worker").post("/shipments", json=body)
    assert response.status_code == 409
    assert response.json["kind"] == "market.consignee_outside"
    assert response.json["params"] == {
        "market": "JP",
        "consignee": "Harbourside Fresh Imports Pty Ltd",
        "country": "AU",
    }
    message = response.json["message"]
    assert "JP (Japan)" in message and "Harbourside" in message and "in AU" in message
    assert count_rows(engine) == before
    # The same pallets to the Japanese importer go.
    assert (
        api.as_("worker").post("/shipments", json=shipment_body(ids, season["ssccs"])).status_code
        == 201
    )


def test_a_lot_without_the_treatment_its_market_needs_is_not_loaded(api, ids, season, engine):
    """The season's lychee was fumigated: Japan takes that, the US needs irradiation."""
    _add_codes(api, ids, "US")
    los_angeles = api.as_("admin").post(
        "/locations",
        json={"kind": "importer", "name": "Pacific Rim Produce LLC", "address": {"country": "US"}},
    )
    body = shipment_body(ids, season["ssccs"], market="US")
    body["consignee_id"] = los_angeles.json["id"]
    before = count_rows(engine)
    response = api.as_("worker").post("/shipments", json=body)
    assert response.status_code == 409
    assert response.json["kind"] == "market.treatment_missing"
    assert response.json["params"] == {
        "market": "US",
        "lot": season["packed"],
        "commodity": "lychee",
        "needs": ["irradiation"],
        "had": ["fumigation"],
    }
    assert "needs irradiation; it had fumigation" in response.json["message"]
    assert count_rows(engine) == before


def test_carton_labels_are_refused_for_a_market_whose_code_the_chain_lacks(
    api, ids, season, engine
):
    """Orchard and house hold US codes, the treatment facility does not: a US label would
    print its treatment code blank, so none is printed (and no serial allocated)."""
    _add_codes(api, ids, "US", places=("orchard", "house"))
    body = {"kind": "carton", "lot": season["packed"], "count": 2, "market": "US"}
    body |= {"size": "100x150mm", "format": "zpl"}
    response = api.as_("worker").post("/labels", json=body)
    assert response.status_code == 409, response.json
    assert response.json["kind"] == "label.codes_missing"
    assert response.json["params"]["missing"] == [
        {
            "kind": "treatment_facility",
            "name": "Hà Nội Fumigation Centre",
            "scheme": "TFC",
            "issuer": "Cục Bảo vệ thực vật",
            "market": "US",
        }
    ]
    assert "has no active TFC for US" in response.json["message"]
    assert api.as_("worker").post("/labels/preview", json=body).status_code == 409
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM label_job")).scalar_one() == 0
    # For Japan, whose codes the whole chain holds, the same lot prints.
    assert api.as_("worker").post("/labels", json=body | {"market": "JP"}).status_code == 200


def test_a_market_without_a_profile_is_named_and_refused(api, ids, season):
    body = {"kind": "carton", "lot": season["packed"], "count": 1, "market": "GB"}
    response = api.as_("worker").post("/labels", json=body | {"size": "100x150mm", "format": "zpl"})
    assert response.status_code == 422, response.json
    assert response.json["kind"] == "market.unknown"
    assert "AU, CN, EU, JP, KR, US" in response.json["message"]
    shipment = shipment_body(ids, season["ssccs"], market="GB")
    assert api.as_("worker").post("/shipments", json=shipment).json["kind"] == "market.unknown"
