"""Logging in, sessions, CSRF, and which role reaches which page."""

from __future__ import annotations

import re

import pytest

from tests.web.page import PASSWORDS, Page

PUBLIC = {"web.login", "web.login_code", "web.logout", "web.root"}
IMPORTER_PAGES = {
    "web.home",
    "web.account",
    "web.import_page",
    "web.import_arrival",
    "web.import_epcis",
    "web.import_fsma",
}


def test_every_staff_page_names_the_roles_it_serves(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("web.") and rule.endpoint not in PUBLIC:
            roles = getattr(app.view_functions[rule.endpoint], "roles", None)
            assert roles, f"{rule.rule} has no role guard"
            # An importer opens its own pages, its home and its account; nothing of the chain.
            if "importer" in roles:
                assert rule.endpoint in IMPORTER_PAGES, rule.rule


def test_root_and_pages_send_a_stranger_to_the_login_page(client):
    assert client.get("/").location == "/login"
    response = client.get("/app/pack?x=1")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
    assert client.get("/app/").location.startswith("/login")


def test_a_worker_logs_in_and_out(client, staff):
    page = Page(client)
    page.open("/search?q=x")  # sent to the login page first
    assert page.url.startswith("/login")
    response = page.send({"username": "worker-1", "password": PASSWORDS["worker"]})
    assert response.status_code == 404  # nothing is known by "x"
    assert page.url == "/search"  # back where the worker wanted to go
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure
    page.open("/app/")
    page.send(form="logout")  # the button in the header
    assert page.url == "/login"
    assert client.get("/app/").status_code == 302


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, staff):
    page = Page(client)
    page.open("/login")
    wrong = page.send({"username": "worker-1", "password": "not-the-password"})
    assert wrong.status_code == 401
    assert "Wrong user name or password." in page.text()
    page.open("/login")
    unknown = page.send({"username": "nobody", "password": "not-the-password"})
    assert unknown.status_code == 401
    assert "Wrong user name or password." in page.text()


def test_a_user_without_a_web_password_cannot_log_in(client, tokens):
    page = Page(client)
    page.open("/login")
    assert page.send({"username": "worker-1", "password": ""}).status_code == 401


def test_the_next_page_after_login_stays_on_this_site(client, staff):
    page = Page(client)
    page.open("/login?next=//evil.example/x")
    page.send(
        {"username": "worker-1", "password": PASSWORDS["worker"]},
        url="/login?next=//evil.example/x",
    )
    assert page.url == "/app/"


def test_the_session_cookie_is_secure_over_https(client, staff):
    client.get("/login", base_url="https://localhost")
    html = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    client.post(
        "/login",
        data={"csrf_token": token, "username": "worker-1", "password": PASSWORDS["worker"]},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},
    )
    cookie = client.get_cookie("session", domain="localhost")
    assert cookie is not None and cookie.secure and cookie.http_only


def test_a_post_without_its_csrf_token_is_refused(as_, ids):
    worker = as_("worker")
    worker.open("/app/receive")
    response = worker.send({"csrf_token": ""}, action="scan")
    assert response.status_code == 400
    assert "The form has expired" in worker.text()
    response = worker.client.post("/logout")
    assert response.status_code == 400
    assert worker.client.get("/app/").status_code == 200  # still logged in


def test_login_needs_its_csrf_token_too(client, staff):
    response = client.post("/login", data={"username": "worker-1", "password": PASSWORDS["worker"]})
    assert response.status_code == 400


def test_the_api_and_the_public_pages_take_no_csrf_token(api, ids):
    response = api.as_("worker").post(
        "/lots/harvest",
        json={
            "orchard_id": ids["orchard"],
            "commodity": "lychee",
            "quantity": 10,
            "harvested_on": "2026-06-10",
        },
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    "url",
    ["/app/admin/locations", "/app/admin/products", "/app/admin/users", "/app/admin/locations/new"],
)
def test_a_worker_cannot_reach_the_admin_pages(as_, url):
    worker = as_("worker")
    assert worker.client.get(url).status_code == 403
    token = re.search(r'name="csrf_token" value="([^"]+)"', worker.html).group(1)
    if url.endswith(("/new", "/users")):
        data = {"csrf_token": token, "name": "x", "kind": "orchard", "role": "admin"}
        assert worker.client.post(url, data=data).status_code == 403


def test_an_inspector_cannot_post_worker_forms(as_, ids):
    admin = as_("admin")
    admin.open("/app/receive")  # a real form, with its CSRF token and one-time token
    fields = {"harvested": "100", "commodity": "lychee", "orchard_id": str(ids["orchard"])}
    inspector = as_("inspector")
    inspector.html = admin.html
    inspector.url = "/app/receive"
    inspector.open("/app/")  # the inspector's own session and CSRF token
    token = re.search(r'name="csrf_token" value="([^"]+)"', inspector.html).group(1)
    for url in (
        "/app/receive",
        "/app/pack",
        "/app/pallet",
        "/app/shipment",
        "/app/labels",
        "/app/treat",
    ):
        response = inspector.client.post(url, data={**fields, "csrf_token": token})
        assert response.status_code == 403, url
        assert inspector.client.get(url).status_code == 403, url
    assert inspector.client.get("/app/audit").status_code == 200


def test_a_changed_password_ends_open_sessions(as_, engine):
    from sqlmodel import Session, select

    from trace.db.models import User
    from trace.services import users

    worker = as_("worker")
    assert worker.client.get("/app/").status_code == 200
    with Session(engine, expire_on_commit=False) as session:
        user = session.exec(select(User).where(User.name == "worker-1")).one()
        users.set_password(session, user, "another-password")
    assert worker.client.get("/app/").status_code == 302


def test_pages_are_not_kept_by_caches_and_not_framed(as_):
    response = as_("inspector").client.get("/app/")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_the_language_follows_the_browser_then_the_switcher(client, staff):
    assert 'lang="vi"' in client.get("/login", headers={"Accept-Language": "vi-VN"}).get_data(
        as_text=True
    )
    assert 'lang="en"' in client.get("/login", headers={"Accept-Language": "ja"}).get_data(
        as_text=True
    )
    response = client.get("/login?lang=vi")
    assert "lang=vi" in response.headers["Set-Cookie"]
    assert 'lang="vi"' in client.get("/login").get_data(as_text=True)  # remembered


def test_users_create_sets_a_web_password_and_still_ends_with_the_token(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", "lan", "--role", "worker", "--password", "lan-secret-1"]
    )
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert (
        client.get("/api/v1/lots", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )
    page = Page(client)
    page.open("/login")
    page.send({"username": "lan", "password": "lan-secret-1"})
    assert page.url == "/app/"
    short = runner.invoke(args=["users", "create", "an", "--role", "worker", "--password", "short"])
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    again = runner.invoke(args=["users", "password", "lan", "--password", "lan-secret-2"])
    assert again.exit_code == 0, again.output


def test_passwords_are_stored_as_slow_salted_hashes(app, engine):
    app.test_cli_runner().invoke(
        args=["users", "create", "lan", "--role", "worker", "--password", "lan-secret-1"]
    )
    with engine.connect() as conn:
        stored = conn.exec_driver_sql('SELECT password_hash FROM "user"').scalar_one()
    assert stored.startswith("scrypt:") and "lan-secret-1" not in stored


@pytest.mark.parametrize(
    "target",
    ["/%09/evil.example", "/%0A/x", "//evil.example", "/\\evil.example", "https://evil.example",
     "/%0D%0ALocation:%20http://evil.example", "javascript:alert(1)", "/%E3%80%80/x%00"],
)  # fmt: skip
def test_after_login_only_a_page_of_this_site_is_followed(client, staff, target):
    page = Page(client)
    page.open(f"/login?next={target}")
    response = page.send(
        {"username": "worker-1", "password": PASSWORDS["worker"]}, url=page.url, follow=False
    )
    assert response.status_code == 302, target
    assert response.location == "/app/", target


def test_after_login_a_page_of_this_site_is_followed(client, staff):
    page = Page(client)
    page.open("/login?next=/app/receive%3Fx%3D1")
    response = page.send(
        {"username": "worker-1", "password": PASSWORDS["worker"]}, url=page.url, follow=False
    )
    assert response.location == "/app/receive?x=1"
