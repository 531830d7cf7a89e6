"""EPCIS documents and query answers holding events, declaring every namespace they use. PURE.

References: EPCIS 2.0 §9.2 (JSON binding), §8.2.7 (SimpleEventQuery, REST binding).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .epcis_context import EPCIS_CONTEXT, answer_context
from .epcis_extensions import PREFIX
from .epcis_mapping import utc_z

SCHEMA_VERSION = "2.0"


def context(namespace: str) -> list[Any]:
    """The `@context` of our documents: EPCIS 2.0's, plus our extension prefix (and the
    namespaces captured events bring: `epcis_context.answer_context`)."""
    return [EPCIS_CONTEXT, {PREFIX: namespace}]


def epcis_document(
    events: list[dict[str, Any]], namespace: str, created: datetime, document_id: str | None = None
) -> dict[str, Any]:
    """An EPCISDocument holding `events` (EPCIS 2.0 §9.2 JSON binding), declaring every
    namespace they use."""
    declared, events = answer_context(events, {PREFIX: namespace})
    document: dict[str, Any] = {"@context": declared, "type": "EPCISDocument"}
    if document_id:
        document["id"] = document_id
    document.update(
        {
            "schemaVersion": SCHEMA_VERSION,
            "creationDate": utc_z(created),
            "epcisBody": {"eventList": events},
        }
    )
    return document


def query_document(
    events: list[dict[str, Any]], namespace: str, created: datetime
) -> dict[str, Any]:
    """An EPCISQueryDocument answering a SimpleEventQuery (EPCIS 2.0 §8.2.7, REST binding),
    declaring every namespace its events use."""
    declared, events = answer_context(events, {PREFIX: namespace})
    return {
        "@context": declared,
        "type": "EPCISQueryDocument",
        "schemaVersion": SCHEMA_VERSION,
        "creationDate": utc_z(created),
        "epcisBody": {
            "queryResults": {"queryName": "SimpleEventQuery", "resultsBody": {"eventList": events}}
        },
    }
