"""A user's own account: change the password (with the current one), set up or turn off the
second factor (TOTP), new recovery codes. Secrets shown here (a new key, recovery codes) are
in this answer only: never in the session cookie, never kept in clear."""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import logout_user

from trace.db.session import get_session
from trace.domain.errors import DomainError
from trace.services import second_factor, users

from .errors import show_error
from .forms import ChangePasswordForm, SecondFactorForm
from .once import new_token, submit_once
from .render import bp, render
from .staff import STAFF, me, open_session, roles


def _qr(uri: str) -> str:
    """The key as a QR code for the authenticator app (an SVG data URI: no request leaves)."""
    svg = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, border=2).to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


@bp.route("/app/account", methods=["GET", "POST"])
@roles(*STAFF)
def account():
    """Password and second factor of the logged-in user."""
    db = get_session()
    which = request.form.get("form") if request.method == "POST" else None
    password_form = ChangePasswordForm(
        prefix="pw", formdata=request.form if which == "password" else None
    )
    code_form = SecondFactorForm(
        prefix="code", formdata=request.form if which and which != "password" else None
    )
    codes: list[str] | None = None
    if which == "password" and password_form.validate():

        def record() -> str:
            row = users.change_password(
                db, me(), password_form.old_password.data, password_form.password.data
            )
            open_session(row)  # this session goes on; every other one has ended
            flash(_("Password changed: your other sessions have ended."), "ok")
            return url_for("web.account")

        response = submit_once(password_form, record, {"old_password": "old_password"})
        if response is not None:
            return response
    elif which == "totp-start":
        second_factor.start(db, me())
    elif which in ("totp-confirm", "totp-codes", "totp-off") and code_form.validate():
        try:
            if which == "totp-confirm":
                codes = second_factor.confirm(db, me(), code_form.code.data)
                open_session(users.get(db, me().id))  # other sessions had no 2nd factor
            elif which == "totp-codes":
                codes = second_factor.new_recovery_codes(db, me(), code_form.code.data)
            else:
                second_factor.turn_off(db, me(), code_form.code.data)
                flash(_("The second factor is off."), "ok")
                return redirect(url_for("web.account"))
        except DomainError as error:
            db.rollback()
            show_error(code_form, error, {"code": "code"})
    if not password_form.once.data:
        password_form.once.data = new_token()
    user = me()
    pending = user.totp_pending if which in ("totp-start", "totp-confirm") else None
    return render(
        "web/account.html",
        200 if not (password_form.errors or code_form.errors) else 422,
        user=user,
        password_form=password_form,
        code_form=code_form,
        pending=pending,
        qr=_qr(second_factor.setup_uri(user)) if pending else None,
        codes=codes,
        remaining=second_factor.remaining_codes(user),
        min_length=users.MIN_PASSWORD,
    )


def end_own_sessions() -> None:
    """Logging out ends every session of the user (every copy of every cookie)."""
    users.end_sessions(get_session(), me())
    logout_user()
