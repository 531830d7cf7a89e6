"""Errors on the staff pages: a domain error beside the field it is about, and the error pages
(expired form, wrong role, not found, a broken rule) in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from trace.domain.errors import DomainError, Forbidden, Invalid, NotFound

from . import messages
from .render import bp, render


def show_error(form, error: DomainError, fields: dict[str, str]) -> None:
    """The error's message in the reader's language, beside the field it is about."""
    text, hint = messages.translate(error)
    names = [error.field] if isinstance(error, Invalid) else []
    names.append(hint)
    for name in names:
        target = fields.get(name) or (name if name in form else None)
        if target and target in form:
            form[target].errors = [*form[target].errors, text]
            return
    form.form_errors.append(text)


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
    text, _hint = messages.translate(error)
    return render("web/error.html", 404, title=_("Not found"), message=text)


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError):
    text, _hint = messages.translate(error)
    status = 403 if isinstance(error, Forbidden) else 409
    return render("web/error.html", status, title=_("That cannot be done"), message=text)
