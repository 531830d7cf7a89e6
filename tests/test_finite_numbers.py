"""Numbers that are not finite (NaN, Infinity, a literal beyond a double such as 1E400) never
reach the permanent log: every body refuses them with a 422 naming the field, and nothing is
written. Treatment parameters are texts, finite numbers or yes/no, within a size."""

from __future__ import annotations

import json

import pytest

from tests.flows import count_rows, harvest_body

LITERALS = ["1E400", "-1e999", "NaN", "Infinity", "-Infinity"]
MARK = 987654.125  # written nowhere else; replaced in the text by the literal


def _raw(api, path: str, body: dict, literal: str):
    text = json.dumps(body).replace(str(MARK), literal)
    assert literal in text
    return api.as_("worker").post(
        path, data=text.encode(), headers={"Content-Type": "application/json"}
    )


@pytest.fixture
def harvested(api, ids):
    response = api.as_("worker").post("/lots/harvest", json=harvest_body(ids))
    assert response.status_code == 201, response.json
    return response.json["code"]


def _bodies(ids, lot: str) -> list[tuple[str, dict, str]]:
    """(path, body with MARK in one numeric field, that field's name in the error)."""
    return [
        ("/lots/harvest", harvest_body(ids, quantity=MARK), "quantity"),
        (
            f"/lots/{lot}/receipts",
            {"location_id": ids["house"], "received_at": "2026-06-10T14:00:00+07:00",
             "quantity": MARK, "unit": "kg"},
            "quantity",
        ),
        (
            f"/lots/{lot}/coolings",
            {"location_id": ids["house"], "cooled_at": "2026-06-10T15:00:00+07:00",
             "temperature_c": MARK},
            "temperature_c",
        ),
        (
            f"/lots/{lot}/treatments",
            {"facility_id": ids["facility"], "method": "fumigation",
             "treated_at": "2026-06-11T08:00:00+07:00",
             "parameters": {"agent": "methyl bromide", "dose_g_m3": MARK}},
            "parameters.dose_g_m3",
        ),
        (
            "/packings",
            {"location_id": ids["house"], "product_gtin": "08931234567897",
             "inputs": [{"lot": lot, "quantity": MARK, "unit": "kg"}], "cartons": 10,
             "packed_on": "2026-06-11"},
            "inputs.0.quantity",
        ),
    ]  # fmt: skip


def test_no_body_takes_a_number_that_is_not_finite(api, engine, ids, harvested):
    before = count_rows(engine)
    for path, body, name in _bodies(ids, harvested):
        for literal in LITERALS:
            response = _raw(api, path, body, literal)
            assert response.status_code == 422, (path, literal, response.json)
            assert response.json["code"] == 422 and response.json["status"]
            errors = response.json["errors"]["json"]
            assert name in errors, (path, literal, errors)
            assert "finite number" in errors[name][0]
    assert count_rows(engine) == before


@pytest.mark.parametrize(
    ("parameters", "field", "words"),
    [
        ({"note": "x" * 201}, "note", "201 characters; at most 200"),
        ({"dose": {"value": 32}}, "dose", "a text, a number or true/false"),
        ({"dose": [32]}, "dose", "a text, a number or true/false"),
        ({"dose": 1e300}, "dose", "a finite number"),
        ({f"p{n}": n for n in range(51)}, None, "Longer than maximum length 50"),
    ],
)
def test_treatment_parameters_are_small_plain_values(api, engine, ids, harvested, parameters,
                                                     field, words):  # fmt: skip
    before = count_rows(engine)
    response = api.as_("worker").post(
        f"/lots/{harvested}/treatments",
        json={"facility_id": ids["facility"], "method": "fumigation",
              "treated_at": "2026-06-11T08:00:00+07:00", "parameters": parameters},
    )  # fmt: skip
    assert response.status_code == 422, response.json
    errors = response.json["errors"]["json"]["parameters"]
    if field:
        errors = errors[field]["value"]
    assert any(words in e for e in errors), errors
    assert count_rows(engine) == before
    fine = {"agent": "methyl bromide", "dose_g_m3": 32.5, "duration_h": 2, "sealed": True}
    response = api.as_("worker").post(
        f"/lots/{harvested}/treatments",
        json={"facility_id": ids["facility"], "method": "fumigation",
              "treated_at": "2026-06-11T08:00:00+07:00", "parameters": fine},
    )  # fmt: skip
    assert response.status_code == 201, response.json
