"""The administrator's pages: locations and their codes per market, products, users."""

from __future__ import annotations

import re

from sqlalchemy import text

from tests.web.page import Page


def test_a_location_with_a_code_then_suspended(as_, api, ids):
    admin = as_("admin")
    admin.open("/app/admin/locations/new")
    admin.send(
        {
            "kind": "orchard",
            "name": "Vườn Lục Ngạn 3",
            "province": "Bắc Giang",
            "gln": "8931234000018",
        },
        form="place-form",
    )
    assert "GLN 8931234000018: the check digit should be 1." in admin.text()
    admin.send({"gln": ""}, form="place-form")
    assert re.match(r"/app/admin/locations/\d+$", admin.url)
    admin.send(
        {"code-value": "VN-BG-LN-03", "code-market": "JP", "code-scheme": "PUC"}, form="code-form"
    )
    assert "Code VN-BG-LN-03 added." in admin.text()
    codes = re.search(r'<table class="table" id="codes">.*?</table>', admin.html, re.S).group(0)
    assert "VN-BG-LN-03" in codes and "active" in codes
    forms = re.findall(r'<form method="post" class="inline".*?</form>', codes, re.S)
    suspend = next(f for f in forms if 'value="suspended"' in f)
    data = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', suspend))
    admin.client.post(admin.url, data=data)
    admin.open(admin.url)
    codes = re.search(r'<table class="table" id="codes">.*?</table>', admin.html, re.S).group(0)
    assert "suspended" in codes
    response = api.as_("inspector").get("/locations?q=Lục")
    assert response.json[0]["codes"][0]["status"] == "suspended"


def test_a_place_keeps_its_phone_and_address_and_each_change_names_the_admin(as_, api, engine):
    admin = as_("admin")
    admin.open("/app/admin/locations/new")
    body = {
        "kind": "packing_house",
        "name": "Lục Ngạn Packing",
        "phone": "call us",
        "street": "12 Đường Trần Hưng Đạo",
        "city": "Chũ",
        "province": "Bắc Giang",
        "postal_code": "26700",
    }
    admin.send(body, form="place-form")
    assert "A phone number, e.g. +84 220 3850 123." in admin.text()
    admin.send({"phone": "+84 204 3882 456"}, form="place-form")
    assert re.match(r"/app/admin/locations/\d+$", admin.url)
    ident = int(admin.url.rsplit("/", 1)[1])
    place = api.as_("inspector").get(f"/locations/{ident}").json
    assert place["phone"] == "+84 204 3882 456"
    assert place["address"] == {
        "street": "12 Đường Trần Hưng Đạo",
        "city": "Chũ",
        "province": "Bắc Giang",
        "postal_code": "26700",
        "country": "VN",
    }
    admin.send({"place-postal_code": "26710"}, form="place-form")
    assert "Saved." in admin.text()
    history = api.as_("inspector").get(f"/locations/{ident}/history").json
    assert [v["change"] for v in history] == [
        "created",
        "address: {'street': '12 Đường Trần Hưng Đạo', 'city': 'Chũ', 'province': 'Bắc Giang', "
        "'postal_code': '26700', 'country': 'VN'} → {'street': '12 Đường Trần Hưng Đạo', "
        "'city': 'Chũ', 'province': 'Bắc Giang', 'postal_code': '26710', 'country': 'VN'}",
    ]
    with engine.connect() as conn:
        web_admin = conn.execute(
            text("SELECT id FROM \"user\" WHERE role = 'admin' AND password_hash IS NOT NULL")
        ).scalar_one()
    assert {v["user_id"] for v in history} == {web_admin}


def test_a_product(as_):
    admin = as_("admin")
    admin.open("/app/admin/products/new")
    admin.send({"commodity": "longan"}, form="product-form")
    assert "Give the name in at least one language." in admin.text()
    admin.send({"commodity": "kale", "name_vi": "Cải xoăn"}, form="product-form")
    assert "trace knows no commodity" in admin.text()  # the vocabulary's words only
    admin.send(
        {
            "commodity": "longan",
            "name_vi": "Nhãn lồng Hưng Yên",
            "gtin": "08931234567880",
            "net_weight_kg": "10",
        },
        form="product-form",
    )
    assert admin.url == "/app/admin/products"
    assert "Nhãn lồng Hưng Yên" in admin.text()


def test_a_user_with_a_password_and_tokens(as_, client, ids):
    admin = as_("admin")
    admin.open("/app/admin/users")
    admin.send(
        {"name": "lan", "role": "worker", "location_id": ids["house"], "password": "lan-password"},
        form="user-form",
    )
    # the token is in this answer only (not in a cookie for the next page)
    token = re.search(r'id="new-token">.*?<code>([^<]+)</code>', admin.html, re.S).group(1)
    admin.url = re.search(r'id="token-form" action="(/app/admin/users/\d+)"', admin.html)[1]
    assert (
        client.get("/api/v1/lots", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )
    admin.open(admin.url)
    assert token not in admin.html  # shown once
    lan = Page(client.application.test_client())
    lan.open("/login")
    lan.send({"username": "lan", "password": "lan-password"})
    assert lan.url == "/app/" and "Thanh Hà Fruit Packing" in lan.text()
    forms = re.findall(r'<form method="post" class="inline".*?</form>', admin.html, re.S)
    assert 'action="' in forms[0]
    data = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', forms[0]))
    admin.client.post(admin.url, data=data)
    assert (
        client.get("/api/v1/lots", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
    admin.open(admin.url)
    admin.send({"pw-password": ""}, form="password-form")
    assert "Web login removed." in admin.text()
    assert lan.client.get("/app/").status_code == 302  # the session ended with the password


def test_an_exporters_consumer_contact_is_kept_from_its_page(as_, api, ids):
    admin = as_("admin")
    admin.open(f"/app/admin/locations/{ids['orchard']}")
    assert 'id="contact"' not in admin.html  # only an exporter keeps one
    admin.open(f"/app/admin/locations/{ids['exporter']}")
    contact = {
        "place-contact_name": "Customer care",
        "place-contact_phone": "+84 220 3850 123",
        "place-contact_email": "care@example",
        "place-contact_website": "haiduong-agri.example",
    }
    admin.send(contact, form="place-form")
    assert "An e-mail address, e.g. care@example.com." in admin.text()
    assert "A web address starting with https://." in admin.text()
    assert api.as_("inspector").get(f"/locations/{ids['exporter']}").json["contact"] == {}
    admin.send(
        {
            "place-contact_email": "care@haiduong-agri.example",
            "place-contact_website": "https://haiduong-agri.example",
        },
        form="place-form",
    )
    assert "Saved." in admin.text()
    assert api.as_("inspector").get(f"/locations/{ids['exporter']}").json["contact"] == {
        "name": "Customer care",
        "phone": "+84 220 3850 123",
        "email": "care@haiduong-agri.example",
        "website": "https://haiduong-agri.example",
    }
    assert 'value="care@haiduong-agri.example"' in admin.html  # shown again to change it
