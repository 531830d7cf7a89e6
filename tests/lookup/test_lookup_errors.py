"""A malformed code gets 400 and says what is wrong, in the reader's language; an unknown one 404
and warns; never a 200 for an error."""

from __future__ import annotations

import pytest

from tests.flows import GTIN
from tests.lookup.conftest import LOT_URL
from tests.lookup.test_lookup_pages import text_of

# (path, the English sentence's telling part, the Vietnamese one, the Japanese one)
MALFORMED = [
    (  # the customs officer's typo: a 5 for the last 7
        "/01/08931234567895/10/P1",
        "it should be 7",
        "lẽ ra phải là 7",
        "正しくは 7 です",
    ),
    (  # qualifiers out of order
        f"/01/{GTIN}/21/5/10/P1",
        "the lot (10) must come before the serial number (21)",
        "số lô (10) phải đứng trước số sê-ri (21)",
        "ロット(10)はシリアル番号(21)より前",
    ),
    (  # a space is not in GS1 character set 82
        f"/01/{GTIN}/10/LOT%2026A",
        "contains “ ”, a character that GS1 codes do not allow",
        "có ký tự “ ”",
        "「 」",
    ),
    (  # a lot longer than 20 characters
        f"/01/{GTIN}/10/{'A' * 21}",
        "has 21 characters; at most 20 are allowed",
        "có 21 ký tự",
        "21 文字",
    ),
    (  # too short for a GTIN
        "/01/893123456",
        "has 9 digits; it should have 8, 12, 13/14",
        "có 9 chữ số",
        "9 桁",
    ),
    (  # a letter in a GTIN
        "/01/0893123456789O",
        "may only contain digits 0-9, but it contains “O”",
        "chỉ được gồm các chữ số 0-9",
        "数字 0〜9 しか使えません",
    ),
    (  # an SSCC with a wrong check digit
        "/00/089312340000000012",
        "it should be 1",
        "lẽ ra phải là 1",
        "正しくは 1 です",
    ),
    (  # a GLN one digit short
        "/414/893123400001",
        "has 12 digits; it should have 13",
        "có 12 chữ số",
        "12 桁",
    ),
    (  # a qualifier the GTIN does not take
        f"/01/{GTIN}/17/260731",
        "After 01 the code has “17”",
        "Sau 01",
        "01 の後に「17」",
    ),
    (  # a value missing at the end
        f"/01/{GTIN}/10/",
        "The code ends after 10",
        "Mã kết thúc ngay sau 10",
        "10 の後で終わっています",
    ),
    (  # an expiry date that is not a date
        f"{LOT_URL}?17=261340",
        "The date 261340 (17) is not a date in the form YYMMDD",
        "Ngày 261340 (17)",
        "日付 261340(17)",
    ),
    (  # a short code with a character outside set 82
        "/t/LOT%23",
        "contains “#”",
        "có ký tự “#”",
        "「#」",
    ),
]


@pytest.mark.parametrize(("path", "en", "vi", "ja"), MALFORMED)
def test_a_malformed_code_gets_400_saying_what_is_wrong_in_each_language(client, path, en, vi, ja):
    for language, sentence in (("en", en), ("vi", vi), ("ja", ja)):
        response = client.get(path, headers={"Accept-Language": language})
        assert response.status_code == 400, (path, language)
        assert response.mimetype == "text/html"
        assert f'<html lang="{language}">' in response.get_data(as_text=True)
        assert sentence in text_of(response), (path, language)
        assert 'rel="linkset"' in response.headers["Link"]


def test_a_machine_asking_for_a_linkset_gets_the_error_as_json(client):
    response = client.get(
        "/01/08931234567895/10/P1", headers={"Accept": "application/linkset+json"}
    )
    assert response.status_code == 400
    assert response.json == {
        "code": 400,
        "status": "Bad Request",
        "message": "GTIN 08931234567895: check digit should be 7",
    }


def test_an_unknown_lot_warns_that_the_product_may_not_be_genuine(app, client, story):
    app.config.update(
        LOOKUP_CONTACT_NAME="Hải Dương Agri Export JSC",
        LOOKUP_CONTACT_EMAIL="trace@haiduongagri.example",
    )
    response = client.get(f"/01/{GTIN}/10/LOT26X", headers={"Accept-Language": "ja"})
    assert response.status_code == 404
    page = text_of(response)
    assert "この商品は正規品ではない可能性があります" in page
    assert "Hải Dương Agri Export JSC までお問い合わせください" in page
    assert 'href="mailto:trace@haiduongagri.example"' in response.get_data(as_text=True)


def test_without_a_configured_contact_the_reader_is_sent_to_the_exporter(client, story):
    response = client.get(f"/01/{GTIN}/10/LOT26X", headers={"Accept-Language": "vi"})
    assert response.status_code == 404
    assert "doanh nghiệp xuất khẩu ghi trên thùng" in text_of(response)


@pytest.mark.parametrize(
    "path",
    [
        "/01/08931234567880",  # a well-formed GTIN nobody registered
        f"/01/08931234567880/10/{'LOT%2F26A'}/21/1",  # a known lot under another GTIN
        "/00/089312340000099999",  # a well-formed SSCC of no pallet
        "/414/8931234000998",  # a well-formed GLN of no place
        "/t/NOPE-1",
    ],
)
def test_well_formed_unknown_codes_get_404(client, story, path):
    from trace.gs1 import check_digit

    if path.startswith("/00/"):  # give it a right check digit
        body = path[4:-1]
        path = f"/00/{body}{check_digit(body)}"
    if path.startswith("/414/"):
        body = path[5:-1]
        path = f"/414/{body}{check_digit(body)}"
    response = client.get(path)
    assert response.status_code == 404, path
    assert response.headers["Link"].endswith('rel="linkset"; type="application/linkset+json"')
    linkset = client.get(path, headers={"Accept": "application/linkset+json"})
    assert linkset.status_code == 404 and linkset.json["code"] == 404


def test_a_link_type_the_lot_does_not_have_is_404(client, story):
    response = client.get(f"{LOT_URL}?linkType=gs1:nutritionalInfo")
    assert response.status_code == 404
    assert "Link" in response.headers
    nonsense = client.get(f"{LOT_URL}?linkType=whatever")
    assert nonsense.status_code == 404
