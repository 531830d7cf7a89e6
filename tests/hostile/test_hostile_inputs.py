"""Every input of the corpus gets a clear 4xx, writes nothing, and is never echoed unescaped
(issue: hardening, item 5). The corpus is tests/hostile/corpus.py."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import text

from tests.flows import harvest_body, packed_season
from tests.hostile.corpus import SCRIPT, cases

TABLES = ("event", "event_ref", "edge", "lot", "pallet", "pallet_content", "shipment",
          "location", "location_code", "product", "label_job", "carton_serial", "scan_counter", "scan", "user",
          "idempotency_key")  # fmt: skip


def _counts(engine) -> dict:
    with engine.connect() as conn:
        return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in TABLES}


@pytest.fixture
def world(api, ids, season):
    return ids, season


def test_the_corpus_has_more_than_a_hundred_inputs(world):
    assert len(cases(*world)) >= 100


def test_every_hostile_input_is_refused_clearly_and_writes_nothing(client, api, engine, world):
    before = _counts(engine)
    wrong = []
    for case in cases(*world):
        headers = dict(case.headers)
        if case.role:
            headers["Authorization"] = f"Bearer {api.tokens[case.role]}"
        path = f"/api/v1{case.path}" if case.api else case.path
        kwargs = {}
        if case.json is not None:  # escaped as JSON may be: a lone surrogate is \ud800
            kwargs = {"data": json.dumps(case.json), "content_type": "application/json"}
        if case.data is not None:
            kwargs = {"data": case.data, "content_type": case.content_type}
        response = client.open(path, method=case.method, headers=headers, **kwargs)
        status, body = response.status_code, response.get_data(as_text=True)
        problem = None
        if not 400 <= status < 500:
            problem = f"status {status}"
        elif case.api:
            answer = response.get_json(silent=True) or {}
            if answer.get("code") != status or not (answer.get("message") or answer.get("errors")):
                problem = f"not the API's JSON error: {body[:200]}"
        elif response.mimetype != "text/html" or "<main>" not in body:
            problem = "not a page"
        html = response.mimetype == "text/html"  # JSON is data: its strings are not markup
        if problem is None and html and (SCRIPT in body or "<script>alert" in body):
            problem = "echoed unescaped into HTML"
        if problem:
            wrong.append(f"{case.name}: {problem}")
    assert wrong == [], "\n".join(wrong)
    assert _counts(engine) == before


def test_free_text_is_kept_as_written_and_shown_escaped(client, api, ids):
    """A variety or a place's name is free text: markup in it is stored as sent, and every page
    shows it as text, never as markup."""
    response = api.as_("worker").post(
        "/lots/harvest", json=harvest_body(ids, variety=SCRIPT, quantity=10)
    )
    assert response.status_code == 201, response.json
    assert response.json["variety"] == SCRIPT
    page = client.get(f"/t/{response.json['code']}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and SCRIPT not in body
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in body


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, api):
    response = client.post(
        "/api/v1/epcis/capture",
        data=b"{" + b" " * (client.application.config["MAX_CONTENT_LENGTH"] + 1) + b"}",
        content_type="application/ld+json",
        headers={"Authorization": f"Bearer {api.tokens['worker']}"},
    )
    assert response.status_code == 413
    assert response.get_json()["code"] == 413


def test_a_place_named_like_a_formula_stays_text_in_the_fsma_spreadsheet(api, ids):
    """CSV injection: a name that starts with "=" reaches the inspector's spreadsheet as text."""
    formula = '=HYPERLINK("http://example.invalid","click")'
    body = {"kind": "packing_house", "name": formula, "address": {"country": "VN"}}
    response = api.as_("admin").post("/locations", json=body)
    assert response.status_code == 201, response.json
    # a season packed there (rows describe places as their master data held them then)
    season = packed_season(api, {**ids, "house": response.json["id"]})
    response = api.as_("inspector").get(f"/exports/fsma204.csv?lot={season['packed']}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert any(formula in cell for cell in cells)  # the name is there…
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]  # …and never as a formula
