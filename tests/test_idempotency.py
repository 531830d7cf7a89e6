"""Idempotency-Key on the API's POSTs: a retry gets the first answer and records nothing new
(issue: hardening, item 4), on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import text

from tests.flows import GTIN
from trace.api import idempotency


def _counts(engine) -> dict:
    with engine.connect() as conn:
        return {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("event", "pallet", "lot", "idempotency_key")
        }


def _fresh_lot(api, ids, season, cartons=30) -> str:
    response = api.as_("worker").post(
        "/packings",
        json={
            "location_id": ids["house"],
            "product_gtin": GTIN,
            "inputs": [{"lot": season["harvest"], "quantity": cartons * 5, "unit": "kg"}],
            "cartons": cartons,
            "packed_on": "2026-06-11",
        },
    )
    assert response.status_code == 201, response.json
    return response.json["lot"]


def _post(client, token, path, body, key=None):
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers[idempotency.HEADER] = key
    return client.post(f"/api/v1{path}", json=body, headers=headers)


def test_a_retry_with_the_same_key_gets_the_first_answer_and_records_nothing(
    client, api, ids, season, engine
):
    lot = _fresh_lot(api, ids, season)
    body = {"location_id": ids["house"], "contents": [{"lot": lot, "cartons": 10}]}
    token = api.tokens["worker"]
    first = _post(client, token, "/pallets", body, key="pallet-7f3c")
    assert first.status_code == 201, first.json
    before = _counts(engine)
    again = _post(client, token, "/pallets", body, key="pallet-7f3c")
    assert again.status_code == 201
    assert again.json == first.json  # the same SSCC: one pallet
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers.get("Location") == first.headers.get("Location")
    assert _counts(engine) == before
    other = _post(client, token, "/pallets", body, key="pallet-8a01")  # a new key: a new pallet
    assert other.status_code == 201 and other.json["sscc"] != first.json["sscc"]


def test_the_same_key_with_another_body_is_refused(client, api, ids, season, engine):
    lot = _fresh_lot(api, ids, season)
    token = api.tokens["worker"]
    body = {"location_id": ids["house"], "contents": [{"lot": lot, "cartons": 10}]}
    assert _post(client, token, "/pallets", body, key="k-1").status_code == 201
    before = _counts(engine)
    changed = {"location_id": ids["house"], "contents": [{"lot": lot, "cartons": 11}]}
    response = _post(client, token, "/pallets", changed, key="k-1")
    assert response.status_code == 422
    assert "was used for another request" in response.json["message"]
    assert _counts(engine) == before


def test_a_refused_request_keeps_no_key_so_the_corrected_one_goes_through(
    client, api, ids, season, engine
):
    lot = _fresh_lot(api, ids, season)
    token = api.tokens["worker"]
    before = _counts(engine)
    too_many = {"location_id": ids["house"], "contents": [{"lot": lot, "cartons": 31}]}
    assert _post(client, token, "/pallets", too_many, key="k-2").status_code == 409
    invalid = {"location_id": ids["house"], "contents": [{"lot": lot, "cartons": -1}]}
    assert _post(client, token, "/pallets", invalid, key="k-2").status_code == 422
    assert _counts(engine) == before  # nothing, not even the key
    right = {"location_id": ids["house"], "contents": [{"lot": lot, "cartons": 30}]}
    assert _post(client, token, "/pallets", right, key="k-2").status_code == 201


def test_keys_belong_to_their_user_and_must_be_printable(client, api, ids, season):
    lot = _fresh_lot(api, ids, season)
    body = {"location_id": ids["house"], "contents": [{"lot": lot, "cartons": 5}]}
    first = _post(client, api.tokens["worker"], "/pallets", body, key="shared-key")
    second = _post(client, api.tokens["admin"], "/pallets", body, key="shared-key")
    assert first.status_code == second.status_code == 201
    assert first.json["sscc"] != second.json["sscc"]
    for bad in ("two words", "", "é-key", "x" * 256):
        response = _post(client, api.tokens["worker"], "/pallets", body, key=bad)
        assert response.status_code == 400, bad
        assert idempotency.HEADER in response.json["message"]


def test_two_requests_with_one_key_at_once_record_one_pallet(app, api, ids, season, engine):
    lot = _fresh_lot(api, ids, season)
    body = {"location_id": ids["house"], "contents": [{"lot": lot, "cartons": 3}]}
    before = _counts(engine)

    def send(_):
        return _post(app.test_client(), api.tokens["worker"], "/pallets", body, key="same")

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(send, range(4)))
    ok = [r for r in answers if r.status_code == 201]
    # every answer is the pallet, or (while the first answer is being kept) "recorded: look it up"
    assert {r.status_code for r in answers} <= {201, 409} and ok, [r.json for r in answers]
    assert {r.json["sscc"] for r in ok} == {ok[0].json["sscc"]}
    after = _counts(engine)
    assert after["pallet"] == before["pallet"] + 1
    assert api.as_("inspector").get("/audit/verify").json["ok"] is True


def test_a_write_whose_answer_was_lost_is_not_recorded_twice(
    client, api, ids, season, engine, monkeypatch
):
    """The server stops after the commit, before the answer is kept: the key was committed with
    the pallet, so the retry is told so and records nothing."""
    lot = _fresh_lot(api, ids, season)
    body = {"location_id": ids["house"], "contents": [{"lot": lot, "cartons": 4}]}
    token = api.tokens["worker"]
    with monkeypatch.context() as patch:
        patch.setattr(idempotency, "finish", lambda session, response: response)
        assert _post(client, token, "/pallets", body, key="lost").status_code == 201
    before = _counts(engine)
    retry = _post(client, token, "/pallets", body, key="lost")
    assert retry.status_code == 409
    assert "was recorded" in retry.json["message"]
    assert _counts(engine) == before
