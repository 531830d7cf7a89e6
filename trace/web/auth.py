"""Logging in and out, and the home page of each role."""

from __future__ import annotations

import math
import time
from datetime import timedelta
from urllib.parse import urlsplit

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from trace.db.session import get_session
from trace.security import client_address
from trace.services import lots, second_factor, shipments, users

from . import importer
from .account import end_own_sessions
from .clock import today
from .forms import EmptyForm, LoginForm, SecondFactorForm
from .house import current_house, packing_houses
from .render import bp, render
from .staff import IMPORTERS, STAFF, WORKERS, me, open_session, roles
from .throttle import throttle


def _safe_next(target: str | None) -> str:
    """Only a path of this site, parsed as a browser would: no scheme, no host, no `//`, no
    backslash and no control or invisible character (a browser drops a tab, so `/<tab>/evil`
    would become `//evil`). Anything else goes to the home page."""
    home = url_for("web.home")
    if not target or not target.startswith("/") or target.startswith("//"):
        return home
    if "\\" in target or not target.isprintable() or len(target) > 2000:
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return home
    return target


def _held(address: str, name: str, form, field, template: str):
    """After too many wrong passwords from this address or for this name: the form again with
    how long to wait (429), else None."""
    wait = throttle().wait(address, name)
    if not wait:
        return None
    field.errors.append(
        _(
            "Too many wrong passwords: wait %(minutes)s min and try again.",
            minutes=max(1, math.ceil(wait / 60)),
        )
    )
    page, status = render(template, 429, form=form)
    return page, status, {"Retry-After": str(wait)}


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form."""
    form = LoginForm()
    if form.validate_on_submit():
        name, address = form.username.data.strip(), client_address()
        held = _held(address, name, form, form.password, "web/login.html")
        if held:
            return held
        user = users.authenticate_password(get_session(), name, form.password.data)
        if user is None:
            throttle().failed(address, name)
            form.password.errors.append(_("Wrong user name or password."))
        elif user.role not in STAFF:
            form.password.errors.append(
                _("Your role has no staff pages: use the API with your token.")
            )
        elif second_factor.enabled(user):  # the password was right: now the code
            session.clear()
            session["pending"] = {
                "user": user.id,
                "epoch": user.session_epoch,
                "at": int(time.time()),
                "next": _safe_next(request.args.get("next")),
            }
            return redirect(url_for("web.login_code"))
        else:
            open_session(user)
            return redirect(_safe_next(request.args.get("next")))
    status = 401 if form.is_submitted() else 200
    return render("web/login.html", status, form=form)


PENDING_SECONDS = 300  # the code must follow the password within five minutes


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """The second step of a login with a second factor: a code from the app or a recovery code."""
    pending = session.get("pending")
    db = get_session()
    user = users.get(db, pending["user"]) if isinstance(pending, dict) else None
    if (
        user is None
        or user.session_epoch != pending.get("epoch")
        or time.time() - pending.get("at", 0) > PENDING_SECONDS
    ):
        session.pop("pending", None)
        flash(_("Your session has ended: log in again."), "info")
        return redirect(url_for("web.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        address = client_address()
        held = _held(address, user.name, form, form.code, "web/login_code.html")
        if held:
            return held
        if second_factor.check(db, user, form.code.data):
            target = pending.get("next") or url_for("web.home")
            open_session(user)
            return redirect(_safe_next(target))
        throttle().failed(address, user.name)
        form.code.errors.append(_("Wrong code."))
    status = 401 if form.is_submitted() else 200
    return render("web/login_code.html", status, form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (a POST with the CSRF token, so another site cannot log a worker out): every
    session of the user ends, copies of its cookie included."""
    if current_user.is_authenticated:
        end_own_sessions()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("web.login"))


@bp.route("/")
def root():
    """The staff home when logged in, else the login page."""
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    return redirect(url_for("web.login"))


@bp.route("/app/")
@roles(*STAFF)
def home():
    """A worker's lots at the packing house today; an inspector's search and shipments; an
    importer's own shipments."""
    if current_user.role in WORKERS:
        return _worker_home()
    if current_user.role in IMPORTERS:
        return importer.home()
    rows, _total = shipments.list_shipments(get_session(), me(), {}, 1, 500)
    recent = sorted(rows, key=lambda s: s.id, reverse=True)[:20]
    return render("web/home_inspector.html", shipments=recent)


def _worker_home():
    db = get_session()
    house = current_house()
    stock, recent = [], []
    if house is not None:
        rows, _total = lots.list_lots(db, {"location_id": house.id}, 1, 10_000)
        since = today() - timedelta(days=1)
        for lot in sorted(rows, key=lambda lot: lot.id, reverse=True):
            state = lots.lot_state(db, lot)
            left = state["quantities"]["left"]
            cartons_left = (state["cartons"] or {}).get("left", 0)
            if left > 1e-9 or cartons_left > 0:
                stock.append(state)
            elif lot.produced_on >= since:
                recent.append(state)
    return render(
        "web/home_worker.html",
        house=house,
        houses=packing_houses(),
        stock=stock[:100],
        recent=recent[:30],
        house_form=EmptyForm(),
    )


@bp.route("/app/house", methods=["POST"])
@roles(*WORKERS)
def choose_house():
    """Work at another packing house (remembered in the session)."""
    EmptyForm().validate_on_submit()  # the CSRF token is checked for every staff POST
    chosen = request.form.get("house", type=int)
    if chosen in {h.id for h in packing_houses()}:
        session["house"] = chosen
    return redirect(url_for("web.home"))
