"""No scan lost on a packing house's slow network: the pallet page in Chromium with the
network throttled through the DevTools protocol (600 ms each way), a reload half way and 30
seconds with no network at all, while a worker scans 40 cartons 0.3 s apart. Every scan waits
in the browser's queue (kept across the reload), is sent in order and retried, and is counted
once: the pallet holds exactly the 40 cartons scanned.
"""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from tests.browser import TABLET, chromium, require_browser, served
from tests.flows import GTIN, packed_lot
from tests.lookup.conftest import print_labels
from tests.web.page import PASSWORDS, staffed_app
from trace.db.models import Pallet

SLOW = {"offline": False, "latency": 600, "downloadThroughput": -1, "uploadThroughput": -1}
OFFLINE = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory):
    require_browser()
    folder = tmp_path_factory.mktemp("web-scan-queue")
    app, api, ids = staffed_app(sqlite_template, folder)
    _, packed = packed_lot(api, ids)
    serials = print_labels(app.extensions["trace.engine"], packed, 45)
    with served(app) as base:
        yield base, app, packed, serials


def _login(page, base: str) -> None:
    page.goto(f"{base}/")
    page.fill("#username", "worker-1")
    page.fill("#password", PASSWORDS["worker"])
    page.locator("#login button[type=submit]").click()
    page.wait_for_url(f"{base}/app/")


def test_forty_cartons_scanned_on_a_slow_and_broken_network_are_all_counted(site):
    from playwright.sync_api import expect

    base, app, packed, serials = site
    public = app.config["PUBLIC_BASE_URL"]
    codes = [f"{public}/01/{GTIN}/10/{packed}/21/{serial}" for serial in serials[:40]]
    with chromium() as browser:
        context = browser.new_context(viewport=TABLET, locale="en-GB")
        page = context.new_page()
        _login(page, base)
        page.goto(f"{base}/app/pallet")
        network = context.new_cdp_session(page)
        network.send("Network.enable")
        network.send("Network.emulateNetworkConditions", SLOW)

        def scan(code: str) -> None:
            field = page.locator("input[data-scan]")
            field.fill(code)
            field.press("Enter")
            page.wait_for_timeout(300)

        for code in codes[:15]:
            scan(code)
        assert int(page.locator("#work").get_attribute("data-pending") or 0) > 0  # still sending
        page.reload()  # a reload with scans still waiting: they are kept and sent after it
        for code in codes[15:25]:
            scan(code)
        network.send("Network.emulateNetworkConditions", OFFLINE)
        began = page.evaluate("Date.now()")
        for code in codes[25:]:
            scan(code)
        expect(page.locator("#scan-queue")).to_contain_text("No connection")
        page.wait_for_timeout(max(0, 30_000 - (page.evaluate("Date.now()") - began)))
        network.send("Network.emulateNetworkConditions", SLOW)

        expect(page.locator("#work")).to_have_attribute("data-pending", "0", timeout=90_000)
        expect(page.locator("#total")).to_have_text("40")
        expect(page.locator("input[name=line_cartons]")).to_have_value("40")
        expect(page.locator("#scan-queue")).to_contain_text("40 counted")

        scan(codes[7])  # the same carton again: refused in words, not counted twice
        expect(page.locator("#work")).to_have_attribute("data-pending", "0", timeout=30_000)
        expect(page.locator("#work .scan .error")).to_contain_text("counted already")
        expect(page.locator("#total")).to_have_text("40")

        page.get_by_role("button", name="Record the pallet").click()
        page.wait_for_url(re.compile(r"/app/pallets/\d{18}$"), timeout=30_000)
        expect(page.locator(".flash.ok")).to_contain_text("40 cartons")
        context.close()
    with Session(app.extensions["trace.engine"]) as session:
        (pallet,) = session.exec(select(Pallet)).all()
        assert pallet.cartons == 40
