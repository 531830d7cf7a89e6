"""Failed staff logins are throttled (docs/security.md, "Authorisation matrix"): a few wrong
passwords per user name and address, a few more per address over all names, then 429 with
Retry-After and the password not even checked; right passwords are never counted."""

from __future__ import annotations

import pytest

from tests.web.page import PASSWORDS, Page
from trace.app import create_app


def attempt(client, name: str, password: str, **kwargs):
    page = Page(client)
    page.open("/login", **kwargs)
    response = page.send({"username": name, "password": password}, **kwargs)
    return response, page


def test_the_sixth_wrong_password_in_a_minute_waits_even_if_right(client, staff):
    for _ in range(5):
        response, _page = attempt(client, "worker-1", "not-the-password")
        assert response.status_code == 401
    response, page = attempt(client, "worker-1", PASSWORDS["worker"])
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert "Too many wrong passwords: wait 1 min and try again." in page.text()
    assert client.get("/app/").status_code == 302  # not logged in
    # another user name from here, and the same name from elsewhere, have their own counts
    response, _page = attempt(client, "inspector-1", PASSWORDS["inspector"])
    assert response.status_code == 200 and _page.url == "/app/"
    elsewhere = client.application.test_client()
    response, page = attempt(
        elsewhere, "worker-1", PASSWORDS["worker"], environ_base={"REMOTE_ADDR": "10.1.2.3"}
    )
    assert response.status_code == 200 and page.url == "/app/"


def test_the_wait_is_said_in_vietnamese_too(client, staff):
    for _ in range(5):
        attempt(client, "worker-1", "sai-mat-khau")
    response, page = attempt(
        client, "worker-1", "sai-mat-khau", headers={"Accept-Language": "vi-VN"}
    )
    assert response.status_code == 429
    assert "Nhập sai mật khẩu quá nhiều lần: hãy đợi 1 phút rồi thử lại." in page.text()


def test_right_passwords_are_never_counted(client, staff):
    for _ in range(12):  # each a new browser at the same address
        response, page = attempt(client.application.test_client(), "worker-1", PASSWORDS["worker"])
        assert response.status_code == 200 and page.url == "/app/"
    response, _page = attempt(client, "worker-1", "not-the-password")
    assert response.status_code == 401  # the first wrong one: still the form, not a wait


@pytest.fixture
def strict(database_url, tmp_path, staff):
    """An app allowing 3 wrong passwords per address over all names (the fixtures' database)."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path),
            "WEB_LOGIN_LIMIT_ADDRESS": "3/minute",
        }
    )
    yield app
    app.extensions["trace.engine"].dispose()


def test_guessing_many_names_from_one_address_waits_too(strict):
    client = strict.test_client()
    for name in ("ana", "binh", "chi"):
        response, _page = attempt(client, name, "password1")
        assert response.status_code == 401
    response, _page = attempt(client, "worker-1", PASSWORDS["worker"])
    assert response.status_code == 429
    other = strict.test_client()
    response, page = attempt(
        other, "worker-1", PASSWORDS["worker"], environ_base={"REMOTE_ADDR": "10.9.9.9"}
    )
    assert response.status_code == 200 and page.url == "/app/"


def test_behind_a_proxy_the_forwarded_address_is_counted(database_url, tmp_path, staff):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path),
            "WEB_LOGIN_LIMIT": "1/minute",
            "RATELIMIT_PROXIES": 1,
        }
    )
    client = app.test_client()
    one, two = {"X-Forwarded-For": "203.0.113.1"}, {"X-Forwarded-For": "203.0.113.2"}
    assert attempt(client, "worker-1", "wrong-one", headers=one)[0].status_code == 401
    assert attempt(client, "worker-1", "wrong-two", headers=one)[0].status_code == 429
    assert attempt(client, "worker-1", PASSWORDS["worker"], headers=two)[0].status_code == 200
    app.extensions["trace.engine"].dispose()
