"""Submit once: a form that records carries a one-time token, so a double tap or a reload
records once and is shown what the first submission recorded."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from trace.db.session import get_session
from trace.domain.errors import DomainError
from trace.services import form_once

from .errors import show_error
from .staff import me

WAIT_FOR_FIRST = 10.0  # seconds a repeat waits for the first submission to finish


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _claim(token: str) -> str | None:
    """None when this submission is the first with `token`; else where the first one led."""
    db = get_session()
    if form_once.claim(db, token, me().id):
        if secrets.randbelow(50) == 0:  # now and then, forget tokens of forms long sent
            form_once.forget_old(db)
        return None
    deadline = time.monotonic() + WAIT_FOR_FIRST
    while True:
        held, result = form_once.outcome(db, token)
        if result:
            return result
        if not held or time.monotonic() > deadline:
            return url_for("web.home")
        time.sleep(0.1)


def submit_once(form, record: Callable[[], str], fields: dict[str, str] | None = None):
    """Record a form once: `record()` calls the use case and returns the page to show next.

    A repeat of the same form (a second tap, a reload) is sent to the first one's page. A
    domain error is put beside its field (`fields` maps the use case's field names and
    message hints to the form's) and None is returned: the caller shows the form again.
    """
    token = form.once.data or ""
    if len(token) < 16:
        form.form_errors.append(_("This form is out of date: reload the page."))
        return None
    earlier = _claim(token)
    if earlier is not None:
        flash(_("That form was sent already: this is what it recorded."), "info")
        return redirect(earlier)
    try:
        target = record()
    except DomainError as error:
        get_session().rollback()
        form_once.settle(get_session(), token, None)
        show_error(form, error, fields or {})
        return None
    form_once.settle(get_session(), token, target)
    return redirect(target)
