"""A document checked before anything is read from it: GS1's EPCIS JSON schema, finite
numbers and bounded texts, CBV words and declared namespaces; `CaptureRefused` says why."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trace.domain import epcis_rules
from trace.domain.errors import DomainError

if TYPE_CHECKING:
    import fastjsonschema
    import jsonschema


class CaptureRefused(DomainError):
    """A document that cannot be captured; `errors` name each event (index) and why."""

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None, status: int = 400):
        super().__init__(message)
        self.errors = errors or []
        self.status = status


@lru_cache(maxsize=4)
def _schema(path: str) -> dict[str, Any]:
    try:
        schema: dict[str, Any] = json.loads(Path(path).read_text())
        return schema
    except OSError as error:
        raise CaptureRefused(
            f"the EPCIS JSON schema is not at {path} (set TRACE_EPCIS_SCHEMA_PATH): {error}",
            status=503,
        ) from None


@lru_cache(maxsize=4)
def _fast_validator(path: str) -> fastjsonschema.Validator:
    # fastjsonschema compiles the schema to Python once: ~50 µs an event instead of ~1 ms with
    # the reference `jsonschema`, which agrees with it (tests/epcis/test_schema.py) and still
    # writes the messages when a document fails. `format: uri` is not enforced, as `jsonschema`
    # does not without rfc3987: the FSMA 204 examples carry non-URI top-level comment keys.
    import fastjsonschema

    return fastjsonschema.compile(_schema(path), formats={"uri": lambda _value: True})


def _reference_validator(path: str) -> jsonschema.Draft7Validator:
    import jsonschema

    return jsonschema.Draft7Validator(
        _schema(path), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def event_list(document: dict[str, Any]) -> list[Any]:
    """The events of an EPCISDocument or EPCISQueryDocument (REST binding: capture takes both)."""
    body = document.get("epcisBody") if isinstance(document, dict) else None
    if not isinstance(body, dict):
        return []
    events = body.get("eventList")
    if isinstance(events, list):
        return events
    results = (body.get("queryResults") or {}).get("resultsBody") or {}
    found = results.get("eventList")
    return found if isinstance(found, list) else []


def schema_errors(document: dict[str, Any], schema_path: str) -> list[dict[str, Any]]:
    """What is wrong with `document` against EPCIS-JSON-Schema.json: `[]`, or one entry per
    failing event (`index`, `reason`) and for the envelope (`index: None`)."""
    import fastjsonschema

    if not isinstance(document, dict) or document.get("type") not in (
        "EPCISDocument",
        "EPCISQueryDocument",
    ):
        return [{"index": None, "reason": "send an EPCISDocument or EPCISQueryDocument"}]
    try:
        _fast_validator(schema_path)(document)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    import jsonschema

    reference = _reference_validator(schema_path)
    errors = []
    events = event_list(document)
    for index, event in enumerate(events):
        problem = jsonschema.exceptions.best_match(reference.iter_errors(_alone(event, document)))
        if problem is not None:
            errors.append({"index": index, "reason": _reason(problem)})
    if not errors:
        problem = jsonschema.exceptions.best_match(reference.iter_errors(document))
        errors.append(
            {"index": None, "reason": _reason(problem) if problem else "does not match the schema"}
        )
    return errors


def _alone(event: Any, document: dict[str, Any]) -> Any:
    """An event checked on its own, as the schema checks events (they need an @context)."""
    if isinstance(event, dict) and "@context" not in event:
        return {"@context": document.get("@context", []), **event}
    return event


def _reason(error: jsonschema.ValidationError) -> str:
    where = "/".join(str(p) for p in error.absolute_path)
    message = error.message if len(error.message) < 300 else error.message[:300] + "…"
    return f"{where}: {message}" if where else message


def within_bounds(document: dict[str, Any], events: list[Any], max_text: int) -> None:
    """Refuse non-finite numbers (400) and texts longer than `max_text` (422), naming where."""
    if not isinstance(document, dict):
        return  # not a document at all: the schema check says so
    envelope = {k: v for k, v in document.items() if k != "epcisBody"}
    places = [(None, envelope), *enumerate(events)]
    for index, part in places:
        found = epcis_rules.non_finite(part)
        if found:
            errors = [
                {
                    "index": index,
                    "reason": f"{found} is not a finite number: NaN, Infinity and numbers "
                    "beyond a double (1E400) are no EPCIS decimal",
                }
            ]
            raise CaptureRefused(summary(errors), errors)
    for index, part in places:
        too_long = epcis_rules.too_long(part, max_text)
        if too_long:
            path, length = too_long
            errors = [
                {
                    "index": index,
                    "reason": f"{path} is {length} characters long; a captured text is at most "
                    f"{max_text} (EPCIS_CAPTURE_MAX_TEXT)",
                }
            ]
            raise CaptureRefused(summary(errors), errors, status=422)


@lru_cache(maxsize=1)
def epcis_terms() -> frozenset[str]:
    """The terms EPCIS 2.0's own @context defines (its prefixes: gs1, cbv, xsd, …)."""
    path = Path(__file__).resolve().parents[2] / "standards" / "epcis-context.jsonld"
    context = json.loads(path.read_text())["@context"]
    items = context if isinstance(context, list) else [context]
    return frozenset(k for item in items if isinstance(item, dict) for k in item)


def vocabulary_errors(document: dict[str, Any], events: list[Any]) -> list[dict[str, Any]]:
    """What GS1's schema lets through and no consumer can read (`epcis_rules`): a prefix
    declared twice, CBV values that are neither a CBV word nor a URI, extension fields
    without a namespace, event types beyond the five."""
    clashes = epcis_rules.context_clashes(document.get("@context"))
    if clashes:
        return [
            {
                "index": None,
                "reason": f"the @context declares {', '.join(map(repr, clashes))} twice with "
                "different IRIs: one prefix, one namespace",
            }
        ]
    declared = epcis_rules.prefixes(document.get("@context"))
    terms = epcis_terms()
    errors = []
    for index, event in enumerate(events):
        local = event.get("@context")
        if local is not None and declared is not None:
            mine = epcis_rules.prefixes(local) or {}
            clash = [k for k, v in mine.items() if k in declared and declared[k] != v]
            if clash:
                errors.append(
                    {
                        "index": index,
                        "reason": f"@context: {', '.join(map(repr, clash))} means another IRI "
                        "than in the document's @context",
                    }
                )
                continue
        problems = [
            *epcis_rules.cbv_problems(event),
            *epcis_rules.extension_problems(event, declared, terms),
        ]
        errors.extend({"index": index, "reason": f"{where}: {why}"} for where, why in problems)
    return errors


def summary(errors: list[dict[str, Any]]) -> str:
    first = errors[0]
    where = "the document" if first["index"] is None else f"event {first['index']}"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"nothing was captured: {where}: {first['reason']}{more}"
