"""The packing form at a real packing house: 39 harvest lots each with a few kilograms left
after earlier packings. On a tablet the running total and the record button stay on screen,
the lots not being used wait folded away, and the keyboard reaches the button in a few Tabs.
"""

from __future__ import annotations

import pytest

from tests.browser import TABLET, chromium, require_browser, served
from tests.web.page import PASSWORDS, staffed_app

LOTS = 39


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory):
    require_browser()
    folder = tmp_path_factory.mktemp("web-pack")
    app, api, ids = staffed_app(sqlite_template, folder)
    worker = api.as_("worker")
    codes = []
    for day in range(LOTS):
        response = worker.post(
            "/lots/harvest",
            json={
                "orchard_id": ids["orchard"],
                "commodity": "lychee",
                "quantity": 20 + day,
                "unit": "kg",
                "harvested_on": f"2026-06-{1 + day % 28:02d}",
            },
        )
        assert response.status_code == 201, response.json
        code = response.json["code"]
        response = worker.post(
            f"/lots/{code}/receipts",
            json={
                "location_id": ids["house"],
                "received_at": f"2026-06-{1 + day % 28:02d}T15:00:00+07:00",
                "quantity": 20 + day,
                "unit": "kg",
            },
        )
        assert response.status_code == 201, response.json
        codes.append(code)
    with served(app) as base:
        yield base, codes


def test_the_total_and_the_button_stay_in_reach_with_39_lots(site):
    from playwright.sync_api import expect

    base, codes = site
    with chromium() as browser:
        page = browser.new_page(viewport=TABLET, locale="en-GB")
        page.goto(f"{base}/")
        page.fill("#username", "worker-1")
        page.fill("#password", PASSWORDS["worker"])
        page.locator("#login button[type=submit]").click()
        page.wait_for_url(f"{base}/app/")
        page.goto(f"{base}/app/pack")
        more = page.locator("#more-lots")
        expect(more.locator("summary")).to_contain_text(f"({LOTS})")
        assert more.get_attribute("open") is None  # 39 lots: folded until asked for

        field = page.locator("input[data-scan]")
        field.fill(codes[5])
        field.press("Enter")
        expect(page.locator("#inputs")).to_contain_text(codes[5])
        expect(page.locator("#more-lots summary")).to_contain_text(f"({LOTS - 1})")
        page.fill("#cartons", "2")
        button = page.get_by_role("button", name="Record the packing")
        total = page.locator("#balance output[data-out=used]")
        for target in (button, total):  # on screen without scrolling
            box = target.bounding_box()
            assert box is not None
            assert box["y"] >= 0 and box["y"] + box["height"] <= TABLET["height"]
        page.locator("#inputs input[data-kg]").fill("20")
        expect(total).to_have_text("20")  # the running total follows the typing

        page.locator("#inputs input[data-kg]").focus()
        presses = 0
        while presses < 5 and page.evaluate("document.activeElement.value") != "submit":
            page.keyboard.press("Tab")
            presses += 1
        assert page.evaluate("document.activeElement.textContent").strip() == "Record the packing"
        assert presses <= 3, presses
        page.keyboard.press("Enter")
        expect(page.locator(".flash.ok")).to_contain_text("2 cartons")
