"""What the resource modules share: the protection decorator that also documents itself."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from . import auth


def protected(blp: Blueprint, *roles: str):
    """Require one of `roles`, and say so in the OpenAPI document (401, 403, bearer)."""

    def decorate(view):
        view = auth.required(*roles)(view)
        view = blp.alt_response(401, description="no valid token")(view)
        view = blp.alt_response(403, description=f"roles allowed: {', '.join(roles)}")(view)
        return blp.doc(security=[{"bearer": []}])(view)

    return decorate


def page_size() -> int:
    return current_app.config["PAGE_SIZE"]
