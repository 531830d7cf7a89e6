"""The administrator's pages: locations with their per-market codes (add, suspend, revoke),
products, users with their web passwords and API tokens."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _

from trace.db.session import get_session
from trace.security import bounded_id
from trace.services import masterdata, second_factor, users

from . import words
from .forms import (
    CodeForm,
    CodeStatusForm,
    EmptyForm,
    LocationForm,
    PasswordForm,
    ProductForm,
    RevokeForm,
    UserForm,
    options,
)
from .house import HOUSES
from .once import new_token, submit_once
from .render import bp, render
from .staff import me, open_session, roles

ADDRESS = (
    "street",
    "commune",
    "district",
    "city",
    "province",
    "region",
    "postal_code",
    "country",
)


def _fresh(form):
    form.once.data = new_token()
    return form


# --- locations ----------------------------------------------------------------------------------


@bp.route("/app/admin/locations")
@roles("admin")
def locations():
    """Every location and its codes."""
    db = get_session()
    rows, _total = masterdata.list_locations(db, request.args.get("kind") or None, None, 1, 10_000)
    codes = masterdata.codes_of(db, [r.id for r in rows])
    return render("web/admin_locations.html", locations=rows, codes=codes)


def _location_form(form: LocationForm) -> None:
    form.kind.choices = options((k, words.word(words.PLACES, k)) for k in words.PLACES)
    form.methods.choices = options((m, words.word(words.METHODS, m)) for m in words.METHODS)


CONTACT = ("name", "phone", "email", "website")


def _location_data(form: LocationForm) -> dict:
    address = {k: getattr(form, k).data.strip() for k in ADDRESS if getattr(form, k).data}
    contact = {k: form[f"contact_{k}"].data.strip() for k in CONTACT if form[f"contact_{k}"].data}
    return {
        "contact": contact,
        "name": form.name.data.strip(),
        "gln": form.gln.data or None,
        "phone": (form.phone.data or "").strip() or None,
        "address": address,
        "methods": form.methods.data or [],
    }


def _sent(form, record: Callable[[], str]):
    """A new or edit page's form: fresh on a GET; once valid, recorded once (the redirect to
    show); None while the form is to be shown again."""
    if request.method == "GET":
        _fresh(form)
        return None
    return submit_once(form, record) if form.validate() else None


@bp.route("/app/admin/locations/new", methods=["GET", "POST"])
@roles("admin")
def location_new():
    """Add a location."""
    form = LocationForm()
    _location_form(form)

    def record() -> str:
        place = masterdata.create_location(
            get_session(), {"kind": form.kind.data, **_location_data(form)}, me()
        )
        flash(_("%(name)s added.", name=place.name), "ok")
        return url_for("web.location_edit", ident=place.id)

    return _sent(form, record) or render("web/admin_location.html", form=form, place=None)


@bp.route("/app/admin/locations/<int:ident>", methods=["GET", "POST"])
@roles("admin")
def location_edit(ident: int):
    """Change a location; add a code; suspend, revoke or reactivate one."""
    db = get_session()
    place = masterdata.get_location(db, ident)
    which = request.form.get("form") if request.method == "POST" else None
    form = _place_form(place, sent=which == "place")
    code_form = (
        CodeForm(prefix="code")
        if which == "code"
        else _fresh(CodeForm(formdata=None, prefix="code"))
    )
    changes = {
        "place": (form, _place_change),
        "code": (code_form, _code_change),
        "status": (CodeStatusForm(prefix="status"), _status_change),
    }
    if which in changes:
        response = _change_location(db, ident, *changes[which])
        if response is not None:
            return response
    return render(
        "web/admin_location.html",
        form=form,
        place=place,
        codes=masterdata.codes_of(db, [place.id])[place.id],
        code_form=code_form,
        token=new_token,
    )


def _place_form(place, sent: bool) -> LocationForm:
    """The location's own form: as sent, or filled from the place."""
    if sent:
        form = LocationForm(prefix="place")
        form.kind.data = place.kind  # shown, not sent: a place keeps its kind
    else:
        form = _fresh(LocationForm(formdata=None, prefix="place", obj=place))
        for key in ADDRESS:
            getattr(form, key).data = place.address.get(key, "")
        form.methods.data = place.methods
        for key in CONTACT:
            form[f"contact_{key}"].data = place.contact.get(key, "")
    _location_form(form)
    return form


def _change_location(db, ident: int, form, change: Callable):
    """One of the location page's forms recorded once: `change(form)` says what changes and
    the message to flash (None: nothing to record)."""
    found = change(form) if form.validate() else None
    if found is None:
        return None
    data, message = found

    def record() -> str:
        masterdata.update_location(db, ident, data, me())
        flash(message, "ok")
        return url_for("web.location_edit", ident=ident)

    return submit_once(form, record)


def _place_change(form: LocationForm) -> tuple[dict, str]:
    return _location_data(form), _("Saved.")


def _code_change(form: CodeForm) -> tuple[dict, str]:
    code = {
        "scheme": form.scheme.data,
        "value": form.value.data.strip(),
        "market": form.market.data,
        "status": "active",
        "issuer": form.issuer.data or None,
        "season": form.season.data or None,
    }
    return {"codes": [code]}, _("Code %(code)s added.", code=code["value"])


def _status_change(form: CodeStatusForm) -> tuple[dict, str] | None:
    status = form.status.data
    if status not in ("active", "suspended", "revoked") or not _is_id(form.code_id.data):
        return None
    change = {"code_status": [{"id": int(form.code_id.data), "status": status}]}
    return change, _("The code is %(status)s now.", status=words.word(words.STATUSES, status))


# --- products -----------------------------------------------------------------------------------


@bp.route("/app/admin/products")
@roles("admin")
def products():
    """Every product (trade item)."""
    rows, _total = masterdata.list_products(get_session(), None, 1, 10_000)
    return render("web/admin_products.html", products=rows)


def _product_data(form: ProductForm) -> dict:
    names = {
        lang: getattr(form, f"name_{lang}").data.strip()
        for lang in ("vi", "en", "ja")
        if getattr(form, f"name_{lang}").data
    }
    return {
        "gtin": form.gtin.data or None,
        "name": names,
        "commodity": form.commodity.data.strip(),
        "variety": (form.variety.data or "").strip() or None,
        "net_weight_kg": form.net_weight_kg.data,
    }


@bp.route("/app/admin/products/new", methods=["GET", "POST"])
@roles("admin")
def product_new():
    """Add a product."""
    form = ProductForm()

    def record() -> str:
        masterdata.create_product(get_session(), _product_data(form), me())
        flash(_("Product added."), "ok")
        return url_for("web.products")

    return _sent(form, record) or render("web/admin_product.html", form=form, product=None)


@bp.route("/app/admin/products/<int:ident>", methods=["GET", "POST"])
@roles("admin")
def product_edit(ident: int):
    """Change a product (its GTIN only while no lot is packed under it)."""
    db = get_session()
    product = masterdata.get_product(db, ident)
    form = ProductForm()
    if request.method == "GET":
        form = ProductForm(formdata=None, obj=product)
        for lang in ("vi", "en", "ja"):
            getattr(form, f"name_{lang}").data = product.name.get(lang, "")

    def record() -> str:
        masterdata.update_product(db, ident, _product_data(form), me())
        flash(_("Saved."), "ok")
        return url_for("web.products")

    return _sent(form, record) or render("web/admin_product.html", form=form, product=product)


# --- users --------------------------------------------------------------------------------------


def _houses() -> list[tuple[int, str]]:
    rows = masterdata.locations_of_kinds(get_session(), (*HOUSES, "importer"))
    return [(0, "—")] + [(p.id, p.name) for p in rows]


@bp.route("/app/admin/users", methods=["GET", "POST"])
@roles("admin")
def user_list():
    """Users, and a form to add one (with a web password and a first API token)."""
    db = get_session()
    form = UserForm()
    form.role.choices = options(
        (r, words.word(words.ROLES, r)) for r in ("worker", "inspector", "admin")
    )
    form.location_id.choices = options(_houses())
    if request.method == "GET":
        _fresh(form)
    elif form.validate():

        def record() -> str:
            user, token = users.create(
                db,
                form.name.data.strip(),
                form.role.data,
                form.location_id.data or None,
                form.password.data,
            )
            _show_token(token, user)
            return url_for("web.user_page", ident=user.id)

        response = submit_once(form, record)
        if response is not None:
            return _token_page() or response
    return render("web/admin_users.html", users=users.list_users(db), form=form)


def _is_id(text: str | None) -> bool:
    try:
        bounded_id(text)
    except ValueError:
        return False
    return True


def _show_token(token: str, user) -> None:
    """A new token is shown once, in this very answer: never kept, never in the cookie."""
    g.new_token = (token, user.id)


def _token_page():
    """The user's page with the token just issued (instead of the redirect), if one was."""
    if "new_token" not in g:
        return None
    token, ident = g.pop("new_token")
    return _user_view(users.get(get_session(), ident), new_token_text=token)


@bp.route("/app/admin/users/<int:ident>", methods=["GET", "POST"])
@roles("admin")
def user_page(ident: int):
    """A user: set or remove the web password, issue or revoke API tokens."""
    db = get_session()
    user = users.get(db, ident)
    if user is None:
        return render("web/error.html", 404, title=_("Not found"), message=_("No such user."))
    which = request.form.get("form") if request.method == "POST" else None
    password_form = PasswordForm(prefix="pw")
    revoke_form = RevokeForm(prefix="revoke")
    token_form = PasswordForm(prefix="token")
    if which == "password" and password_form.validate():

        def record() -> str:
            row = users.set_password(db, user, password_form.password.data or None)
            if row.id == me().id and row.password_hash:  # the admin's own: this session goes on
                open_session(row)
            flash(
                _("Password changed.") if password_form.password.data else _("Web login removed."),
                "ok",
            )
            return url_for("web.user_page", ident=ident)

        response = submit_once(password_form, record, {"password": "password"})
        if response is not None:
            return response
    elif which == "token" and token_form.validate():

        def record() -> str:
            _show_token(users.issue_token(db, user), user)
            return url_for("web.user_page", ident=ident)

        response = submit_once(token_form, record)
        if response is not None:
            return _token_page() or response
    elif which == "revoke" and revoke_form.validate() and _is_id(revoke_form.token_id.data):
        token_id = int(revoke_form.token_id.data)

        def record() -> str:
            if users.revoke_by_id(db, user, token_id):
                flash(_("Token revoked."), "ok")
            return url_for("web.user_page", ident=ident)

        response = submit_once(revoke_form, record)
        if response is not None:
            return response
    elif which == "sessions" and EmptyForm().validate():
        users.end_sessions(db, user)
        flash(_("Every session of this user has ended."), "ok")
        return redirect(url_for("web.user_page", ident=ident))
    elif which in ("totp-require", "totp-free") and EmptyForm().validate():
        second_factor.require(db, user, which == "totp-require")
        flash(_("Saved."), "ok")
        return redirect(url_for("web.user_page", ident=ident))
    if which != "password":
        password_form = PasswordForm(formdata=None, prefix="pw")
    return _user_view(user, password_form)


def _user_view(user, password_form=None, new_token_text: str | None = None):
    password_form = password_form or PasswordForm(formdata=None, prefix="pw")
    _fresh(password_form)
    return render(
        "web/admin_user.html",
        user=user,
        tokens=users.tokens_of(get_session(), user),
        password_form=password_form,
        token=new_token,
        new_token=new_token_text,
        me=me(),
        second_factor=second_factor.enabled(user),
    )
