"""Headers every answer carries, and the secret key (issue: hardening, item 6)."""

from __future__ import annotations

import logging
import stat

import pytest

from tests.browser import chromium, require_browser, served, sqlite_app
from tests.flows import GTIN
from tests.web.conftest import staff  # noqa: F401 (a fixture: staff users with passwords)
from tests.web.page import PASSWORDS, Page
from trace.app import create_app
from trace.security import KEY_FILE, WeakSecretKey


def _policy(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in policy.split(";")) if part}


@pytest.mark.parametrize(
    "path, kind",
    [
        ("/api/v1/lots/NOPE", "API error (JSON)"),
        ("/api/v1/openapi.json", "OpenAPI document"),
        ("/api/v1/docs/", "API documentation page"),
        ("/healthz", "health check"),
        ("/login", "staff login page"),
        (f"/01/{GTIN}", "public lookup page (404)"),
        ("/01/123", "public lookup page (400)"),
        ("/static/lookup.css", "a static file"),
    ],
)
def test_every_answer_forbids_sniffing_framing_and_inline_script(client, path, kind):
    response = client.get(path)
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff", kind
    assert headers["Referrer-Policy"] in ("no-referrer", "same-origin"), kind
    policy = _policy(response)
    assert policy["frame-ancestors"] == "frame-ancestors 'none'", kind
    scripts = policy.get("script-src", policy["default-src"])
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, kind
    assert "Strict-Transport-Security" not in headers  # plain HTTP: HSTS would mean nothing


def test_hsts_over_https_and_behind_a_tls_proxy(database_url, tmp_path):
    app = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path)}
    )
    direct = app.test_client().get("/healthz", base_url="https://trace.example")
    assert direct.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    proxied = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path),
            "RATELIMIT_PROXIES": 1,
        }
    )
    client = proxied.test_client()
    assert (
        "Strict-Transport-Security"
        in client.get("/healthz", headers={"X-Forwarded-Proto": "https"}).headers
    )
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    for each in (app, proxied):
        each.extensions["trace.engine"].dispose()


def test_no_key_from_the_source_an_instance_key_is_made_once(database_url, tmp_path):
    settings = {"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path)}
    first, second = create_app(dict(settings)), create_app(dict(settings))
    key = (tmp_path / KEY_FILE).read_text().strip()
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key
    assert len(key) >= 32
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
    other = tmp_path / "other"
    third = create_app(settings | {"INSTANCE_PATH": str(other)})
    assert third.config["SECRET_KEY"] != key  # each installation its own
    for app in (first, second, third):
        app.extensions["trace.engine"].dispose()


@pytest.mark.parametrize("weak", ["dev-only-not-secret", "changeme", "short-key"])
def test_a_placeholder_or_short_secret_key_is_refused(database_url, tmp_path, weak):
    with pytest.raises(WeakSecretKey, match="TRACE_SECRET_KEY"):
        create_app(
            {"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": weak}
        )


def test_the_api_documentation_works_under_its_policy(sqlite_template, tmp_path):
    """Swagger UI's one inline script runs because its hash is allowed, nothing else inline."""
    require_browser()
    app = sqlite_app(sqlite_template, tmp_path)
    with served(app) as base, chromium() as browser:
        page = browser.new_page()
        refused = []
        page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else 0)
        page.goto(f"{base}/api/v1/docs/")
        page.wait_for_selector(".opblock-summary-path", timeout=15000)  # operations listed
        assert refused == []
        page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent ="
            " 'window.injected = 1'; document.body.appendChild(s); }"
        )
        assert page.evaluate("() => window.injected") is None  # an injected script is refused
        assert refused


@pytest.mark.usefixtures("staff")
def test_no_token_or_password_reaches_the_logs(client, api, tokens, caplog):
    """Requests that carry secrets, allowed or refused, and a server error: the logs (every
    logger, every level) hold none of the tokens, the passwords or the secret key."""
    app = client.application

    @app.get("/boom-for-the-log-test")
    def boom():
        raise RuntimeError("a crash while a token was in the request")

    caplog.set_level(logging.DEBUG)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # log a 500 as production does
    for role in tokens:
        api.as_(role).get("/lots")
    client.get("/api/v1/lots", headers={"Authorization": "Bearer not-a-real-token-0123456789"})
    Page(app.test_client()).login("worker")
    wrong = Page(app.test_client())
    wrong.open("/login")
    wrong.send({"username": "worker-1", "password": "guessed-password-42"})
    bearer = {"Authorization": f"Bearer {tokens['admin']}"}
    assert client.get("/boom-for-the-log-test", headers=bearer).status_code == 500
    logged = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    assert "a crash while a token was in the request" in logged  # the log does see the error
    secrets_ = [*tokens.values(), *PASSWORDS.values(), "guessed-password-42",
                "not-a-real-token-0123456789", app.config["SECRET_KEY"]]  # fmt: skip
    assert [s for s in secrets_ if s in logged] == []


@pytest.mark.parametrize(
    "path", ['/01/12">;rel="x', "/00/1<a>,b;c", '/414/"%22%0d', "/01/123%3E%3B%20rel%3Dx"]
)
def test_a_malformed_code_is_never_echoed_raw_into_the_link_header(client, path):
    response = client.get(path)
    assert response.status_code == 400
    link = response.headers["Link"]
    target, _, rest = link.partition(">")
    assert rest == '; rel="linkset"; type="application/linkset+json"'
    assert not set(target[1:]) & set('<>"; ,')
