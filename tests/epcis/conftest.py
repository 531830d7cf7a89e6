"""EPCIS fixtures: GS1's schema and examples vendored in tests/standards/epcis (SOURCES.md), a
strict validator for what we emit, and a season that has shipped."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema

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
