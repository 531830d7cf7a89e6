"""What the schemathesis run (test_fuzz.py) found, pinned as plain tests that run in a moment on
both databases: the crashes fixed, and the OpenAPI document saying what the API answers."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

from openpyxl import load_workbook

from tests.surface import operations
from trace.api.common import LAST_PAGE
from trace.services import fsma_files


def test_a_page_past_any_the_database_could_hold_is_empty_not_a_crash(api, ids):
    for path in ("/locations", "/products", "/lots", "/shipments"):
        response = api.get(path, query_string={"page": 10**30})  # was a 500: offset overflow
        assert response.status_code == 200, (path, response.json)
        assert response.json == []
        meta = json.loads(response.headers["X-Pagination"])
        assert meta["total"] >= 0 and "page" not in meta
    assert api.get("/locations", query_string={"page": LAST_PAGE}).json == []


def test_the_spreadsheet_holds_any_text_and_computes_none_of_it():
    """A name with a control character made the FSMA 204 workbook a 500; a name starting with
    "=" would have been a live formula in the file handed to the FDA."""
    row = dict.fromkeys(fsma_files.COLUMNS, "")
    first, second = fsma_files.COLUMNS[:2]
    row[first] = "Thanh Ha\x0b lychee\ud800"
    row[second] = '=HYPERLINK("http://example.invalid","open")'
    content = fsma_files.to_xlsx([row], "test", datetime(2026, 6, 20, tzinfo=UTC))
    sheet = load_workbook(io.BytesIO(content))["FSMA 204 KDEs"]
    assert sheet.cell(2, 1).value == "Thanh Ha\ufffd lychee\ufffd"
    assert sheet.cell(2, 2).value == row[second]
    assert sheet.cell(2, 2).data_type == "s"


def test_the_document_says_how_each_error_looks(client):
    spec = client.get("/api/v1/openapi.json").json
    pagination = spec["components"]["headers"]["PAGINATION"]
    assert pagination["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PaginationMetadata"
    }
    error = {
        "$ref": "#/components/schemas/KindError"
    }  # flask-smorest's Error, with kind and params
    for op in operations(client.application):
        if op.roles is None or "/epcis/" in op.path:
            continue  # the EPCIS binding answers RFC 7807 problems, documented by its module
        responses = spec["paths"][op.path][op.method.lower()]["responses"]
        for status in ("401", "403"):
            assert responses[status]["content"]["application/json"]["schema"] == error, op
        assert "WWW-Authenticate" in responses["401"]["headers"], op
        if "requestBody" in spec["paths"][op.path][op.method.lower()]:
            assert "400" in responses, f"{op.label}: a body that is not JSON is a 400"
        if "{" in op.path:
            assert "404" in responses, f"{op.label} names a thing that may not exist"
