"""Domain errors → JSON answers in flask-smorest's shape ({code, status, message|errors})."""

from __future__ import annotations

from http import HTTPStatus

from flask import Flask, jsonify
from sqlalchemy.exc import IntegrityError

from trace.domain.errors import DomainError, Forbidden, Invalid, NotFound, RuleViolation
from trace.gs1 import GS1Error

STATUS = {NotFound: 404, RuleViolation: 409, Invalid: 422, Forbidden: 403}


def _answer(code: int, **body):
    response = jsonify({"code": code, "status": HTTPStatus(code).phrase, **body})
    response.status_code = code
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        code = STATUS[type(error)]
        if isinstance(error, Invalid):
            return _answer(
                code, errors={"json": {error.field: [error.message]}}, message=error.message
            )
        return _answer(code, message=error.message)

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        # Two requests raced past the same uniqueness check; the database kept one of them.
        return _answer(
            409,
            message="this conflicts with a record written at the same moment "
            "(a GLN, GTIN, lot code or name that must be unique); "
            "look it up and retry if still needed",
        )

    @app.errorhandler(GS1Error)
    def gs1_error(error: GS1Error):
        return _answer(422, errors={"json": {"_schema": [str(error)]}}, message=str(error))
