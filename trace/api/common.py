"""What the resource modules share: the protection decorator that also documents itself."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from flask_smorest import Blueprint

from . import auth
from .errors import KindErrorSchema

# Why an operation may answer an error status other than 401 and 403 (every protected operation)
# and 422 (documented by flask-smorest wherever a body or query is parsed). The body is always
# flask-smorest's error shape: {code, status, message | errors}.
REASONS = {
    404: "nothing is known by a code or id the request names; nothing was written",
    409: "a rule refused it (the message says which); nothing was written",
}
CHALLENGE = {
    "WWW-Authenticate": {
        "description": 'Bearer (no token) or Bearer error="invalid_token"',
        "schema": {"type": "string"},
    }
}


# The last page a list answers (an empty one when there are fewer rows): beyond it, the offset
# (page − 1) × page_size no longer fits a 64-bit database integer.
LAST_PAGE = 2**31 - 1


def protected(blp: Blueprint, *roles: str, errors: Iterable[int | tuple[int, str]] = ()):
    """Require one of `roles`, and say so in the OpenAPI document (401, 403, bearer).

    `errors` are the other error statuses the operation answers (404, 409), each with the
    reason in `REASONS` or one of its own given as `(status, description)`; `(403, text)` says
    when a user of an allowed role is refused all the same.
    """

    def decorate(view):
        view = auth.required(*roles)(view)
        described = {
            401: "no valid token: none sent, or unknown, revoked or expired",
            403: f"roles allowed: {', '.join(roles)}",
        }
        if _takes_json(view):
            described[400] = "the body is not JSON"
        for error in errors:
            status, why = error if isinstance(error, tuple) else (error, REASONS[error])
            described[status] = f"{described[403]}; {why}" if status == 403 else why
        for status, why in described.items():
            headers = CHALLENGE if status == 401 else None
            view = blp.alt_response(
                status, schema=KindErrorSchema, description=why, headers=headers
            )(view)
        return blp.doc(security=[{"bearer": []}])(view)

    return decorate


def records(blp: Blueprint, body, answer, *roles: str, errors: Iterable = ()):
    """A POST that records something: who may (`protected`, with `errors`), its JSON body and
    its answer (201)."""

    def decorate(view):
        view = blp.response(201, answer)(view)
        view = blp.arguments(body)(view)
        return protected(blp, *roles, errors=errors)(view)

    return decorate


def lists(blp: Blueprint, query, answer, *roles: str):
    """A GET that lists, a page at a time: who may (`protected`), its query parameters, the
    schema of one item it answers."""

    def decorate(view):
        view = blp.paginate(page_size=50, max_page_size=500)(view)
        view = blp.response(200, answer(many=True))(view)
        view = blp.arguments(query, location="query")(view)
        return protected(blp, *roles)(view)

    return decorate


def _takes_json(view) -> bool:
    """Whether flask-smorest parses a JSON body for `view` (set by `blp.arguments`)."""
    parameters = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(parameter.get("in") == "json" for parameter in parameters)


def page_size() -> int:
    return current_app.config["PAGE_SIZE"]


def page_window(pagination_parameters) -> tuple[int, int]:
    """The page and page size to read: a page past any the database could hold is read as the
    last such page (empty, as every page past the end), never as an offset that overflows."""
    return min(pagination_parameters.page, LAST_PAGE), pagination_parameters.page_size
