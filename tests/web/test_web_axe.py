"""Accessibility, checked by axe-core (the rules browsers' own audits use) in Chromium on every
staff page and the public pages: no serious or critical violation. axe-core comes from the
npm registry into tests/a11y/node_modules (`make test` installs it); under CI it must be there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import PHONE, TABLET, chromium, require_browser, served
from tests.conftest import IN_CI
from tests.flows import GTIN, packed_season, shipment_body
from tests.lookup.conftest import print_labels
from tests.web.page import PASSWORDS, staffed_app

AXE = Path(__file__).resolve().parents[1] / "a11y" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory):
    require_browser()
    if not AXE.exists():
        reason = f"{AXE} is missing: npm ci --prefix tests/a11y (make test does it)"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("web-axe")
    app, api, ids = staffed_app(sqlite_template, folder)
    season = packed_season(api, ids)
    response = api.as_("worker").post("/shipments", json=shipment_body(ids, season["ssccs"]))
    assert response.status_code == 201, response.json
    season["shipment"] = response.json["id"]
    season["serial"] = print_labels(app.extensions["trace.engine"], season["packed"], 3)[0]
    with served(app) as base:
        yield base, season, ids


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.help + ' — ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))"
    )
    return found


def _login(page, base: str, role: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", f"{role}-1")
    page.fill("#password", PASSWORDS[role])
    page.locator("#login button[type=submit]").click()
    page.wait_for_url(f"{base}/app/")


def test_no_serious_accessibility_violation_on_any_page(site):
    base, season, ids = site
    packed, harvest, sscc = season["packed"], season["harvest"], season["ssccs"][0]
    staff = {
        "worker": [
            "/app/",
            "/app/receive",
            "/app/cool",
            "/app/treat",
            "/app/step/grade",
            "/app/step/store",
            "/app/inspect",
            "/app/pack",
            "/app/labels",
            "/app/pallet",
            "/app/shipment",
            "/app/account",
            "/app/events/1/correct",
            f"/app/lots/{packed}",
            f"/app/lots/{harvest}",
            f"/app/pallets/{sscc}",
            f"/app/shipments/{season['shipment']}",
        ],
        "inspector": [
            "/app/",
            f"/search?q={packed}",
            f"/app/recall/{packed}",
            "/app/recall",
            "/app/audit",
            "/app/exports",
            "/app/chain/lot:1",
            f"/app/shipments/{season['shipment']}",
        ],
        "admin": [
            "/app/admin/locations",
            f"/app/admin/locations/{ids['orchard']}",
            "/app/admin/locations/new",
            "/app/admin/products",
            "/app/admin/products/new",
            "/app/admin/users",
        ],
    }
    public = [
        f"/01/{GTIN}/10/{packed}",
        f"/01/{GTIN}/10/{packed}/21/{season['serial']}",
        f"/01/{GTIN}/10/NO-SUCH-LOT",
        "/01/123",
    ]
    problems = {}
    with chromium() as browser:
        context = browser.new_context(viewport=TABLET, bypass_csp=True, locale="vi-VN")
        page = context.new_page()
        page.goto(f"{base}/login")
        problems["/login"] = _violations(page)
        for role, paths in staff.items():
            _login(page, base, role)
            for path in paths:
                page.goto(base + path)
                problems[f"{role} {path}"] = _violations(page)
            page.locator("form[action$='/logout'] button").first.click()
        context.close()
        context = browser.new_context(viewport=PHONE, bypass_csp=True, locale="ja-JP")
        page = context.new_page()
        for path in public:
            page.goto(base + path)
            problems[path] = _violations(page)
        context.close()
    problems = {where: found for where, found in problems.items() if found}
    assert not problems, "\n".join(f"{w}: {f}" for w, f in problems.items())
