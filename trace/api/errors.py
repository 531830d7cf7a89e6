"""Domain errors → JSON answers in flask-smorest's shape ({code, status, message|errors})."""

from __future__ import annotations

from datetime import date
from http import HTTPStatus

import marshmallow as ma
from flask import Flask, jsonify
from flask_smorest.error_handler import ErrorSchema
from sqlalchemy.exc import DataError, IntegrityError

from trace.domain.errors import DomainError, Forbidden, Invalid, NotFound, RuleViolation
from trace.domain.kinds import KINDS
from trace.gs1 import GS1Error

STATUS = {NotFound: 404, RuleViolation: 409, Invalid: 422, Forbidden: 403}


class KindErrorSchema(ErrorSchema):
    """The error answer as the API sends it (documentation only): flask-smorest's shape, and
    for a refused rule or code its kind and params, from which a client writes its own
    sentence in its reader's language (docs/errors.md)."""

    kind = ma.fields.String(
        metadata={
            "description": "What was refused, a stable dotted name (docs/errors.md); each "
            "kind's params: "
            + "; ".join(f"{name} ({', '.join(k.params) or '-'})" for name, k in KINDS.items()),
            "enum": sorted(KINDS),
        }
    )
    params = ma.fields.Dict(
        metadata={
            "description": "The values the kind's sentence is made of: numbers as numbers, "
            "times and days in ISO 8601, codes and names as text"
        }
    )


def _kind(error) -> dict:
    """`kind` and `params` of a domain or GS1 error, its days and times in ISO 8601."""
    if not getattr(error, "kind", None):
        return {}
    params = {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in error.params.items()
    }
    return {"kind": error.kind, "params": params}


def _answer(code: int, **body):
    response = jsonify({"code": code, "status": HTTPStatus(code).phrase, **body})
    response.status_code = code
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        code = STATUS[type(error)]
        kind = _kind(error)
        if isinstance(error, Invalid):
            return _answer(
                code,
                errors={"json": {error.field: [error.message]}},
                message=error.message,
                **kind,
            )
        return _answer(code, message=error.message, **kind)

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        # Two requests raced past the same uniqueness check; the database kept one of them.
        return _answer(
            409,
            message="this conflicts with a record written at the same moment "
            "(a GLN, GTIN, lot code or name that must be unique); "
            "look it up and retry if still needed",
        )

    @app.errorhandler(DataError)
    def data_error(error: DataError):
        # A value the database cannot hold at all: a NUL character in a code (PostgreSQL), a
        # number beyond 64 bits. The request is refused; nothing was written.
        return _answer(
            400,
            message="a value in this request cannot be stored or looked up (a NUL character, or "
            "a number too large); check the codes and numbers sent",
        )

    @app.errorhandler(GS1Error)
    def gs1_error(error: GS1Error):
        return _answer(
            422, errors={"json": {"_schema": [str(error)]}}, message=str(error), **_kind(error)
        )

    @app.errorhandler(RecursionError)
    def too_deep(error: RecursionError):
        # A body of JSON nested thousands deep exhausts the parser's recursion: the sender's
        # mistake (or attack), not ours. Any other recursion is a bug and stays a 500.
        if "JSON" not in str(error):
            raise error
        return _answer(400, message="the JSON body is nested too deeply to read")
