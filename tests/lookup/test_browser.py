"""The lookup page in a real browser at a phone's size (390×844): Debian's Chromium driven by
Playwright, the app served on a free port of 127.0.0.1.

Skips where /usr/bin/chromium is missing, except under CI (CI=true), where it fails: `.ci/run`
installs Debian's chromium. `TRACE_SCREENSHOTS=docs` (`make screenshots`) writes the README's
screenshots to docs/; otherwise they go to the test's temporary folder.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.browser import PHONE, chromium, require_browser, served, shots, sqlite_app
from tests.conftest import Api
from tests.flows import master_data
from tests.lookup.conftest import LOT_URL, print_labels, record_story
from trace.services import users

PRINTED: list[str] = []  # the serials printed for the story's lot (random, one per carton)


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory):
    """The app with the story recorded, served by werkzeug in a thread."""
    require_browser()
    folder = tmp_path_factory.mktemp("browser")
    app = sqlite_app(
        sqlite_template,
        folder,
        LOOKUP_CONTACT_NAME="Hải Dương Agri Export JSC",
        LOOKUP_CONTACT_EMAIL="trace@haiduongagri.example",
    )
    engine = app.extensions["trace.engine"]
    tokens = {}
    with Session(engine, expire_on_commit=False) as session:
        for role in ("admin", "worker", "inspector"):
            _, tokens[role] = users.create(session, f"{role}-1", role)
    api = Api(app.test_client(), tokens)
    record_story(api, master_data(api))
    PRINTED[:] = print_labels(engine, "LOT/26A", 10)
    with served(app) as base:
        yield base


@pytest.fixture(scope="module")
def browser(site):
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize(
    ("language", "title", "timeline"),
    [
        ("ja", "タンハー・ライチ", "各工程の記録"),
        ("vi", "Vải thiều Thanh Hà", "Từng công đoạn đã diễn ra"),
        ("en", "Thanh Ha lychee", "What happened, step by step"),
        ("zh-Hans", "Thanh Ha lychee", "每一步的记录"),  # China's profile; no Chinese name: English
    ],
)
def test_the_page_fits_a_phone_in_each_language(site, browser, tmp_path, language, title, timeline):
    locale = {"zh-Hans": "zh-CN"}.get(language, language)  # what a phone in China sends
    context = browser.new_context(viewport=PHONE, locale=locale)
    page = context.new_page()
    response = page.goto(f"{site}{LOT_URL}/21/{PRINTED[2]}")  # language from Accept-Language
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").inner_text() == title
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.get_by_role("heading", name=timeline).is_visible()
    steps = page.locator("#timeline li")
    assert steps.count() >= 8
    steps.last.scroll_into_view_if_needed()
    assert steps.first.is_visible() and steps.last.is_visible()
    page.screenshot(path=str(shots(tmp_path) / f"lookup-{language}.png"), full_page=True)
    context.close()


def test_the_language_switcher_works_and_is_remembered(site, browser):
    context = browser.new_context(viewport=PHONE, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{site}{LOT_URL}")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.get_by_role("link", name="Tiếng Việt").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "vi"
    assert "Thu hoạch" in page.locator("#timeline").inner_text()
    page.goto(f"{site}/01/08931234567897")  # the next code opens in the language chosen
    assert page.locator("html").get_attribute("lang") == "vi"
    context.close()


def test_a_typo_is_explained_on_a_phone(site, browser, tmp_path):
    context = browser.new_context(viewport=PHONE, locale="ja")
    page = context.new_page()
    response = page.goto(f"{site}/01/08931234567895/10/LOT%2F26A")
    assert response.status == 400
    assert "正しくは 7 です" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(shots(tmp_path) / "lookup-error-ja.png"), full_page=True)
    context.close()


def test_the_footer_leads_to_the_keys_that_sign_evidence(site, browser):
    context = browser.new_context(viewport=PHONE, locale="ja")
    page = context.new_page()
    page.goto(f"{site}{LOT_URL}")
    link = page.locator("footer").get_by_role("link", name="当社の証拠に署名する鍵")
    assert link.is_visible()
    link.click()
    page.wait_for_load_state()
    assert page.url == f"{site}/.well-known/trace-keys.json"
    body = page.evaluate("JSON.parse(document.body.innerText)")
    assert body["type"] == "trace-signing-keys" and isinstance(body["keys"], list)
    context.close()
