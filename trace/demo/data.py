"""Who and what the demo season has: orchards, packing houses, treatment facilities, parties,
products, routes, shipments and users, and the keys derived from them. PURE data."""

from __future__ import annotations

import unicodedata
from datetime import timedelta, timezone
from typing import NamedTuple

from trace.domain import markets
from trace.gs1 import check_digit

YEAR = 2026
VIETNAM = timezone(timedelta(hours=7))
# Fixed offsets are right for June: Los Angeles keeps daylight time, Sydney is in winter.
TOKYO = timezone(timedelta(hours=9))
LOS_ANGELES = timezone(timedelta(hours=-7))
CHINA = timezone(timedelta(hours=8))
SYDNEY = timezone(timedelta(hours=10))
BUSAN = timezone(timedelta(hours=9))
ROTTERDAM = timezone(timedelta(hours=2))  # summer time

EXPORT_ISSUER = "Cục Bảo vệ thực vật"  # the Plant Protection Department issues export codes


class Orchard(NamedTuple):
    commune: str
    district: str
    number: int
    export_code: str  # the PUC registered with each export market
    markets: str  # "AU:suspended": registered, but the code is suspended this season


class House(NamedTuple):
    key: str
    name: str
    commune: str
    district: str
    gln: int | None  # the reference after the company prefix; None: no GLN
    phc: str
    markets: str


class Facility(NamedTuple):
    key: str  # also the treatment method
    name: str
    district: str
    tfc: str
    markets: str


class Party(NamedTuple):
    key: str
    kind: str
    name: str
    address: dict
    gln: int | None


class Carton(NamedTuple):
    gtin: int  # the item reference after the company prefix (none is also a GLN's)
    name: dict
    variety: str
    net_kg: float
    per_pallet: tuple[int, int]  # fewest, most
    commodity: str = "lychee"


class Route(NamedTuple):
    zone: timezone  # the consignee's
    owner: str  # the carrier's container owner code (ISO 6346)
    scac: str  # the carrier's code on bills of lading
    days_at_sea: int  # from Hải Phòng


# District: province, the packing house its orchards deliver to (which packs its product).
DISTRICTS = {
    "Thanh Hà": ("Hải Dương", "th"),
    "Lục Ngạn": ("Bắc Giang", "ln"),
    "Cẩm Giàng": ("Hải Dương", "cg"),
}
# What an orchard's name calls it, by what it grows.
FIELD_WORDS = {"lychee": "Vườn vải", "carrot": "Ruộng cà rốt"}

ORCHARDS = (
    Orchard("Thanh Quang", "Thanh Hà", 12, "VN-HDTH-0112", "JP US AU"),
    Orchard("Thanh Sơn", "Thanh Hà", 3, "VN-HDTH-0203", "JP AU"),
    Orchard("Thanh Khê", "Thanh Hà", 7, "VN-HDTH-0307", "JP US"),
    Orchard("Thanh Xá", "Thanh Hà", 21, "VN-HDTH-0421", "JP US AU:suspended"),
    Orchard("Phượng Sơn", "Lục Ngạn", 5, "VN-BGLN-0105", "US AU"),
    Orchard("Quý Sơn", "Lục Ngạn", 11, "VN-BGLN-0211", "JP US AU"),
    Orchard("Hồng Giang", "Lục Ngạn", 2, "VN-BGLN-0302", "JP US"),
    Orchard("Giáp Sơn", "Lục Ngạn", 8, "VN-BGLN-0408", "AU"),
    Orchard("Cẩm Văn", "Cẩm Giàng", 4, "VN-HDCG-0104", "KR EU"),
    Orchard("Cẩm Đông", "Cẩm Giàng", 9, "VN-HDCG-0209", "KR EU"),
)

# GACC's registration numbers (China) of the orchards and houses registered for China: most of
# Thanh Hà's and Lục Ngạn's lychee goes there by truck, through the Lạng Sơn border gates.
GACC_CODES = {
    "tq12": "VNHD-GACC-0112",
    "ts03": "VNHD-GACC-0203",
    "tk07": "VNHD-GACC-0307",
    "ps05": "VNBG-GACC-0105",
    "qs11": "VNBG-GACC-0211",
    "gs08": "VNBG-GACC-0408",
    "th": "VNHD-GACC-PH007",
    "ln": "VNBG-GACC-PH012",
}

# Lục Ngạn's house holds no PHC for Japan: its fruit cannot go there, whatever its orchards hold.
HOUSES = (
    House("th", "Cơ sở đóng gói vải Thanh Hà", "Thị trấn Thanh Hà", "Thanh Hà", 1, "VN-PH-HD-007", "JP US AU"),
    House("ln", "HTX Dịch vụ đóng gói vải Lục Ngạn", "Thị trấn Chũ", "Lục Ngạn", None, "VN-PH-BG-012", "US AU"),
    House("cg", "HTX Sản xuất và Tiêu thụ cà rốt Cẩm Giàng", "Cẩm Văn", "Cẩm Giàng", 3, "VN-PH-HD-021", "KR EU"),
)  # fmt: skip

FACILITIES = (
    Facility("fumigation", "Trung tâm Khử trùng Hà Nội", "Long Biên", "VN-TF-HN-02", "JP AU"),
    Facility("irradiation", "Trung tâm Chiếu xạ Hà Nội", "Bắc Từ Liêm", "VN-TF-HN-05", "US"),
)


def treatment_for(market: str, commodity: str = "lychee") -> str | None:
    """The first treatment the market's profile accepts that a demo facility gives for it
    (None: the market needs none, as China for lychee)."""
    needs = markets.require(market).treatments[commodity]
    return next(
        (f.key for m in needs for f in FACILITIES if f.key == m and market in f.markets.split()),
        None,
    )


PARTIES = (
    Party("exporter", "exporter", "Công ty CP Xuất khẩu Nông sản Hải Dương",
          {"district": "TP Hải Dương", "province": "Hải Dương", "country": "VN"}, 2),
    Party("tokyo", "importer", "Tokyo Fresh Trading KK",
          {"commune": "Tōkai", "district": "Ōta-ku", "province": "Tokyo", "country": "JP"}, None),
    Party("los-angeles", "importer", "Pacific Rim Produce LLC",
          {"district": "Los Angeles", "province": "California", "country": "US"}, None),
    Party("sydney", "importer", "Harbourside Fresh Imports Pty Ltd",
          {"commune": "Homebush West", "district": "Sydney", "province": "New South Wales",
           "country": "AU"}, None),
    Party("busan", "importer", "Busan Fresh Vegetables Co., Ltd.",
          {"district": "Gangseo-gu", "province": "Busan", "country": "KR"}, None),
    Party("rotterdam", "importer", "Van Dijk Groente Import B.V.",
          {"district": "Barendrecht", "province": "Zuid-Holland", "country": "NL"}, None),
    Party("pingxiang", "importer", "凭祥市宏达水果贸易有限公司 (Pingxiang Hongda Fruit Trading)",
          {"district": "Pingxiang", "city": "Chongzuo", "region": "Guangxi", "country": "CN"}, None),
    Party("hai-phong", "port", "Cảng Hải Phòng",
          {"district": "Hải An", "province": "Hải Phòng", "country": "VN"}, None),
)  # fmt: skip

# The product each packing house packs.
CARTONS = {
    "th": Carton(11, {"vi": "Vải thiều Thanh Hà, thùng 5 kg", "en": "Thanh Ha lychee, 5 kg carton",
                      "ja": "タンハー産ライチ 5kg箱", "zh": "越南青河荔枝 5公斤箱"},
           "Thanh Hà", 5.0, (80, 110)),
    "ln": Carton(12, {"vi": "Vải thiều Lục Ngạn, hộp 2 kg", "en": "Luc Ngan lychee, 2 kg carton",
                      "ko": "룩응안 리치 2kg 상자", "zh": "越南陆岸荔枝 2公斤盒"}, "Lục Ngạn", 2.0, (100, 120)),
    "cg": Carton(13, {"vi": "Cà rốt Cẩm Giàng, thùng 10 kg", "en": "Cam Giang carrots, 10 kg carton",
                      "ko": "베트남 깜장 당근 10kg 상자", "nl": "Wortelen uit Cẩm Giàng, doos 10 kg"},
                 "Kuroda", 10.0, (80, 96), "carrot"),
}  # fmt: skip

ROUTES = {
    "JP": Route(TOKYO, "ONEU", "ONEY", 7),
    "US": Route(LOS_ANGELES, "CMAU", "CMDU", 18),
    "AU": Route(SYDNEY, "MSCU", "MEDU", 13),
    "KR": Route(BUSAN, "HDMU", "HDMU", 5),
    "EU": Route(ROTTERDAM, "MAEU", "MAEU", 30),
    "CN": Route(CHINA, "TGHU", "", 0),  # by road: a reefer container on a truck, the same day
}
# China by road: the border gate of each truck, in turn (the busiest first).
GATES = ("huu_nghi", "tan_thanh", "huu_nghi", "kim_thanh")

# Shipments, one container each: market, consignee, harvest lots per packing house, the day of
# June it is loaded, how far it got. Its lots are harvested 4 to 2 days before it is loaded.
SHIPMENTS = (
    ("JP", "tokyo", {"th": 9}, 5, "arrived"),
    ("US", "los-angeles", {"ln": 4}, 8, "arrived"),
    ("AU", "sydney", {"th": 5, "ln": 2}, 12, "arrived"),
    ("JP", "tokyo", {"th": 9}, 15, "departed"),  # at sea: Tokyo's importer records the arrival
    ("US", "los-angeles", {"th": 5, "ln": 2}, 19, "departed"),
    ("AU", "sydney", {"ln": 4}, 23, "departed"),
    ("JP", "tokyo", {"th": 9}, 27, "loaded"),
    # China by truck, the most shipments (listed last, so the others stay as they were); a few
    # lots a truck keep the demo quick to load.
    ("CN", "pingxiang", {"th": 2}, 6, "arrived"),
    ("CN", "pingxiang", {"th": 1, "ln": 1}, 10, "arrived"),
    ("CN", "pingxiang", {"ln": 2}, 13, "arrived"),
    ("CN", "pingxiang", {"th": 2}, 17, "arrived"),
    ("CN", "pingxiang", {"th": 2}, 21, "arrived"),
    ("CN", "pingxiang", {"th": 2}, 25, "departed"),
)
# Carrots: market, consignee, harvest lots, the day of June the container is loaded, how far.
CARROT_SHIPMENTS = (
    ("KR", "busan", 2, 9, "arrived"),
    ("EU", "rotterdam", 1, 16, "departed"),
)
# The shipment (counted from 1) and packing house of the one lot that fails its inspection.
HELD = (4, "th")

# Users: name, role, the importer location an importer's token is limited to.
USERS = (
    ("admin", "admin", None),
    ("worker", "worker", None),
    ("inspector", "inspector", None),
    ("tokyo-importer", "importer", "tokyo"),
)

# Carrots are held at 0-1 °C and 95 % relative humidity until the container is loaded.
COLD_ROOM = {"temperature_c": 0.5, "humidity_pct": 95.0}

PASS_NOTES = "Mẫu 200 quả: không phát hiện sâu đục cuống, đạt yêu cầu xuất khẩu."
FAIL_NOTES = (
    "Phát hiện sâu đục cuống (Conopomorpha sinensis) ở 4/200 quả mẫu. "
    "Giữ lô, không đóng gói xuất khẩu."
)


def initials(name: str) -> str:
    plain = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(word[0] for word in plain.split()).upper()


def orchard_key(orchard: Orchard) -> str:
    return f"{initials(orchard.commune).lower()}{orchard.number:02d}"


def gs1_key(company_prefix: str, reference: int) -> str:
    """A GLN or GTIN-13: company prefix, zero-padded reference, check digit (13 digits)."""
    width = 12 - len(company_prefix)
    if len(str(reference)) > width:
        raise ValueError(
            f"company prefix {company_prefix} leaves no room for reference {reference}"
        )
    body = f"{company_prefix}{reference:0{width}d}"
    return body + check_digit(body)
