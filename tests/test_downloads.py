"""Downloads an inspector opens in a spreadsheet program, and the names they are saved under."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from trace.filenames import content_disposition
from trace.services import fsma_files, reports, spreadsheet

FORMULAS = ['=HYPERLINK("http://example.invalid","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _cells(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _formula_like(cells) -> list[str]:
    return [c for row in cells for c in row if c[:1] in spreadsheet.FORMULA_LEADS]


@pytest.mark.parametrize("formula", FORMULAS)
def test_every_recall_report_field_holding_a_formula_stays_text(formula):
    shipment = {
        key: formula
        for key in ("id", "status", "market", "container_no", "bill_of_lading",
                    "phyto_certificate_no", "departed_at", "arrived_at")
    } | {"consignee": {"name": formula, "country": formula}, "exporter": {"name": formula}}  # fmt: skip
    data = {
        "code": formula,
        "pallet_rows": [
            {"shipment": shipment, "sscc": formula, "cartons": formula, "where": formula}
        ],
    }
    cells = _cells(reports.recall_csv(data))
    assert len(cells[1]) == len(reports.CSV_COLUMNS)
    assert all(cell == "'" + formula for cell in cells[1])  # kept, but as text
    assert _formula_like(cells) == []


@pytest.mark.parametrize("formula", FORMULAS)
def test_every_fsma_column_holding_a_formula_stays_text_in_csv_and_xlsx(formula):
    row = dict.fromkeys(fsma_files.COLUMNS, formula)
    cells = _cells(fsma_files.to_csv([row]))
    assert cells[1] == ["'" + formula] * len(fsma_files.COLUMNS)
    book = load_workbook(
        io.BytesIO(fsma_files.to_xlsx([row], "t", datetime(2026, 6, 1, tzinfo=UTC)))
    )
    for cell in book["FSMA 204 KDEs"][2]:
        assert cell.data_type == "s"  # a string cell, never a formula cell


def test_numbers_stay_numbers():
    assert _cells(spreadsheet.csv_bytes(["n"], [[-3], [2.5]]))[1:] == [["-3"], ["2.5"]]


def test_the_recall_csv_of_a_place_named_like_a_formula(api, ids, season):
    formula = '=HYPERLINK("http://example.invalid","click")'
    response = api.as_("admin").patch(f"/locations/{ids['house']}", json={"name": formula})
    assert response.status_code == 200, response.json
    response = api.as_("inspector").get(f"/recall/{season['packed']}.csv")
    assert response.status_code == 200
    cells = _cells(response.data)
    assert any(formula in cell for row in cells for cell in row)
    assert _formula_like(cells) == []


@pytest.mark.parametrize(
    "name", ['recall_A";n=x.csv', "recall_Vải\r\nSet-Cookie: x.csv", "a\\b/c;d,e.csv", ""]
)
def test_a_download_name_never_leaves_its_parameter(name):
    header = content_disposition(name)
    assert header.isascii() and header.isprintable()
    plain = header.split('filename="', 1)[1].split('"', 1)[0]
    assert all(c.isalnum() or c in "._-" for c in plain) and plain
    star = header.split("filename*=UTF-8''", 1)[1]
    assert all(c.isalnum() or c in "%._-~" for c in star)
    assert header.count(";") == 2  # attachment; filename=…; filename*=… and nothing else


def test_a_lot_code_with_a_quote_names_its_report_safely(api, ids, season):
    code = 'A";n=x'  # GS1 character set 82 allows it in AI 10
    packing = {
        "location_id": ids["house"],
        "product_gtin": "08931234567897",
        "inputs": [{"lot": season["harvest"], "quantity": 100, "unit": "kg"}],
        "cartons": 10,
        "packed_on": "2026-06-11",
        "lot_code": code,
    }
    response = api.as_("worker").post("/packings", json=packing)
    assert response.status_code == 201, response.json
    response = api.as_("inspector").get('/recall/A"%3Bn=x.csv')
    assert response.status_code == 200, response.json
    header = response.headers["Content-Disposition"]
    assert header == (
        "attachment; filename=\"recall_A_n_x.csv\"; filename*=UTF-8''recall_A%22%3Bn%3Dx.csv"
    )
