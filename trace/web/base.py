"""What every staff page shares: the blueprint, who is logged in and what their role may do,
the language, local times, one-time form tokens and domain errors shown beside their field."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from functools import wraps

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import Domain, format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import UserMixin, current_user, login_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from trace.config import ROOT
from trace.db.models import FormOnce, Location, User
from trace.db.session import get_session
from trace.domain.errors import DomainError, Forbidden, Invalid, NotFound
from trace.services.common import VIETNAM, now

from . import messages, words

bp = Blueprint("web", __name__, template_folder="templates")

TRANSLATIONS = ROOT / "trace" / "web" / "translations"
# The staff pages' own catalogue, made the default for their requests (the lookup pages keep
# theirs): see _before below.
DOMAIN = Domain(translation_directories=[str(TRANSLATIONS)])
LANGUAGES = ("vi", "en")
NATIVE = {"vi": "Tiếng Việt", "en": "English"}
COOKIE = "lang"  # the same cookie the public pages remember a language in

WORKERS = ("admin", "worker")
READERS = ("admin", "worker", "inspector")
AUDITORS = ("admin", "inspector")


def select_language() -> str:
    """?lang= (the switcher), then the remembered cookie, then the browser's languages."""
    for choice in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if choice in LANGUAGES:
            return choice
    return request.accept_languages.best_match(LANGUAGES) or "en"


def language() -> str:
    return str(get_locale() or "en")


# --- who is logged in ----------------------------------------------------------------------------


class Staff(UserMixin):
    """The logged-in user for Flask-Login: the database row, and a session id that names the
    user's session generation and the password it was opened with, so a logout, a changed or
    removed password or an admin's revocation ends every copy of every open session."""

    def __init__(self, row: User):
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


def session_id(row: User) -> str:
    stamp = hashlib.sha256((row.password_hash or "").encode()).hexdigest()[:16]
    return f"{row.id}.{row.session_epoch}.{stamp}"


def load_user(value: str) -> Staff | None:
    ident = value.partition(".")[0]
    if not ident.isdigit() or len(ident) > 10:
        return None
    row = get_session().get(User, int(ident))
    if row is None or not row.password_hash or session_id(row) != value:
        return None
    return Staff(row)


def me() -> User:
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


# --- where the worker is --------------------------------------------------------------------------


def packing_houses() -> list[Location]:
    return list(
        get_session().exec(
            select(Location)
            .where(Location.kind.in_(["packing_house", "cold_store"]))
            .order_by(Location.name)
        )
    )


def current_house() -> Location | None:
    """The packing house the pages work at: chosen on the home page (kept in the session),
    else the user's own location if it is one, else the first there is."""
    houses = packing_houses()
    by_id = {h.id: h for h in houses}
    for choice in (
        session.get("house"),
        me().location_id if current_user.is_authenticated else None,
    ):
        if choice in by_id:
            return by_id[choice]
    return houses[0] if houses else None


# --- times ----------------------------------------------------------------------------------------

LOCAL = VIETNAM  # the staff's clock: the season happens in Vietnam
INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # <input type="datetime-local">


def local_now() -> datetime:
    return now().astimezone(LOCAL).replace(second=0, microsecond=0)


def today():
    return local_now().date()


def aware(value: datetime | None) -> datetime | None:
    """A time typed on the page (no zone) is Vietnam's."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=LOCAL)


def shown_time(value: datetime | None, offset: str | None = None) -> str:
    """`2026-06-10 14:00` in the zone it happened in (`offset`, e.g. +09:00), else Vietnam's."""
    if value is None:
        return ""
    zone = LOCAL
    if offset:
        sign = 1 if offset[0] == "+" else -1
        hours, minutes = offset[1:].split(":")
        zone = timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")


# --- one-time form tokens: a double tap records once ------------------------------------------

KEEP_TOKENS = timedelta(days=2)
WAIT_FOR_FIRST = 10.0  # seconds a repeat waits for the first submission to finish


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _claim(token: str) -> str | None:
    """None when this submission is the first with `token`; else where the first one led."""
    db = get_session()
    try:
        db.add(FormOnce(token=token, user_id=me().id, created_at=now()))
        db.commit()
    except IntegrityError:
        db.rollback()
    else:
        if secrets.randbelow(50) == 0:  # now and then, forget tokens of forms long sent
            db.execute(delete(FormOnce).where(FormOnce.created_at < now() - KEEP_TOKENS))
            db.commit()
        return None
    deadline = time.monotonic() + WAIT_FOR_FIRST
    while True:
        db.expire_all()
        row = db.get(FormOnce, token)
        if row is not None and row.result:
            return row.result
        if row is None or time.monotonic() > deadline:
            return url_for("web.home")
        time.sleep(0.1)


def _settle(token: str, result: str | None) -> None:
    db = get_session()
    row = db.get(FormOnce, token)
    if row is not None:
        if result is None:
            db.delete(row)  # it failed: the corrected form may be sent again
        else:
            row.result = result
            db.add(row)
        db.commit()


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
        _settle(token, None)
        show_error(form, error, fields or {})
        return None
    _settle(token, target)
    return redirect(target)


def show_error(form, error: DomainError, fields: dict[str, str]) -> None:
    """The error's message in the reader's language, beside the field it is about."""
    text, hint = messages.explain(error)
    names = [error.field] if isinstance(error, Invalid) else []
    names.append(hint)
    for name in names:
        target = fields.get(name) or (name if name in form else None)
        if target and target in form:
            form[target].errors = [*form[target].errors, text]
            return
    form.form_errors.append(text)


# --- every staff request ------------------------------------------------------------------------


@bp.before_request
def _before():
    DOMAIN.as_default()  # the staff pages' catalogue
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        current_app.extensions["csrf"].protect()
    _session_clock()


def open_session(row: User) -> None:
    """A new session for a new login (never one planted before), with its clock started."""
    session.clear()
    login_user(Staff(row))
    session.permanent = True  # the cookie lasts as long as the session may
    session["born"] = session["seen"] = clock()


def clock() -> int:
    """Seconds since the epoch: the session clock (a test moves it)."""
    return int(time.time())


def _session_clock() -> None:
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


@bp.after_request
def _after(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Cache-Control", "no-store")  # pages show who did what: keep no copies
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    if response.mimetype == "text/html":
        headers["Content-Security-Policy"] = (
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        )
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(
            COOKIE,
            chosen,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure,
        )
    return response


def switch_url(code: str) -> str:
    """This page in another language."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return url_for(request.endpoint or "web.home", **(request.view_args or {}), **args)


@bp.app_template_filter("qty")
def _qty(value) -> str:
    """1180.0 → "1,180" (en) or "1.180" (vi)."""
    if value is None:
        return ""
    return format_decimal(round(float(value), 3))


@bp.context_processor
def _helpers() -> dict:
    return {
        "current_user": current_user,
        "lang": language(),
        "languages": [(code, NATIVE[code]) for code in LANGUAGES],
        "switch_to": switch_url,
        "can": can,
        "WORKERS": WORKERS,
        "READERS": READERS,
        "AUDITORS": AUDITORS,
        "word": words.word,
        "words": words,
        "shown_time": shown_time,
    }


def render(template: str, status: int = 200, **context):
    return render_template(template, **context), status


@bp.errorhandler(CSRFError)
def _csrf_error(error):
    return render(
        "web/error.html",
        400,
        title=_("The form has expired"),
        message=_(
            "The page was open too long or the form was sent from elsewhere. "
            "Go back, reload the page and send it again."
        ),
    )


@bp.errorhandler(403)
def _forbidden(error):
    return render(
        "web/error.html",
        403,
        title=_("Not for your role"),
        message=_("Your role may not open this page. Log in as a user who may."),
    )


@bp.errorhandler(404)
def _not_found(error):
    return render(
        "web/error.html",
        404,
        title=_("Not found"),
        message=_("Nothing is known by this address or code."),
    )


@bp.errorhandler(NotFound)
def _domain_not_found(error: NotFound):
    text, _hint = messages.explain(error)
    return render("web/error.html", 404, title=_("Not found"), message=text)


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError):
    text, _hint = messages.explain(error)
    status = 403 if isinstance(error, Forbidden) else 409
    return render("web/error.html", status, title=_("That cannot be done"), message=text)
