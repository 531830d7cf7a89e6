"""Staff sessions end on the server (logout, password change, an admin's revocation), have an
absolute lifetime and an idle timeout; passwords follow ASVS 2.1; TOTP second factor with
recovery codes; a new API token is never put in the session cookie."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlmodel import Session, select

from tests.web.page import PASSWORDS, Page
from trace.db.models import User
from trace.domain.errors import Invalid
from trace.services import users
from trace.web import staff

NEW = "a-new-long-passphrase"


def _cookie(page: Page) -> str:
    return page.client.get_cookie("session").value


def _copy(client, cookie: str):
    """Another browser holding a copy of the cookie (stolen, or a tab left open)."""
    other = client.application.test_client()
    other.set_cookie("session", cookie)
    return other


def test_a_cookie_copied_before_logout_opens_nothing_after_it(client, as_):
    worker = as_("worker")
    copy = _cookie(worker)
    assert _copy(client, copy).get("/app/").status_code == 200
    worker.open("/app/")
    worker.send(form="logout")
    assert worker.url == "/login"
    answer = _copy(client, copy).get("/app/")
    assert answer.status_code == 302 and answer.location.startswith("/login")


def test_an_admin_ends_every_session_of_a_user(client, as_, engine):
    inspector = as_("inspector")
    assert inspector.client.get("/app/").status_code == 200
    with Session(engine) as db:
        ident = db.exec(select(User).where(User.name == "inspector-1")).one().id
    admin = as_("admin")
    admin.open(f"/app/admin/users/{ident}")
    admin.send(form="user-security", changes={"form": "sessions"})
    assert "Every session of this user has ended." in admin.text()
    assert inspector.client.get("/app/").status_code == 302
    assert admin.client.get("/app/").status_code == 200  # the admin's own goes on


def test_a_session_ends_after_its_absolute_lifetime_however_used(client, as_, monkeypatch):
    start = staff.clock()
    moment = [start]
    monkeypatch.setattr(staff, "clock", lambda: moment[0])
    worker = as_("worker")
    hours = client.application.config["WEB_SESSION_HOURS"]
    assert hours == 12
    while moment[0] - start < hours * 3600 - 20 * 60:  # a page every 20 minutes
        moment[0] += 20 * 60
        assert worker.client.get("/app/").status_code == 200, (moment[0] - start) / 3600
    moment[0] = start + hours * 3600 + 1
    answer = worker.client.get("/app/")
    assert answer.status_code == 302 and answer.location.startswith("/login")


def test_a_session_ends_when_idle(client, as_, monkeypatch):
    moment = [staff.clock()]
    monkeypatch.setattr(staff, "clock", lambda: moment[0])
    worker = as_("worker")
    copy = _cookie(worker)
    moment[0] += 29 * 60
    assert worker.client.get("/app/").status_code == 200  # used within the idle time
    moment[0] += 29 * 60
    assert worker.client.get("/app/").status_code == 200
    assert _copy(client, copy).get("/app/").status_code == 302  # the old copy was idle 58 min
    moment[0] += 31 * 60
    assert worker.client.get("/app/").status_code == 302


def test_the_cookie_is_httponly_samesite_and_secure_behind_tls(client, staff):
    page = Page(client)
    page.open("/login", base_url="https://trace.example")
    page.send(
        {"username": "worker-1", "password": PASSWORDS["worker"]},
        url="https://trace.example/login",
        follow=False,
    )
    cookie = client.get_cookie("session", domain="trace.example")
    assert cookie.secure and cookie.http_only and cookie.same_site == "Lax"


def test_a_new_api_token_is_shown_once_and_never_in_the_cookie(client, as_, engine):
    with Session(engine) as db:
        ident = db.exec(select(User).where(User.name == "worker-1")).one().id
    admin = as_("admin")
    admin.open(f"/app/admin/users/{ident}")
    admin.send(form="token-form")
    token = re.search(r'id="new-token">.*?<code>([^<]+)</code>', admin.html, re.S)[1]
    app = client.application
    data = app.session_interface.get_signing_serializer(app).loads(_cookie(admin))
    assert token not in repr(data)
    assert token not in admin.client.get(f"/app/admin/users/{ident}").get_data(as_text=True)
    api = client.get("/api/v1/lots", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200


@pytest.mark.parametrize(
    "weak", ["12345678", "password", "short-pw", "qwerty123456", "1qaz2wsx3edc", "QWERTY123456"]
)
def test_a_short_or_common_password_is_refused(session, tokens, weak):
    admin = session.exec(select(User).where(User.name == "admin-1")).one()
    with pytest.raises(Invalid):
        users.set_password(session, admin, weak)
    assert session.get(User, admin.id).password_hash is None


def test_a_password_that_is_the_user_name_is_refused(session):
    with pytest.raises(Invalid):
        users.create(session, "lan-nguyen-thi", "worker", password="Lan-Nguyen-Thi")


def test_users_change_their_own_password_with_the_old_one(client, as_):
    worker = as_("worker")
    elsewhere = _cookie(worker)
    worker.open("/app/account")
    wrong = worker.send(
        {"pw-old_password": "not-my-password", "pw-password": NEW, "pw-repeat": NEW},
        form="password-form",
    )
    assert wrong.status_code == 422 and "current password is wrong" in worker.text()
    worker.open("/app/account")
    common = worker.send(
        {"pw-old_password": PASSWORDS["worker"], "pw-password": "qwerty123456",
         "pw-repeat": "qwerty123456"}, form="password-form",
    )  # fmt: skip
    assert common.status_code == 422
    worker.open("/app/account")
    worker.send(
        {"pw-old_password": PASSWORDS["worker"], "pw-password": NEW, "pw-repeat": NEW},
        form="password-form",
    )
    assert "Password changed" in worker.text()
    assert worker.client.get("/app/").status_code == 200  # this session goes on
    assert _copy(client, elsewhere).get("/app/").status_code == 302  # the others ended
    fresh = Page(client.application.test_client())
    fresh.open("/login")
    assert fresh.send({"username": "worker-1", "password": NEW}).status_code == 200
    assert fresh.url == "/app/"


def _set_up_totp(page: Page) -> tuple[str, list[str]]:
    page.open("/app/account")
    page.send(form="totp-start")
    key = re.search(r'id="totp-key">([A-Z2-7]+)<', page.html)[1]
    assert 'src="data:image/svg+xml;base64,' in page.html  # the QR code for the app
    wrong = page.send({"code-code": "000000"}, form="totp-confirm")
    assert wrong.status_code == 422
    page.send({"code-code": pyotp.TOTP(key).now()}, form="totp-confirm")
    codes = re.findall(r"<li><code>([0-9a-f]{5}-[0-9a-f]{5})</code></li>", page.html)
    assert len(codes) == 10
    return key, codes


def _login(client, role: str, code: str | None):
    page = Page(client.application.test_client())
    page.open("/login")
    page.send({"username": f"{role}-1", "password": PASSWORDS[role]})
    assert page.url == "/login/code"
    if code is not None:
        page.send({"code": code})
    return page


def test_totp_second_factor_and_recovery_codes(client, as_):
    inspector = as_("inspector")
    key, codes = _set_up_totp(inspector)
    assert inspector.client.get("/app/").status_code == 200
    page = _login(client, "inspector", None)
    assert page.client.get("/app/").status_code == 302  # a password alone opens nothing
    assert page.send({"code": "123456"}).status_code == 401
    assert page.client.get("/app/").status_code == 302
    following = pyotp.TOTP(key).at(time.time() + 30)  # the step after the one that confirmed
    page.send({"code": following})
    assert page.url == "/app/"
    assert _login(client, "inspector", following).url == "/login/code"  # a code works once
    assert _login(client, "inspector", codes[0]).url == "/app/"  # a recovery code, once
    assert _login(client, "inspector", codes[0]).url == "/login/code"


def test_an_admin_requires_a_second_factor(client, as_, engine):
    with Session(engine) as db:
        ident = db.exec(select(User).where(User.name == "inspector-1")).one().id
    admin = as_("admin")
    admin.open(f"/app/admin/users/{ident}")
    admin.send(form="user-security", changes={"form": "totp-require"})
    inspector = as_("inspector")
    answer = inspector.client.get("/app/")
    assert answer.status_code == 302 and answer.location == "/app/account"
    key, _codes = _set_up_totp(inspector)
    assert inspector.client.get("/app/").status_code == 200
    inspector.open("/app/account")
    assert "totp-off" not in inspector.html  # required: it cannot be turned off
    assert _login(client, "inspector", pyotp.TOTP(key).at(time.time() + 30)).url == "/app/"


def test_demo_and_test_users_are_not_forced_into_a_second_factor(client, as_):
    for role in PASSWORDS:
        assert as_(role).client.get("/app/").status_code == 200
