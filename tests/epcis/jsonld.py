"""JSON-LD for the tests, offline: pyld with a document loader that serves GS1's EPCIS context
from tests/epcis/vectors/ and refuses every other address (no test fetches from the network)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from pyld import jsonld

CONTEXT_FILE = Path(__file__).parent / "vectors" / "epcis-context.jsonld"
EPCIS_CONTEXTS = (
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
    "https://gs1.github.io/EPCIS/epcis-context.jsonld",
)


@cache
def _epcis_context() -> dict:
    return json.loads(CONTEXT_FILE.read_text())


def loader(url: str, options=None) -> dict:
    if url in EPCIS_CONTEXTS:
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": _epcis_context(),
        }
    raise jsonld.JsonLdError(
        f"{url} is not served offline", "jsonld.LoadDocumentError", code="loading document failed"
    )


def quads(context, event: dict) -> str:
    """An event read with `context` as RDF: canonical N-Quads (URDNA2015), to compare what two
    documents mean whatever their prefixes."""
    return jsonld.normalize(
        {"@context": context, **event},
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader},
    )


def expanded(context, event: dict) -> list:
    return jsonld.expand({"@context": context, **event}, {"documentLoader": loader})
