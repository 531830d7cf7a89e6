"""Bearer tokens and roles: no token → 401, a role that may not → 403."""

from __future__ import annotations

from functools import wraps

from flask import g, make_response, request
from flask_smorest import abort

from trace.db.session import get_session
from trace.services import users

from . import idempotency

READERS = ("admin", "worker", "inspector")


def current_user():
    return g.get("user")


def required(*roles: str):
    """Let the view run only for a valid token whose user has one of `roles`."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                abort(
                    401,
                    message="send your API token as 'Authorization: Bearer <token>'",
                    headers={"WWW-Authenticate": "Bearer"},
                )
            user = users.authenticate(get_session(), token.strip())
            if user is None:
                abort(
                    401,
                    message="this API token is unknown, revoked or expired",
                    headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
                )
            if user.role not in roles:
                abort(
                    403,
                    message=f"a {user.role} may not do this; it needs the role "
                    f"{' or '.join(roles)}",
                )
            g.user = user
            session = get_session()
            replay = idempotency.begin(session, user)
            if replay is not None:
                return replay
            return idempotency.finish(session, make_response(view(*args, **kwargs)))

        guarded._roles = roles  # read by the OpenAPI documentation and the authorisation tests
        return guarded

    return decorate
