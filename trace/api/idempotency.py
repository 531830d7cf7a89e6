"""`Idempotency-Key` on the API's POSTs: a retry gets the first answer and records nothing new.

A tablet on a packing-house Wi-Fi sends "pallet built" and loses the answer; it sends again with
the same key. The first request's row (`IdempotencyKey`) was added to the request's session
before the use case ran, so it is committed in the same transaction as what was recorded, or
rolled back with it when the request is refused. Then:

- the same key and the same request (method, path, query, body) → the first answer again, with
  `Idempotent-Replayed: true`, and nothing recorded;
- the same key with another request → 422: a key names one request;
- a key whose request was recorded but whose answer was not kept (the server stopped between
  the two) → 409, saying so: look the record up rather than send it again;
- two requests with one key at the same moment: the second waits for the first's transaction
  (the key is the row's primary key) and then gets its answer.

Keys belong to the token's user (two users never collide) and are kept with the answer; an
answer of a 4xx or 5xx is not kept, so the request can be corrected and sent again with the
same key. Bodies over MAX_BODY (a big label PDF) are not kept: a retry then gets 409.
"""

from __future__ import annotations

import hashlib
import re

from flask import Response, g, request
from flask_smorest import abort
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from trace.db.models import IdempotencyKey, User
from trace.services.common import now

HEADER = "Idempotency-Key"
MAX_BODY = 1024 * 1024
_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # printable ASCII, no spaces (RFC 8941 string chars)


def begin(session: Session, user: User) -> Response | None:
    """Before a POST's use case: the earlier answer to send again, or None to go on (the key's
    row then waits in the session for the use case's commit)."""
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None:
        return None
    if not _KEY.fullmatch(key):
        abort(
            400,
            message=f"{HEADER} must be 1 to 255 printable ASCII characters without spaces "
            "(a UUID is a good key)",
        )
    digest = _digest()
    earlier = session.get(IdempotencyKey, (user.id, key))
    if earlier is None:
        g.idempotency = IdempotencyKey(
            user_id=user.id, key=key, request_hash=digest, created_at=now()
        )
        session.add(g.idempotency)
        try:
            session.flush()  # another request with this key: wait for it, then replay it
        except IntegrityError:
            session.rollback()
            g.pop("idempotency", None)
            earlier = session.get(IdempotencyKey, (user.id, key))
    if earlier is None:
        return None
    return _replay(earlier, key, digest)


def finish(session: Session, response: Response) -> Response:
    """After the use case: keep a 2xx answer with the key (committed with what was recorded);
    drop the key of a refused request."""
    row = g.pop("idempotency", None)
    if row is None:
        return response
    if response.status_code >= 300:
        session.rollback()  # the use case rolled back already; a key of a pure read goes too
        return response
    row.status = response.status_code
    row.mimetype = response.mimetype
    row.location = response.headers.get("Location")
    size = response.content_length
    if not response.direct_passthrough and size is not None and size <= MAX_BODY:
        row.body = response.get_data()
    session.add(row)
    session.commit()
    return response


def _digest() -> str:
    sha = hashlib.sha256()
    for part in (request.method, request.path, request.query_string.decode("latin-1")):
        sha.update(part.encode() + b"\n")
    sha.update(request.get_data(cache=True))
    return sha.hexdigest()


def _replay(earlier: IdempotencyKey, key: str, digest: str) -> Response:
    if earlier.request_hash != digest:
        abort(
            422,
            message=f"{HEADER} {key!r} was used for another request; a key names one request: "
            "send a new key with a new request",
        )
    if earlier.status is None or earlier.body is None:
        abort(
            409,
            message=f"the request with {HEADER} {key!r} was recorded, but its answer was not "
            "kept (the server stopped, or the answer was too large): look the record up "
            "instead of sending it again",
        )
    response = Response(earlier.body, status=earlier.status, mimetype=earlier.mimetype)
    if earlier.location:
        response.headers["Location"] = earlier.location
    response.headers["Idempotent-Replayed"] = "true"
    return response
