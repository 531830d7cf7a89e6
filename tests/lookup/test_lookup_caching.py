"""Caching: repeat scans and a CDN are cheap (ETag, Cache-Control), yet a page changes as soon as
something new is recorded; a carton's page, which counts scans, is never cached."""

from __future__ import annotations

from tests.lookup.conftest import LOT_URL


def test_a_repeat_visit_with_the_etag_costs_no_body(client, story):
    first = client.get(LOT_URL, headers={"Accept-Language": "ja"})
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=60"
    assert first.headers["Vary"] == "Accept, Accept-Language, Cookie"
    etag = first.headers["ETag"]
    again = client.get(LOT_URL, headers={"Accept-Language": "ja", "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert "Link" in again.headers
    english = client.get(LOT_URL, headers={"Accept-Language": "en", "If-None-Match": etag})
    assert english.status_code == 200 and english.headers["ETag"] != etag  # per language


def test_a_new_event_changes_the_page_and_its_etag(client, api, story):
    etag = client.get(LOT_URL).headers["ETag"]
    response = api.as_("worker").post(
        "/lots/LOT%2F26A/inspections",
        json={"inspected_at": "2026-06-19T10:00:00+09:00", "result": "pass", "kind": "import"},
    )
    assert response.status_code == 201, response.json
    after = client.get(LOT_URL, headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["ETag"] != etag
    assert "Inspected" in after.get_data(as_text=True)


def test_linksets_are_cacheable_and_conditional(client, story):
    first = client.get(LOT_URL, headers={"Accept": "application/linkset+json"})
    assert first.headers["Cache-Control"] == "public, max-age=60"
    again = client.get(
        LOT_URL,
        headers={"Accept": "application/linkset+json", "If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304


def test_a_cartons_page_is_never_stored_so_every_scan_reaches_the_counter(client, story):
    response = client.get(f"{LOT_URL}/21/3")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers


def test_the_cache_lifetime_is_configurable(app, client, story):
    app.config["LOOKUP_MAX_AGE"] = 300
    assert client.get(LOT_URL).headers["Cache-Control"] == "public, max-age=300"
