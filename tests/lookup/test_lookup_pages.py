"""The public pages: every route, the three languages, what they show and what they never show."""

from __future__ import annotations

import html as markup
import re
from urllib.parse import urljoin

import pytest

from tests.flows import GTIN
from tests.lookup.conftest import LOT, LOT_PATH, LOT_URL, SECRETS

GTIN13 = GTIN[1:]  # the same product as a GTIN-13 (EAN-13)


def text_of(response) -> str:
    """The page's visible text: tags and the inline stylesheet removed, entities left."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_lot_page_shows_the_story_in_japanese_for_a_japanese_phone(client, story):
    response = client.get(LOT_URL, headers={"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.5"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = text_of(response)
    assert '<html lang="ja">' in response.get_data(as_text=True)
    for shown in [
        "タンハー・ライチ",  # the product's own Japanese name
        "品種",
        "Thanh Hà",
        "Vườn vải Thanh Quang 12",  # orchard name
        "Thanh Quang, Thanh Hà, Hải Dương",  # commune, district, province
        "園地登録番号",
        "VN-HDTH-0112",  # growing-area code
        "2026/06/10",  # harvest date
        "Thanh Hà Fruit Packing",
        "VN-PH-HD-007",  # packing-house code
        "くん蒸",  # treatment method
        "Hà Nội Fumigation Centre",
        "2026/06/11 08:00",  # treatment date, local time
        "VN-TF-HN-02",
        "日本 へ出港",  # departure and market
        "FUM-2026-0611-03",  # certificates
        "VN-PC-2026-118822",
        "各工程の記録",  # the timeline
        "収穫",
        "到着",
    ]:
        assert shown in page, shown


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # no persistence here
def test_a_korean_phone_gets_the_page_in_korean(client, story):
    for accept in ("ko", "ko-KR,ko;q=0.9,en-US;q=0.8"):
        response = client.get(LOT_URL, headers={"Accept-Language": accept})
        page = text_of(response)
        assert '<html lang="ko">' in response.get_data(as_text=True)
        for shown in ["품종", "단계별 기록", "수확", "도착", "한국어"]:
            assert shown in page, (accept, shown)


def test_the_page_never_shows_prices_people_consignees_containers_or_notes(client, story):
    for language in ("en", "vi", "ja", "ko", "zh-Hans"):
        html = client.get(f"{LOT_URL}?lang={language}").get_data(as_text=True)
        carton = client.get(f"{LOT_URL}/21/7?lang={language}").get_data(as_text=True)
        linkset = client.get(f"{LOT_URL}?linkType=linkset").get_data(as_text=True)
        for what, secret in SECRETS.items():
            for body in (html, carton, linkset):
                assert secret not in body, f"{what} is on the public page ({language})"
    pallet = client.get(f"/00/{story['sscc']}").get_data(as_text=True)
    for secret in SECRETS.values():
        assert secret not in pallet


def test_the_page_is_in_vietnamese_and_english_too(client, story):
    vi = text_of(client.get(LOT_URL, headers={"Accept-Language": "vi"}))
    assert "Vải thiều Thanh Hà" in vi and "Vườn trồng" in vi and "Mã số vùng trồng" in vi
    assert "xông hơi khử trùng" in vi and "Từng công đoạn đã diễn ra" in vi
    en = text_of(client.get(LOT_URL, headers={"Accept-Language": "fr, en;q=0.5"}))
    assert "Thanh Ha lychee" in en and "Growing-area code" in en and "Departed" in en


def test_a_language_nobody_asked_for_falls_back_to_english(client, story):
    page = client.get(LOT_URL, headers={"Accept-Language": "de"})
    assert '<html lang="en">' in page.get_data(as_text=True)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # words, not storage
def test_readers_in_china_and_korea_get_their_markets_languages(client, story):
    for accept, lang, harvested in [("zh-CN", "zh-Hans", "采收"), ("ko-KR", "ko", "수확")]:
        html = client.get(LOT_URL, headers={"Accept-Language": accept}).get_data(as_text=True)
        assert f'<html lang="{lang}">' in html and harvested in html


def test_the_switcher_links_to_each_language_and_remembers_the_choice(client, story):
    page = client.get(f"{LOT_URL}?17=260731", headers={"Accept-Language": "ja"})
    html = page.get_data(as_text=True)
    links = re.findall(r'<a href="([^"]+)" hreflang="([\w-]+)"', html)
    assert {lang for _, lang in links} == {"en", "vi", "ja", "ko", "zh-Hans"}
    href = markup.unescape(dict((lang, href) for href, lang in links)["vi"])
    vi_link = urljoin(f"http://localhost{LOT_URL}?17=260731", href)  # as a browser follows it
    assert vi_link == f"http://localhost{LOT_URL}?17=260731&lang=vi"  # the attribute is kept
    switched = client.get(vi_link, headers={"Accept-Language": "ja"})
    assert '<html lang="vi">' in switched.get_data(as_text=True)
    assert "lang=vi" in switched.headers["Set-Cookie"]
    assert switched.headers["Cache-Control"].startswith("private")
    again = client.get(LOT_URL, headers={"Accept-Language": "ja"})  # the cookie wins now
    assert '<html lang="vi">' in again.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        LOT_URL,
        LOT_URL + "/",  # a trailing slash
        f"/01/{GTIN13}/10/{LOT_PATH}",  # GTIN-13, normalised to 14 digits
        f"{LOT_URL}?17=260731",  # a data attribute
        f"/t/{LOT_PATH}",  # our short code for the same lot
        f"/t/{LOT_PATH}/",
    ],
)
def test_every_spelling_of_the_lot_reaches_its_page(client, story, path):
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 200, path
    assert f"Lot {LOT}" in text_of(response)
    assert response.headers["Link"] == (
        f'<http://127.0.0.1:5000{LOT_URL}?linkType=linkset>; rel="linkset"; '
        'type="application/linkset+json"'
    )


def test_product_page_of_a_gtin_alone(client, story):
    for path in (f"/01/{GTIN}", f"/01/{GTIN13}/"):
        response = client.get(path, headers={"Accept-Language": "vi"})
        assert response.status_code == 200
        page = text_of(response)
        assert "Vải thiều Thanh Hà" in page and "5 kg" in page and GTIN in page


def test_pallet_page_lists_its_lots_and_where_it_went(client, story):
    response = client.get(f"/00/{story['sscc']}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    page = text_of(response)
    assert "Thanh Hà Fruit Packing" in page and f"lot {LOT}" in page and "Japan" in page
    assert f'href="{LOT_URL}"' in response.get_data(as_text=True)


def test_location_page_of_a_public_place_but_never_of_a_consignee(client, story, api):
    response = client.get("/414/8931234000011", headers={"Accept-Language": "ja"})
    assert response.status_code == 200
    assert "Thanh Hà Fruit Packing" in text_of(response)
    assert "選果梱包施設" in text_of(response)
    importer = api.as_("admin").patch(
        f"/locations/{story['ids']['importer']}", json={"gln": "8931234000028"}
    )
    assert importer.status_code == 200, importer.json
    hidden = client.get("/414/8931234000028")
    assert hidden.status_code == 404
    assert SECRETS["consignee"] not in hidden.get_data(as_text=True)


def test_a_harvest_lot_has_a_short_code_page(client, story):
    response = client.get(f"/t/{story['harvest']}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    page = text_of(response)
    assert "Lychee" in page and "Vườn vải Thanh Quang 12" in page
    assert "Packed into cartons" in page  # the packing that used it, and where that went
    assert "Departed 2026-06-12" not in page and "Departed Jun 12, 2026 for Japan" in page


def test_head_and_options_work_and_cors_is_allowed(client, story):
    head = client.head(LOT_URL)
    assert head.status_code == 200 and head.get_data() == b""
    assert "Link" in head.headers and head.headers["Access-Control-Allow-Origin"] == "*"
    options = client.options(LOT_URL, headers={"Origin": "https://buyer.example.eu"})
    assert options.status_code == 200
    assert {"GET", "HEAD", "OPTIONS"} <= set(options.headers["Allow"].split(", "))
    assert options.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in options.headers["Access-Control-Allow-Methods"]


def test_pages_are_small_and_need_nothing_from_elsewhere(client, story):
    response = client.get(LOT_URL)
    html = response.get_data(as_text=True)
    assert len(response.get_data()) < 16_000  # one request, CSS inline, no images
    assert "<script" not in html
    assert not re.search(r"""(src|href)=["']https?://""", html)  # no CDN, no web fonts
    assert "style-src 'sha256-" in response.headers["Content-Security-Policy"]
