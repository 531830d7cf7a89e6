"""Carrots are washed, graded by size class and kept in cold storage; lychee is not washed and
carrots are not fumigated: each commodity's own steps (trace.domain.commodities), via the API."""

from __future__ import annotations

import pytest

from tests.flows import count_rows, harvest_body
from trace.domain.commodities import COMMODITIES, check_step, steps_of
from trace.domain.errors import RuleViolation


def test_the_vocabulary_says_which_steps_each_commodity_has():
    assert {"wash", "grade", "store"} <= steps_of("carrot")
    assert "treat" not in steps_of("carrot") and "wash" not in steps_of("lychee")
    assert steps_of("dragon_fruit") == steps_of("dragon fruit")
    with pytest.raises(RuleViolation) as refused:
        check_step("lychee", "grade", "H1")
    assert refused.value.kind == "commodity.step_not_for"
    assert refused.value.params == {"lot": "H1", "commodity": "lychee", "step": "grade"}
    assert COMMODITIES["carrot"].size_classes == ("S", "M", "L", "2L")


def _carrots(api, ids) -> str:
    worker = api.as_("worker")
    body = harvest_body(ids, commodity="carrot", variety="Kuroda", quantity=2000)
    code = worker.post("/lots/harvest", json=body).json["code"]
    response = worker.post(
        f"/lots/{code}/receipts",
        json={"location_id": ids["house"], "received_at": "2026-06-10T14:00:00+07:00",
              "quantity": 1900, "unit": "kg"},
    )  # fmt: skip
    assert response.status_code == 201, response.json
    return code


def test_carrots_are_washed_graded_and_stored_on_their_timeline(api, ids):
    worker = api.as_("worker")
    code = _carrots(api, ids)
    assert (
        worker.post(
            f"/lots/{code}/washings",
            json={"location_id": ids["house"], "washed_at": "2026-06-10T15:00:00+07:00"},
        ).status_code
        == 201
    )
    grading = worker.post(
        f"/lots/{code}/gradings",
        json={"location_id": ids["house"], "graded_at": "2026-06-10T16:00:00+07:00",
              "grades": [{"size_class": "L", "quantity": 1000},
                         {"size_class": "M", "quantity": 700}], "culls": 200},
    )  # fmt: skip
    assert grading.status_code == 201, grading.json
    assert grading.json["biz_step"] == "other"
    storing = worker.post(
        f"/lots/{code}/storage",
        json={"location_id": ids["house"], "stored_at": "2026-06-10T18:00:00+07:00",
              "temperature_c": 0.5, "humidity_pct": 95},
    )  # fmt: skip
    assert storing.status_code == 201, storing.json
    assert storing.json["biz_step"] == "storing"
    timeline = worker.get(f"/lots/{code}/events").json
    assert [e["type"] for e in timeline] == ["harvest", "receive", "wash", "grade", "store"]
    assert timeline[3]["data"]["grades"][0] == {"size_class": "L", "quantity": 1000}
    chain = api.as_("inspector").get(f"/trace/{code}?direction=forward").json
    assert {"wash", "grade", "store"} <= {e["type"] for e in chain["events"]}


def test_refused_steps_and_gradings_are_409_or_422_and_write_nothing(api, ids, engine):
    worker = api.as_("worker")
    lychee = worker.post("/lots/harvest", json=harvest_body(ids)).json["code"]
    carrots = _carrots(api, ids)
    before = count_rows(engine)
    washed = worker.post(
        f"/lots/{lychee}/washings",
        json={"location_id": ids["house"], "washed_at": "2026-06-10T15:00:00+07:00"},
    )
    assert washed.status_code == 409
    assert washed.json["kind"] == "commodity.step_not_for"
    assert washed.json["message"] == f"lot {lychee} is lychee: lychee is not washed"
    fumigated = worker.post(
        f"/lots/{carrots}/treatments",
        json={"facility_id": ids["facility"], "method": "fumigation",
              "treated_at": "2026-06-11T08:00:00+07:00"},
    )  # fmt: skip
    assert fumigated.status_code == 409
    assert fumigated.json["params"]["step"] == "treat"
    kale = worker.post("/lots/harvest", json=harvest_body(ids, commodity="kale"))
    assert kale.status_code == 422
    assert kale.json["errors"]["json"]["commodity"][0].startswith("a commodity trace knows")
    _grading_refusals(worker, ids, carrots)
    assert count_rows(engine) == before


def _grading_refusals(worker, ids, code):
    """A grading is checked against the size classes and the kilograms left."""

    def grade(*grades):
        return worker.post(
            f"/lots/{code}/gradings",
            json={"location_id": ids["house"], "graded_at": "2026-06-10T16:00:00+07:00",
                  "grades": [{"size_class": c, "quantity": q} for c, q in grades]},
        )  # fmt: skip

    unknown = grade(("XL", 100))
    assert unknown.status_code == 422
    assert unknown.json["errors"]["json"]["grades"] == [
        "'XL' is not a size class of carrot (they are: S, M, L, 2L)"
    ]
    too_much = grade(("L", 1500), ("M", 401))
    assert too_much.status_code == 409
    assert too_much.json["kind"] == "mass_balance.graded_exceeds_received"
    assert "1900 kg received and not packed; 1901 kg cannot be graded" in too_much.json["message"]
    assert grade().status_code == 422
