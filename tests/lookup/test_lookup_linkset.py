"""The resolver's machine answers: RFC 9264 linksets valid against GS1's schema, redirects by
link type, the resolver description file."""

from __future__ import annotations

import json

import jsonschema
import pytest

from tests.flows import GTIN
from tests.lookup.conftest import LOT_URL, standard

BASE = "http://127.0.0.1:5000"
VOC = "https://ref.gs1.org/voc/"


@pytest.fixture(scope="module")
def gs1_schema():
    """GS1's linkset schema, vendored in tests/standards (gs1/linkset, commit 571bb7d)."""
    schema = json.loads(standard("linkset", "gs1-linkset-schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_the_schema_tells_good_from_bad(gs1_schema):
    """The check the linksets below pass is a real one: GS1's own examples sort as intended."""
    assert gs1_schema.is_valid(
        json.loads(standard("linkset", "valid-gs1-example.json").read_text())
    )
    assert not gs1_schema.is_valid(
        json.loads(standard("linkset", "invalid-gs1-example.json").read_text())
    )


@pytest.mark.parametrize(
    "how",
    [
        {"headers": {"Accept": "application/linkset+json"}},
        {"query_string": {"linkType": "linkset"}},
        {"query_string": {"linkType": "all"}},
    ],
)
def test_lot_linkset_validates_against_gs1_schema(client, story, gs1_schema, how):
    response = client.get(LOT_URL, **how)
    assert response.status_code == 200
    assert response.mimetype == "application/linkset+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.json
    gs1_schema.validate(body)
    lot, product = body["linkset"]
    assert lot["anchor"] == BASE + LOT_URL
    assert product["anchor"] == f"{BASE}/01/{GTIN}"
    assert {VOC + t for t in ("traceability", "epcis", "certificationInfo", "defaultLink")} <= set(
        lot
    )
    assert lot[VOC + "epcis"] == [
        {
            "href": f"{BASE}/api/v1/exports/epcis?lot=LOT%2F26A",
            "title": "EPCIS 2.0 events of lot LOT/26A",
            "type": "application/ld+json",
        }
    ]
    certificates = {link["title"] for link in lot[VOC + "certificationInfo"]}
    assert certificates == {
        "Treatment certificate FUM-2026-0611-03",
        "Phytosanitary certificate VN-PC-2026-118822",
    }
    assert {VOC + "pip", VOC + "defaultLink"} <= set(product)
    languages = {link["hreflang"][0] for link in lot[VOC + "traceability"]}
    assert languages == {"en", "vi", "ja", "zh"}
    # The default link has no optional attributes (GS1-Conformant Resolver 1.0).
    assert lot[VOC + "defaultLink"] == [
        {"href": BASE + LOT_URL, "title": lot[VOC + "defaultLink"][0]["title"]}
    ]


def test_a_cartons_linkset_has_every_level_up_to_the_gtin(client, story, gs1_schema):
    response = client.get(f"{LOT_URL}/21/7", headers={"Accept": "application/linkset+json"})
    assert response.status_code == 200
    gs1_schema.validate(response.json)
    anchors = [entry["anchor"] for entry in response.json["linkset"]]
    assert anchors == [f"{BASE}{LOT_URL}/21/7", BASE + LOT_URL, f"{BASE}/01/{GTIN}"]


@pytest.mark.parametrize("which", ["pallet", "place", "product", "short"])
def test_other_linksets_validate_too(client, story, gs1_schema, which):
    path = {
        "pallet": f"/00/{story['sscc']}",
        "place": "/414/8931234000011",
        "product": f"/01/{GTIN}",
        "short": f"/t/{story['harvest']}",
    }[which]
    response = client.get(path, query_string={"linkType": "linkset"})
    assert response.status_code == 200, path
    gs1_schema.validate(response.json)


def test_a_link_type_redirects_with_the_query_passed_on(client, story):
    response = client.get(f"{LOT_URL}?linkType=gs1:epcis&17=260731")
    assert response.status_code == 307
    assert response.headers["Location"] == f"{BASE}/api/v1/exports/epcis?lot=LOT%2F26A&17=260731"
    assert response.headers["Link"].startswith(f"<{BASE}{LOT_URL}?linkType=linkset>")
    full = client.get(f"{LOT_URL}?linkType=https://gs1.org/voc/certificationInfo")
    assert full.status_code == 307
    assert full.headers["Location"] == f"{BASE}{LOT_URL}#certificates"
    page = client.get(f"{LOT_URL}?linkType=gs1:traceability", headers={"Accept-Language": "ja"})
    assert page.status_code == 307
    assert page.headers["Location"] == f"{BASE}{LOT_URL}?lang=ja"
    product = client.get(f"{LOT_URL}?linkType=gs1:pip")  # found one level up
    assert product.headers["Location"].startswith(f"{BASE}/01/{GTIN}?lang=")


def test_the_resolver_describes_itself(client):
    response = client.get("/.well-known/gs1resolver")
    assert response.status_code == 200
    body = response.json
    assert body["resolverRoot"] == BASE
    assert body["supportedPrimaryKeys"] == ["01", "00", "414"]
    assert {"gs1:pip", "gs1:traceability", "gs1:epcis", "gs1:certificationInfo"} <= set(
        body["activeLinkTypes"]["en"]
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
