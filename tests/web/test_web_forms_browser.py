"""The cooling, inspection, correction and importer's arrival forms in a real browser (Debian's
Chromium driven by Playwright), one scenario each; axe checks the importer's pages (no serious
or critical violation; tests/web/test_web_axe.py checks the other forms). The season (a packed lot on two pallets, loaded and departed for Tokyo) is
written through the API once for the module; each scenario then does what a person does.

`TRACE_SCREENSHOTS=docs` (`make screenshots`) writes the README's pictures of the importer's
pages to docs/.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from tests.browser import PHONE, TABLET, chromium, require_browser, served, shots
from tests.flows import packed_season, shipped_and_departed
from tests.web.page import PASSWORDS, staffed_app
from tests.web.test_web_axe import AXE, _violations
from tests.web.test_web_worker import harvest_lot
from trace.db.models import Event, EventRef, Lot, node
from trace.services import users

IMPORTER = ("tokyo", "tokyo-import-2026")


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory):
    require_browser()
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: npm ci --prefix tests/a11y (make test does it)")
    folder = tmp_path_factory.mktemp("web-forms")
    app, api, ids = staffed_app(sqlite_template, folder)
    season = packed_season(api, ids)
    season["shipment"] = shipped_and_departed(api, ids, season["ssccs"])
    engine = app.extensions["trace.engine"]
    with Session(engine, expire_on_commit=False) as session:
        users.create(session, IMPORTER[0], "importer", ids["importer"], password=IMPORTER[1])
    with served(app) as base, chromium() as browser:
        yield {"base": base, "api": api, "ids": ids, "season": season, "engine": engine,
               "browser": browser}  # fmt: skip


def _page(site, role: str, user: str | None = None, password: str | None = None, **context):
    """A new browser page logged in as `user` (default: the role's test user)."""
    options = {"viewport": TABLET, "locale": "en-GB", **context}
    page = site["browser"].new_context(bypass_csp=True, **options).new_page()
    base = site["base"]
    page.goto(f"{base}/login")
    page.fill("#username", user or f"{role}-1")
    page.fill("#password", password or PASSWORDS[role])
    page.locator("#login button[type=submit]").click()
    page.wait_for_url(f"{base}/app/")
    return page


def _clean(page) -> None:
    found = _violations(page)
    assert not found, f"{page.url}: {found}"


def _lot(site, code: str) -> Lot:
    with Session(site["engine"]) as session:
        return session.exec(select(Lot).where(Lot.code == code)).one()


def test_a_worker_cools_a_lot_on_a_tablet_in_vietnamese(site):
    from playwright.sync_api import expect

    code = harvest_lot(site["api"], site["ids"])
    page = _page(site, "worker", locale="vi-VN")
    page.goto(f"{site['base']}/app/cool")
    field = page.locator("input[data-scan]")
    field.fill(code)
    field.press("Enter")  # the scanner's Enter chooses the lot, without sending the form
    expect(page.locator("#lot")).to_have_value(code)
    page.fill("#temperature_c", "99")
    page.locator("#work button[value=submit]").click()
    expect(page.locator("#temperature_c-error")).to_contain_text("-40")
    page.fill("#temperature_c", "4.5")
    page.fill("#duration_h", "6")
    page.locator("#work button[value=submit]").click()
    page.wait_for_url(f"**/app/lots/{code}")
    expect(page.locator("#flashes")).to_contain_text(f"Đã ghi nhận làm lạnh lô {code}.")
    expect(page.locator("#timeline li[data-kind=cool]")).to_contain_text("°C: 4.5")


def _inspect(page, base: str, code: str, result: str, notes: str) -> None:
    page.goto(f"{base}/app/inspect?lot={code}")
    page.select_option("#result", result)
    page.fill("#notes", notes)
    page.locator("#work button[value=submit]").click()


def test_a_failed_inspection_holds_the_lot_and_only_an_inspector_lifts_it(site):
    from playwright.sync_api import expect

    code = harvest_lot(site["api"], site["ids"])
    base = site["base"]
    worker = _page(site, "worker")
    _inspect(worker, base, code, "fail", "fruit fly larvae in 3 of 200 fruit")
    worker.wait_for_url(f"**/app/lots/{code}")
    expect(worker.locator("main")).to_contain_text("ON HOLD")
    assert _lot(site, code).on_hold
    _inspect(worker, base, code, "pass", "looks fine now")  # the worker tries to lift it
    expect(worker.locator("#result-error")).to_contain_text(
        "only an inspector or an administrator can lift the hold"
    )
    assert _lot(site, code).on_hold  # refused: still held

    inspector = _page(site, "inspector")
    _inspect(inspector, base, code, "pass", "re-inspected 200 fruit: clean")
    inspector.wait_for_url(f"**/app/lots/{code}")
    expect(inspector.locator("#timeline")).to_contain_text(
        "hold lifted by inspector-1 (inspector): re-inspected 200 fruit: clean"
    )
    assert not _lot(site, code).on_hold


def test_a_correction_with_its_reason_shows_before_and_after(site):
    from playwright.sync_api import expect

    code = harvest_lot(site["api"], site["ids"], kg=1200, receive=1180)
    with Session(site["engine"]) as session:
        receipt = session.exec(
            select(Event.id)
            .join(EventRef, EventRef.event_id == Event.id)
            .where(Event.type == "receive", EventRef.node == node("lot", _lot(site, code).id))
        ).one()
    page = _page(site, "worker")
    page.goto(f"{site['base']}/app/lots/{code}")
    page.locator(f"a[href$='/app/events/{receipt}/correct']").click()
    expect(page.locator("#changes")).to_contain_text("1180")  # the value recorded now
    page.fill("#new_quantity", "1160")
    page.locator("#work button[value=submit]").click()  # no reason: refused
    expect(page.locator("#reason-error")).to_be_visible()
    page.fill("#reason", "scale misread")
    page.locator("#work button[value=submit]").click()
    page.wait_for_url(f"**/app/lots/{code}")
    correction = page.locator("#timeline li[data-kind=correct]")
    expect(correction.locator("del")).to_have_text("1180")
    expect(correction.locator("ins")).to_have_text("1160")
    expect(correction).to_contain_text("why: scale misread")


def test_an_importer_records_the_arrival_on_a_phone(site, tmp_path):
    from playwright.sync_api import expect

    ident = site["season"]["shipment"]
    page = _page(site, "importer", *IMPORTER, viewport=PHONE)
    expect(page.locator("#shipments")).to_contain_text("MSCU1234565")
    _clean(page)
    page.screenshot(path=str(shots(tmp_path) / "web-importer.png"), full_page=True)
    page.get_by_role("link", name="Record the arrival").click()
    page.fill("#arrived_at", "2026-06-12T10:00")  # before it departed: refused
    page.locator("#arrive button[value=submit]").click()
    expect(page.locator("#arrived_at-error")).to_have_text(
        "A shipment cannot arrive before it departed."
    )
    _clean(page)
    page.fill("#arrived_at", "2026-06-19T09:00")
    page.fill("#condition", "seal intact; pulp 3.1 °C; 2 cartons crushed")
    page.locator("#arrive button[value=submit]").click()
    page.wait_for_url(f"**/app/imports/{ident}")
    expect(page.locator("#flashes")).to_contain_text(f"Shipment {ident} arrived.")
    expect(page.locator("#timeline li[data-kind=arrive]")).to_contain_text(
        "condition: seal intact; pulp 3.1 °C; 2 cartons crushed"
    )
    expect(page.locator("#arrive")).to_have_count(0)
    page.screenshot(path=str(shots(tmp_path) / "web-importer-arrival.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="EPCIS 2.0 document (JSON-LD)").click()
    assert download.value.suggested_filename == f"epcis_shipment-{ident}.jsonld"
