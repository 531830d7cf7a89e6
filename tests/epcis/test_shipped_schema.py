"""The schema the service validates captures against is GS1's file, byte for byte."""

from __future__ import annotations

from pathlib import Path

from tests.epcis.conftest import SCHEMA
from trace.config import DEFAULTS


def test_the_shipped_schema_is_gs1s():
    assert Path(DEFAULTS["EPCIS_SCHEMA_PATH"]).read_bytes() == SCHEMA.read_bytes()
