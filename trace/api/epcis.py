"""/epcis: the EPCIS 2.0 REST binding, the part trace implements (capture and event queries).

Capture is synchronous and all or nothing (`GS1-Capture-Error-Behaviour: rollback`, the
binding's default): 202 with the capture job in `Location` when every event was kept, 400 with
an RFC 7807 problem naming each bad event's index and reason when none was.
"""

from __future__ import annotations

import json

from flask import current_app, jsonify, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from trace.db.session import get_session
from trace.domain.epcis_document import query_document
from trace.domain.epcis_ids import Names
from trace.domain.epcis_query import Query
from trace.services.common import now
from trace.services.epcis import capture, validate
from trace.services.epcis import query as queries

from . import capture_rate
from .auth import current_user
from .common import protected
from .schemas.common import unreadable_text
from .schemas.epcis import CaptureJobOut, EventsQuery

blp = Blueprint("epcis", __name__, description="EPCIS 2.0 REST binding: capture and query")

VERSIONS = {"GS1-EPCIS-Version": "2.0.0", "GS1-CBV-Version": "2.0.0"}


def names() -> Names:
    return Names(current_app.config["PUBLIC_BASE_URL"])


@blp.errorhandler(validate.CaptureRefused)
def refused(error: validate.CaptureRefused):
    """The binding's errors are RFC 7807 problems (`epcisException:…`)."""
    kinds = {
        400: "ValidationException",
        403: "SecurityException",
        413: "CaptureLimitExceededException",
        422: "ValidationException",
    }
    body = {
        "code": error.status,  # as every other error of the API says it
        "type": f"epcisException:{kinds.get(error.status, 'ImplementationException')}",
        "title": error.message,
        "status": error.status,
        "detail": error.message,
        "message": error.message,
        "errors": error.errors,
    }
    response = jsonify(body)
    response.status_code = error.status
    response.content_type = "application/problem+json"
    response.headers.update(VERSIONS)
    return response


def _document() -> dict:
    """The request body as JSON; a body over EPCIS_CAPTURE_MAX_BYTES is refused before it is
    read."""

    cap = current_app.config["EPCIS_CAPTURE_MAX_BYTES"]
    if (request.content_length or 0) > cap:
        _too_big(request.content_length, cap)
    body = request.get_data()  # a body without Content-Length stops at MAX_CONTENT_LENGTH
    if len(body) > cap:
        _too_big(len(body), cap)
    try:
        # NaN and ±Infinity are read as the numbers they spell, for capture to refuse them by
        # where they are, as it refuses 1E400 (a literal beyond a double)
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise validate.CaptureRefused(f"the body is not JSON: {error}") from None
    found = unreadable_text(document)
    if found:  # a lone surrogate no database can store, an invisible control character
        path, why = found
        raise validate.CaptureRefused(f"the text at {path or 'the top'} {why}")
    return document


def _too_big(size: int, cap: int):
    raise validate.CaptureRefused(
        f"nothing was captured: the document is {size} bytes; a capture document is at most "
        f"{cap} bytes (EPCIS_CAPTURE_MAX_BYTES): split it",
        status=413,
    )


def _job(job):
    return CaptureJobOut().dump(job)


# The SimpleEventQuery parameters (EPCIS 2.0 §8.2.7.1, as the REST binding names them) and the
# names `Query` gives them.
QUERY_PARAMETERS = {
    "eventType": "event_types",
    "GE_eventTime": "ge_event_time",
    "LT_eventTime": "lt_event_time",
    "GE_recordTime": "ge_record_time",
    "LT_recordTime": "lt_record_time",
    "EQ_action": "actions",
    "EQ_bizStep": "biz_steps",
    "EQ_disposition": "dispositions",
    "EQ_bizLocation": "biz_locations",
    "MATCH_epc": "match_epc",
    "MATCH_anyEPC": "match_any_epc",
    "MATCH_epcClass": "match_epc_class",
    "MATCH_anyEPCClass": "match_any_epc_class",
}


@blp.route("/epcis/capture")
class Capture(MethodView):
    @protected(blp, "admin", "worker", "importer")
    @blp.doc(
        requestBody={
            "required": True,
            "description": "An EPCISDocument (or EPCISQueryDocument), EPCIS 2.0 JSON-LD.",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        responses={
            "202": {
                "description": "every event kept; the capture job is at `Location`",
                "content": {"application/json": {"schema": CaptureJobOut}},
            },
            "400": {"description": "nothing kept: RFC 7807 problem with `errors[].index/reason`"},
            "403": {
                "description": "roles allowed: admin, worker, importer; and nothing kept when "
                "an importer's events name our lots, pallets or places beyond its own shipments "
                "(RFC 7807 problem with `errors[].index/reason`)"
            },
            "413": {
                "description": "more events than GS1-EPCIS-Capture-Limit, or more bytes than "
                "EPCIS_CAPTURE_MAX_BYTES"
            },
            "422": {
                "description": "a text longer than EPCIS_CAPTURE_MAX_TEXT characters (named); "
                "or a place of ours under our own base that we do not hold (named)"
            },
            "429": {"description": "this token sent more captures than EPCIS_CAPTURE_RATE"},
        },
    )
    def post(self):
        """Capture an EPCIS document: every event or none, chained into the event log"""
        capture_rate.check(current_user().id)  # before anything is read
        behaviour = request.headers.get("GS1-Capture-Error-Behaviour", "rollback").strip()
        if behaviour != "rollback":
            raise validate.CaptureRefused(
                f"GS1-Capture-Error-Behaviour {behaviour!r}: this repository captures all or "
                "nothing (rollback)"
            )
        config = current_app.config
        job = capture.capture(
            get_session(),
            current_user(),
            _document(),
            names(),
            config["EPCIS_SCHEMA_PATH"],
            config["EPCIS_CAPTURE_LIMIT"],
            config["EPCIS_CAPTURE_MAX_TEXT"],
        )
        location = url_for("epcis.CaptureJobById", capture_id=job.capture_id)
        return _job(job), 202, {"Location": location, **VERSIONS}

    @protected(blp, "admin", "worker", "importer", "inspector")
    @blp.response(200, CaptureJobOut(many=True))
    def get(self):
        """The latest capture jobs (your own; all of them for admins and inspectors)"""
        return capture.capture_jobs(get_session(), current_user())

    @blp.doc(
        responses={
            "204": {
                "description": "the capture interface's limits and behaviour, in headers",
                "headers": {
                    name: {"schema": {"type": "string"}}
                    for name in (
                        "GS1-EPCIS-Version",
                        "GS1-CBV-Version",
                        "GS1-EPCIS-Capture-Limit",
                        "GS1-Capture-Error-Behaviour",
                        "Allow",
                    )
                },
            }
        }
    )
    def options(self):
        """What this capture interface supports (REST binding discovery)"""
        return (
            "",
            204,
            {
                **VERSIONS,
                "GS1-EPCIS-Capture-Limit": str(current_app.config["EPCIS_CAPTURE_LIMIT"]),
                "GS1-Capture-Error-Behaviour": "rollback",
                "Allow": "GET, POST, OPTIONS",
            },
        )


@blp.route("/epcis/capture/<string(maxlength=64):capture_id>", endpoint="CaptureJobById")
class CaptureJobById(MethodView):
    @protected(blp, "admin", "worker", "importer", "inspector", errors=[404])
    @blp.response(200, CaptureJobOut)
    def get(self, capture_id):
        """A capture job: when, whether it succeeded, how many events were kept"""
        return capture.capture_job(get_session(), capture_id, current_user())


@blp.route("/epcis/events")
class Events(MethodView):
    @protected(blp, "admin", "inspector")
    @blp.arguments(EventsQuery, location="query", unknown=RAISE)  # never ignore a filter
    @blp.doc(
        responses={
            "200": {
                "description": 'an EPCISQueryDocument; a `Link: <…>; rel="next"` header when '
                "more events answer (pass its nextPageToken)",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        }
    )
    def get(self, args):
        """Query events (SimpleEventQuery): type, times, action, step, disposition, place, EPCs"""
        token = args.pop("nextPageToken", None)
        per_page = args.pop("perPage")
        params = dict(args)
        digest = queries.fingerprint(params)
        after, left = queries.read_token(token, digest) if token else (0, None)
        if left is None:
            left = params.get("eventCountLimit")
        count = per_page if left is None else min(per_page, left)
        query = Query.build(**{name: params.get(key) for key, name in QUERY_PARAMETERS.items()})
        events, last = (
            queries.query_events(get_session(), query, names(), after=after, count=count)
            if count > 0
            else ([], None)
        )
        document = query_document(events, current_app.config["EPCIS_EXTENSION_NAMESPACE"], now())
        response = jsonify(document)
        response.headers.update(VERSIONS)
        remaining = None if left is None else left - len(events)
        if last is not None and (remaining is None or remaining > 0):
            args_next = {k: v for k, v in request.args.items() if k != "nextPageToken"}
            args_next["nextPageToken"] = queries.page_token(last, remaining, digest)
            link = url_for("epcis.Events", _external=False, **args_next)
            response.headers["Link"] = f'<{link}>; rel="next"'
        return response
