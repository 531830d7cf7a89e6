"""A mistake is corrected by a new event that points at the old one; the original stays."""

from __future__ import annotations

from tests.flows import count_rows


def events(api, code):
    return api.get(f"/lots/{code}/events").json


def test_a_receipt_quantity_is_corrected_by_a_new_event(api, season, engine):
    receipt = events(api, season["harvest"])[1]
    response = api.as_("worker").post(
        f"/events/{receipt['id']}/corrections",
        json={
            "reason": "scale at the dock read 20 kg high",
            "changes": {"quantity": 1160},
        },
    )
    assert response.status_code == 201, response.json
    fix = response.json
    assert fix["type"] == "correct" and fix["corrects_id"] == receipt["id"]
    assert fix["data"]["before"] == {"quantity": 1180}
    assert fix["data"]["corrects"] == receipt["event_id"]
    after = events(api, season["harvest"])
    assert after[1] == receipt, "the original event must stay exactly as it was"
    assert after[-1]["id"] == fix["id"]
    state = api.get(f"/lots/{season['harvest']}").json["quantities"]
    assert state["received"] == 1160 and state["left"] == 160
    assert api.as_("inspector").get("/audit/verify").json["ok"] is True


def test_a_correction_cannot_break_mass_balance(api, season, engine):
    harvest_event, receipt = events(api, season["harvest"])[:2]
    before = count_rows(engine)
    worker = api.as_("worker")
    response = worker.post(
        f"/events/{harvest_event['id']}/corrections",
        json={"reason": "typo", "changes": {"quantity": 1000}},
    )
    assert response.status_code == 409
    assert "1180 kg received already" in response.json["message"]
    response = worker.post(
        f"/events/{receipt['id']}/corrections",
        json={"reason": "typo", "changes": {"quantity": 900}},
    )
    assert response.status_code == 409
    assert "1000 kg were packed already" in response.json["message"]
    assert count_rows(engine) == before


def test_only_correctable_fields_may_change(api, season, engine):
    pack = events(api, season["harvest"])[3]
    before = count_rows(engine)
    response = api.as_("worker").post(
        f"/events/{pack['id']}/corrections", json={"reason": "x", "changes": {"quantity": 5}}
    )
    assert response.status_code == 422
    assert "cannot be corrected" in response.json["errors"]["json"]["changes.quantity"][0]
    response = api.as_("worker").post("/events/99999/corrections", json={"reason": "x"})
    assert response.status_code == 404
    assert count_rows(engine) == before
    response = api.as_("worker").post(
        f"/events/{pack['id']}/corrections", json={"reason": "packed on line 2, not line 1"}
    )
    assert response.status_code == 201


def test_correcting_a_failed_inspection_lifts_the_hold_only_for_an_inspector(api, season, engine):
    worker = api.as_("worker")
    code = season["harvest"]
    failed = worker.post(
        f"/lots/{code}/inspections",
        json={
            "inspected_at": "2026-06-11T09:00:00+07:00",
            "result": "fail",
        },
    ).json
    assert api.get(f"/lots/{code}").json["on_hold"] is True
    before = count_rows(engine)
    response = worker.post(
        f"/events/{failed['id']}/corrections",
        json={"reason": "sample of another lot", "changes": {"result": "pass"}},
    )
    assert response.status_code == 403
    assert response.json["code"] == 403
    assert "only an inspector or an admin" in response.json["message"]
    assert count_rows(engine) == before
    assert api.get(f"/lots/{code}").json["on_hold"] is True
    response = api.as_("inspector").post(
        f"/events/{failed['id']}/corrections",
        json={"reason": "sample of another lot", "changes": {"result": "pass"}},
    )
    assert response.status_code == 201, response.json
    assert api.get(f"/lots/{code}").json["on_hold"] is False
    lifted = events(api, code)[-1]
    assert lifted["corrects_id"] == failed["id"]
    assert lifted["data"]["hold_lifted"] == {
        "by": "inspector-1",
        "role": "inspector",
        "why": "sample of another lot",
    }
