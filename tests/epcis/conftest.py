"""EPCIS fixtures: GS1's schema and examples vendored in tests/standards/epcis (SOURCES.md), a
strict validator for what we emit, and a season that has shipped."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest

from tests.flows import shipment_body

STANDARDS = Path(__file__).resolve().parents[1] / "standards" / "epcis"
SCHEMA = STANDARDS / "EPCIS-JSON-Schema.json"
EXAMPLES = sorted((STANDARDS / "examples").glob("*.jsonld")) + sorted(
    (STANDARDS / "fsma204-openepcis").glob("*.jsonld")
)

STRICT = jsonschema.FormatChecker()


@STRICT.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    return datetime.fromisoformat(value).tzinfo is not None


@STRICT.checks("uri", raises=ValueError)
def _uri(value) -> bool:
    return not isinstance(value, str) or bool(urlsplit(value).scheme)


def strict_validator():
    """GS1's schema with the formats checked that the installed jsonschema leaves alone:
    every date-time has an offset and every URI a scheme (what we emit must pass this)."""
    return jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()), format_checker=STRICT)


def assert_valid(document: dict) -> None:
    errors = sorted(strict_validator().iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors[:5]]


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def events_of(document: dict) -> list[dict]:
    body = document["epcisBody"]
    return body.get("eventList") or body["queryResults"]["resultsBody"]["eventList"]


@pytest.fixture
def shipped(api, ids, season):
    """The walkthrough season, shipped to Tokyo and departed; with the shipment id."""
    worker = api.as_("worker")
    response = worker.post("/shipments", json=shipment_body(ids, season["ssccs"]))
    assert response.status_code == 201, response.json
    shipment = response.json["id"]
    response = worker.post(
        f"/shipments/{shipment}/departures", json={"departed_at": "2026-06-12T22:00:00+07:00"}
    )
    assert response.status_code == 201, response.json
    return {**season, "shipment": shipment}
