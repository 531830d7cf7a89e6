"""Staff pages: workers record and print from a tablet, inspectors audit the chain, admins keep
the master data (server-rendered Jinja, Flask-Login, Flask-WTF, Flask-Babel).

`/login`, `/search`, `/app/…`. Views are thin: they read a form, call one use case in
`trace.services`, and show its result or its error beside the field. Pages work without
JavaScript; `static/web/web.js` only adds scanner comfort (Enter in a scan field scans) and
disables a button once tapped. Every POST carries a CSRF token (checked here only: the JSON
API and the public lookup pages keep theirs); a form that records carries a one-time token too.

Imports `trace.services`, `trace.db` (the session and its tables), `trace.labels` (rendering),
`trace.gs1`; never `trace.api` or `trace.lookup`.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from . import (  # noqa: F401  (routes join the blueprint)
    account,
    admin,
    auth,
    correct,
    errors,
    inspect,
    packing,
    pallets,
    receiving,
    shipping,
    steps,
    throttle,
)
from .language import select_language
from .render import bp
from .staff import load_user

csrf = CSRFProtect()


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the page came over HTTPS (or always, with
    SESSION_COOKIE_SECURE), HttpOnly and SameSite=Lax."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or bool(request and request.is_secure)

    def open_session(self, app: Flask, request):
        # No session cookie (every public page, every API call): an empty session, without
        # building the cookie's signer first (near a tenth of a kept lot page's time, cProfile).
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session, response) -> None:
        # Nothing held and nothing changed: no cookie to send, only the Vary that Flask adds
        # when the session was looked at (it works out the cookie's name, domain, path and
        # flags first, then sends nothing).
        if not session and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """Register the staff pages: logins, CSRF, their translations and the blueprint."""
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=app.config["WEB_SESSION_HOURS"])
    app.session_interface = SessionInterface()

    # CSRF is checked by the staff blueprint only (see render.py): the API takes bearer tokens
    # and the public pages take no form.
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid as long as the login session
    csrf.init_app(app)

    login = LoginManager()
    # current_user reaches the staff pages' templates only (render.py), so a public lookup page
    # never loads a user.
    login.init_app(app, add_context_processor=False)
    login.user_loader(load_user)
    login.login_view = "web.login"
    throttle.init_app(app)  # failed logins

    # One Babel per app: the public pages set it up; the staff pages choose their language
    # their own way (vi or en) and use their own catalogue (language.DOMAIN).
    babel = app.extensions.get("babel")
    if babel is None:
        Babel(app, locale_selector=select_language)
    else:
        others = babel.locale_selector

        def choose():
            if request and request.blueprint == "web":
                return select_language()
            return others() if others else None

        babel.locale_selector = choose

    app.register_blueprint(bp)
