"""Who is logged in to the staff pages and what their role may open: the Flask-Login user, the
role guard, and the session's own clock (absolute and idle limits)."""

from __future__ import annotations

import hashlib
import time
from functools import wraps

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import UserMixin, current_user, login_user

from trace.db.session import get_session
from trace.services import users

WORKERS = ("admin", "worker")
READERS = ("admin", "worker", "inspector")
AUDITORS = ("admin", "inspector")
IMPORTERS = ("importer",)  # an importer's pages: its own shipments only (trace/web/importer.py)
STAFF = (*READERS, *IMPORTERS)  # whoever may log in to the staff pages


class Staff(UserMixin):
    """The logged-in user for Flask-Login: the database row, and a session id that names the
    user's session generation and the password it was opened with, so a logout, a changed or
    removed password or an admin's revocation ends every copy of every open session."""

    def __init__(self, row):
        self.row = row

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def name(self) -> str:
        return self.row.name

    @property
    def role(self) -> str:
        return self.row.role

    def get_id(self) -> str:
        return session_id(self.row)


def session_id(row) -> str:
    stamp = hashlib.sha256((row.password_hash or "").encode()).hexdigest()[:16]
    return f"{row.id}.{row.session_epoch}.{stamp}"


def load_user(value: str) -> Staff | None:
    ident = value.partition(".")[0]
    if not ident.isdigit() or len(ident) > 10:
        return None
    row = users.get(get_session(), int(ident))
    if row is None or not row.password_hash or session_id(row) != value:
        return None
    return Staff(row)


def me():
    """The logged-in user's row, as the use cases take it."""
    return current_user.row


def roles(*allowed: str):
    """Only logged-in users of these roles (others: the login page, or 403)."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
            if current_user.role not in allowed:
                abort(403)
            if me().totp_required and not me().totp_secret and request.endpoint != "web.account":
                flash(_("Set up a second factor to go on: it is required for you."), "info")
                return redirect(url_for("web.account"))
            return view(*args, **kwargs)

        guarded.roles = allowed  # read by the tests that check every page's guard
        return guarded

    return decorate


def can(*allowed: str) -> bool:
    return current_user.is_authenticated and current_user.role in allowed


def open_session(row) -> None:
    """A new session for a new login (never one planted before), with its clock started."""
    session.clear()
    login_user(Staff(row))
    session.permanent = True  # the cookie lasts as long as the session may
    session["born"] = session["seen"] = clock()


def clock() -> int:
    """Seconds since the epoch: the session clock (a test moves it)."""
    return int(time.time())


def session_clock() -> None:
    """A session ends WEB_SESSION_HOURS after its login however much it is used (absolute),
    and WEB_SESSION_IDLE_MINUTES after its last page (idle); the times are in the signed
    cookie, so a copy of an old cookie is as old as it was."""
    if "_user_id" not in session:
        return
    config, moment = current_app.config, clock()
    born, seen = session.get("born"), session.get("seen")
    if (
        not isinstance(born, int)
        or not isinstance(seen, int)
        or moment - born > config["WEB_SESSION_HOURS"] * 3600
        or moment - seen > config["WEB_SESSION_IDLE_MINUTES"] * 60
    ):
        session.clear()
        flash(_("Your session has ended: log in again."), "info")
        return
    if moment - seen >= 30:  # the cookie is written again at most every half minute
        session["seen"] = moment
