"""The exporter's consumer contact as master data: kept with its history, refused when malformed
or on a place that is not an exporter, and named by the public page of the exporter's cartons
(the TRACE_LOOKUP_CONTACT_* settings when the exporter keeps none) and by their labels."""

from __future__ import annotations

import pytest

from tests.flows import GTIN, packed_season, shipment_body
from tests.labels.decoding import decode, pages, pdf_text
from tests.web.page import staffed_app

CONTACT = {
    "name": "Hải Dương Agri Export — customer care",
    "phone": "+84 220 3850 123",
    "email": "care@haiduong-agri.example",
    "website": "https://haiduong-agri.example/lychee",
}


def test_the_contact_is_kept_with_its_history(api, ids):
    admin, exporter = api.as_("admin"), ids["exporter"]
    for bad, field in (({"email": "not an address"}, "email"), ({"website": "ftp://x"}, "website")):
        response = admin.patch(f"/locations/{exporter}", json={"contact": bad})
        assert response.status_code == 422, response.json
        assert field in response.json["errors"]["json"]["contact"]
    refused = admin.patch(f"/locations/{ids['orchard']}", json={"contact": CONTACT})
    assert refused.status_code == 422
    assert refused.json["kind"] == "location.contact_not_exporter"
    assert admin.get(f"/locations/{ids['orchard']}").json["contact"] == {}
    before = admin.get(f"/locations/{exporter}/history").json

    response = admin.patch(f"/locations/{exporter}", json={"contact": CONTACT})
    assert response.status_code == 200, response.json
    assert admin.get(f"/locations/{exporter}").json["contact"] == CONTACT
    history = admin.get(f"/locations/{exporter}/history").json
    assert len(history) == len(before) + 1  # the refusals recorded nothing
    assert "contact" not in history[-1]["before"] and history[-1]["after"]["contact"] == CONTACT
    assert history[-1]["change"].startswith("contact: None → {")
    removed = admin.patch(f"/locations/{exporter}", json={"contact": {}})
    assert removed.status_code == 200 and removed.json["contact"] == {}
    assert admin.get(f"/locations/{exporter}/history").json[-1]["change"].startswith("contact: {")
    assert api.as_("inspector").get("/audit/verify").json["ok"] is True


@pytest.fixture
def shipped_site(sqlite_template, tmp_path):
    """A shipped lot on an app whose settings name a fallback contact."""
    app, api, ids = staffed_app(
        sqlite_template,
        tmp_path,
        LOOKUP_CONTACT_NAME="Trace help desk",
        LOOKUP_CONTACT_EMAIL="help@trace.example",
    )
    season = packed_season(api, ids)
    response = api.as_("worker").post("/shipments", json=shipment_body(ids, season["ssccs"]))
    assert response.status_code == 201, response.json
    yield app, api, ids, season
    app.extensions["trace.engine"].dispose()


def test_the_public_page_and_the_label_name_the_exporters_contact_else_the_settings(
    shipped_site,
):
    app, api, ids, season = shipped_site
    client = app.test_client()
    doubtful = f"/01/{GTIN}/10/{season['packed']}/21/NEVERPRINTED1"

    page = client.get(doubtful).get_data(as_text=True)
    assert "Please contact Trace help desk:" in page and "help@trace.example" in page
    assert 'id="contact"' not in page

    response = api.as_("admin").patch(f"/locations/{ids['exporter']}", json={"contact": CONTACT})
    assert response.status_code == 200, response.json
    page = client.get(doubtful).get_data(as_text=True)  # the change shows at once
    label = page.split('id="label"')[1].split("</section>")[0]
    assert f"Please contact {CONTACT['name']}:" in label
    assert 'href="tel:+84 220 3850 123"' in label and CONTACT["email"] in label
    contact = page.split('id="contact"')[1].split("</section>")[0]
    assert "Questions about this fruit?" in contact
    assert f'href="{CONTACT["website"]}"' in contact
    assert "help@trace.example" not in page

    # the carton label names it too, and still scans
    body = {"kind": "carton", "lot": season["packed"], "size": "100x150mm", "format": "pdf"}
    response = api.as_("worker").post("/labels", json={**body, "count": 1})
    assert response.status_code == 200, response.json
    pdf = response.get_data()
    text = pdf_text(pdf)
    assert "Contact: +84 220 3850 123" in text and "Web: haiduong-agri.example/lychee" in text
    (image,) = pages(pdf, 203)
    assert any(f"/10/{season['packed']}/21/" in read.text for read in decode(image))
