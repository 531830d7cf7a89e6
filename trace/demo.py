"""The demo season: lychee from Thanh Hà and Lục Ngạn in June 2026, and carrots from Cẩm Giàng
(washed, graded by size, kept cold) for Korea and Europe, recorded through the use cases.

Nothing is written behind the services' backs: every harvest, receipt, treatment, packing,
pallet and shipment goes through `trace.services`, so each event is hash-chained and every
rule (mass balance, market segregation, holds) is checked, as it is for a worker's tablet.

`plan(seed)` decides the season without a database: a list of steps, each the data one use
case takes, in the order things happened. `load()` writes the places, products and users,
then replays the steps. The same seed gives the same season: the same lot codes, SSCCs,
containers and quantities (only the API tokens differ).

The places' codes are demo values in the formats the design names. In the domestic
growing-area code `VN-<province>-<district>-<commune>-<nn>-<yy>` the parts are the initials of
the names; real codes use the numbers of the administrative units.
"""

from __future__ import annotations

import itertools
import random
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple

from sqlalchemy import func
from sqlmodel import Session, select
from stdnum import iso6346

from trace.db.models import (
    CartonSerial,
    Event,
    Location,
    Lot,
    Pallet,
    PalletContent,
    Product,
    Shipment,
    User,
)
from trace.domain import markets
from trace.gs1 import check_digit, digital_link
from trace.services import labels, lots, masterdata, packing, shipments, steps, users

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


class Ref(str):
    """The plan's name of something written earlier; replaced by its code or id when written."""


@dataclass
class Step:
    """One thing that happened: which use case, when, by whom, on what, with which data."""

    at: datetime
    kind: str  # harvest receive cool inspect treat pack palletise load depart cross arrive
    name: str  # the plan's name of the lot, pallet or shipment it creates or concerns
    data: dict
    by: str = "worker"


@dataclass
class _Harvested:
    name: str
    day: int
    received: float
    received_at: datetime
    treated_at: datetime | None = None


@dataclass
class _Packed:
    name: str
    cartons: int
    packed_at: datetime


def _at(day: int, hour: int) -> datetime:  # a day of June
    return datetime(YEAR, 6, day, hour, tzinfo=VIETNAM)


def _half(kg: float) -> float:
    """Scales weigh to 0.5 kg (and halves add up exactly in floating point)."""
    return round(kg * 2) / 2


def _initials(name: str) -> str:
    plain = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(word[0] for word in plain.split()).upper()


def _orchard_key(orchard: Orchard) -> str:
    return f"{_initials(orchard.commune).lower()}{orchard.number:02d}"


def _gs1_key(company_prefix: str, reference: int) -> str:
    """A GLN or GTIN-13: company prefix, zero-padded reference, check digit (13 digits)."""
    width = 12 - len(company_prefix)
    if len(str(reference)) > width:
        raise ValueError(
            f"company prefix {company_prefix} leaves no room for reference {reference}"
        )
    body = f"{company_prefix}{reference:0{width}d}"
    return body + check_digit(body)


class _Season:
    """Decides what happens, step by step; every random choice comes from one seeded Random."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.steps: list[Step] = []
        self.numbers = {prefix: itertools.count(1) for prefix in ("h", "p", "pallet")}
        self.batches: dict[tuple[str, int, str], tuple[datetime, dict]] = {}
        self.phyto = 118_000 + self.rng.randrange(1000)

    def step(self, at: datetime, use_case: str, name: str, by: str = "worker", **data) -> None:
        self.steps.append(Step(at, use_case, name, data, by))

    def name(self, prefix: str) -> str:
        return f"{prefix}{next(self.numbers[prefix]):03d}"

    def minutes(self, low: int, high: int) -> timedelta:
        return timedelta(minutes=self.rng.randrange(low, high + 1, 5))

    def harvest(self, house: str, market: str, load_day: int, count: int) -> list[_Harvested]:
        """`count` lots from the house's orchards with an active code for `market`, received.

        One orchard gives at most one lot a day; the days are 4 to 2 days before loading.
        """
        orchards = [
            o for o in ORCHARDS if DISTRICTS[o.district][1] == house and _open_to(o, market)
        ]
        days = range(load_day - 4, load_day - 1)
        picks = sorted(self.rng.sample([(d, i) for d in days for i in range(len(orchards))], count))
        harvested = []
        for day, index in picks:
            orchard = orchards[index]
            name = self.name("h")
            kg = float(round(self.rng.triangular(400, 2000, 700), -1))
            harvested_at = _at(day, 5) + self.minutes(0, 150)  # picked in the cool of the morning
            self.step(
                harvested_at,
                "harvest",
                name,
                orchard_id=Ref(_orchard_key(orchard)),
                commodity="lychee",
                variety=CARTONS[house].variety,
                quantity=kg,
                unit="kg",
                harvested_on=date(YEAR, 6, day),
                harvested_at=harvested_at,
                crew=f"HTX vải thiều {orchard.commune}",
            )
            received = _half(kg * (1 - self.rng.uniform(0.005, 0.025)))
            received_at = harvested_at + self.minutes(90, 240)
            self.step(
                received_at,
                "receive",
                name,
                location_id=Ref(house),
                received_at=received_at,
                quantity=received,
                unit="kg",
            )
            if self.rng.random() < 0.7:
                cooled_at = received_at + self.minutes(30, 90)
                self.step(
                    cooled_at,
                    "cool",
                    name,
                    location_id=Ref(house),
                    cooled_at=cooled_at,
                    temperature_c=round(self.rng.uniform(2.5, 5.0), 1),
                    duration_h=float(self.rng.randint(8, 14)),
                )
            harvested.append(_Harvested(name, day, received, received_at))
        return harvested

    def carrots(self, index: int, load_day: int) -> _Packed:
        """One field's carrots pulled three or four days before loading, washed, graded by size
        (culls: broken, forked, green shoulders), kept cold, packed the day before loading."""
        fields = [o for o in ORCHARDS if DISTRICTS[o.district][1] == "cg"]
        orchard, day = fields[index % len(fields)], load_day - 3 - index // len(fields)
        name, house = self.name("h"), Ref("cg")
        kg = float(round(self.rng.triangular(1200, 2400, 1600), -1))
        at = _at(day, 6) + self.minutes(0, 120)
        self.step(at, "harvest", name, orchard_id=Ref(_orchard_key(orchard)), commodity="carrot",
                  variety="Kuroda", quantity=kg, unit="kg", harvested_on=date(YEAR, 6, day),
                  harvested_at=at, crew=f"HTX cà rốt {orchard.commune}")  # fmt: skip
        received = _half(kg * (1 - self.rng.uniform(0.003, 0.01)))
        at += self.minutes(60, 120)
        self.step(at, "receive", name, location_id=house, received_at=at, quantity=received,
                  unit="kg")  # fmt: skip
        at += self.minutes(30, 60)
        self.step(at, "wash", name, location_id=house, washed_at=at, method="brush")
        culls = _half(received * self.rng.uniform(0.06, 0.10))
        sizes = {c: _half((received - culls) * share)
                 for c, share in (("2L", 0.1), ("L", 0.45), ("M", 0.35))}  # fmt: skip
        sizes["S"] = received - culls - sum(sizes.values())
        at += self.minutes(60, 120)
        grades = [{"size_class": c, "quantity": q} for c, q in sizes.items()]
        self.step(at, "grade", name, location_id=house, graded_at=at, grades=grades, culls=culls)
        at += self.minutes(30, 60)
        self.step(at, "store", name, location_id=house, stored_at=at, days=float(load_day - day),
                  **COLD_ROOM)  # fmt: skip
        used = received - culls
        cartons = int(used // (CARTONS["cg"].net_kg * self.rng.uniform(1.01, 1.02)))
        packed_at = _at(load_day - 1, 7) + self.minutes(0, 120)
        packed = self.name("p")
        self.step(packed_at, "pack", packed, location_id=house, product_gtin=Ref("gtin-cg"),
                  inputs=[{"lot": Ref(name), "quantity": used, "unit": "kg"}], cartons=cartons,
                  packed_on=packed_at.date(), packed_at=packed_at)  # fmt: skip
        return _Packed(packed, cartons, packed_at)

    def inspect(self, lot: _Harvested, house: str, passed: bool) -> None:
        at = lot.received_at + self.minutes(120, 240)
        self.step(
            at,
            "inspect",
            lot.name,
            by="inspector",
            location_id=Ref(house),
            inspected_at=at,
            result="pass" if passed else "fail",
            kind="phytosanitary",
            notes=PASS_NOTES if passed else FAIL_NOTES,
        )

    def treat(self, lot: _Harvested, house: str, market: str) -> None:
        """The market's treatment the morning after harvest: one batch per facility, day, house.
        Fruit for China goes untreated, packed the morning after harvest."""
        facility = treatment_for(market)
        if facility is None:
            lot.treated_at = _at(lot.day + 1, 6)
            return
        key = (facility, lot.day + 1, house)
        if key not in self.batches:
            number = 1 + sum(1 for f, d, _ in self.batches if (f, d) == key[:2])
            day = date(YEAR, 6, lot.day + 1)
            at = _at(lot.day + 1, 7) + self.minutes(0, 150)
            if facility == "fumigation":
                batch = {
                    "method": "fumigation",
                    "batch_no": f"MB-{day:%y%m%d}-{number:02d}",
                    "certificate_no": f"FUM-{day:%Y-%m%d}-{number:02d}",
                    "parameters": {
                        "agent": "methyl bromide",
                        "dose_g_m3": 32,
                        "duration_h": 2,
                        "temperature_c": round(self.rng.uniform(21.5, 26.0), 1),
                        "chamber": f"C{self.rng.randint(1, 3)}",
                    },
                }
            else:
                batch = {
                    "method": "irradiation",
                    "batch_no": f"IR-{day:%y%m%d}-{number:02d}",
                    "certificate_no": f"IRR-{day:%Y-%m%d}-{number:02d}",
                    "parameters": {
                        "source": "Co-60",
                        "target_min_dose_gy": 400,
                        "absorbed_min_dose_gy": self.rng.randint(405, 440),
                        "absorbed_max_dose_gy": self.rng.randint(620, 780),
                    },
                }
            self.batches[key] = (at, batch)
        at, batch = self.batches[key]
        lot.treated_at = at
        self.step(at, "treat", lot.name, facility_id=Ref(facility), treated_at=at, **batch)

    def pack(self, house: str, harvested: list[_Harvested]) -> list[_Packed]:
        """Lots treated the same morning packed together, 1 to 3 at a time, into whole cartons."""
        net = CARTONS[house].net_kg
        packed = []
        for _, same_day in itertools.groupby(harvested, key=lambda lot: lot.day):
            queue = list(same_day)
            while queue:
                size = self.rng.randint(1, 3)
                group, queue = queue[:size], queue[size:]
                inputs = [
                    {
                        "lot": Ref(lot.name),
                        "quantity": _half(lot.received * (1 - self.rng.uniform(0.02, 0.06))),
                        "unit": "kg",
                    }
                    for lot in group  # the rest are culls: split, small or sunburnt fruit
                ]
                used = sum(item["quantity"] for item in inputs)
                # Cartons are filled a little over their net weight: the fruit loses water.
                cartons = int(used // (net * self.rng.uniform(1.03, 1.05)))
                packed_at = max(lot.treated_at for lot in group) + self.minutes(240, 360)
                name = self.name("p")
                self.step(
                    packed_at,
                    "pack",
                    name,
                    location_id=Ref(house),
                    product_gtin=Ref(f"gtin-{house}"),
                    inputs=inputs,
                    cartons=cartons,
                    packed_on=packed_at.date(),
                    packed_at=packed_at,
                )
                packed.append(_Packed(name, cartons, packed_at))
        return packed

    def palletise(self, house: str, packed: list[_Packed]) -> list[str]:
        """Cartons onto pallets in packing order (a pallet may mix lots); a short rest stays."""
        fewest, most = CARTONS[house].per_pallet
        queue = [[lot, lot.cartons] for lot in packed]
        names = []
        while sum(left for _, left in queue) >= fewest:
            room = self.rng.randint(fewest, most)
            contents = []
            while room and queue:
                lot, left = queue[0]
                take = min(room, left)
                contents.append((lot, take))
                room -= take
                queue[0][1] -= take
                if queue[0][1] == 0:
                    queue.pop(0)
            at = max(lot.packed_at for lot, _ in contents) + self.minutes(45, 120)
            name = self.name("pallet")
            self.step(
                at,
                "palletise",
                name,
                location_id=Ref(house),
                contents=[{"lot": Ref(lot.name), "cartons": n} for lot, n in contents],
                palletised_at=at,
            )
            names.append(name)
        return names

    def ship(self, number: int, market: str, consignee: str, day: int, status: str, pallets):
        """Load the pallets into a container in the morning; it sails from Hải Phòng that night
        (to China: a truck leaves at noon and crosses at a Lạng Sơn or Lào Cai gate)."""
        if market == "CN":
            return self.truck(number, consignee, day, status, pallets)
        route = ROUTES[market]
        name = f"s{number}"
        container = f"{route.owner}{self.rng.randrange(10**6):06d}"
        seal = f"{route.owner[:3]}{self.rng.randrange(10**6, 10**7)}"
        self.phyto += self.rng.randint(40, 400)  # other exporters' certificates come between
        loaded_at = _at(day, 8) + self.minutes(0, 180)
        self.step(
            loaded_at,
            "load",
            name,
            exporter_id=Ref("exporter"),
            consignee_id=Ref(consignee),
            market=market,
            container_no=container + iso6346.calc_check_digit(container),
            seal_no=seal,
            bill_of_lading=f"{route.scac}HPH{self.rng.randrange(10**7, 10**8)}",
            phyto_certificate_no=f"VN-PC-{YEAR}-{self.phyto:06d}",
            pallets=[Ref(p) for p in pallets],
            loaded_at=loaded_at,
        )
        if status == "loaded":
            return
        departed_at = _at(day, 19) + self.minutes(0, 180)
        self.step(departed_at, "depart", name, departed_at=departed_at, port_id=Ref("hai-phong"))
        if status == "departed":
            return
        landed = departed_at.date() + timedelta(days=route.days_at_sea)
        arrived_at = datetime.combine(landed, time(6), route.zone) + self.minutes(0, 360)
        pulp = self.rng.uniform(2.5, 4.5)
        self.step(
            arrived_at,
            "arrive",
            name,
            by="tokyo-importer" if consignee == "tokyo" else "worker",
            arrived_at=arrived_at,
            condition=f"Seal {seal} intact; pulp {pulp:.1f} °C; no decay or browning",
        )

    def truck(self, number: int, consignee: str, day: int, status: str, pallets) -> None:
        """A reefer container on a truck from the packing house to a Guangxi importer."""
        route, name = ROUTES["CN"], f"s{number}"
        container = f"{route.owner}{self.rng.randrange(10**6):06d}"
        self.phyto += self.rng.randint(40, 400)
        loaded_at = _at(day, 8) + self.minutes(0, 180)
        gate = GATES[number % len(GATES)]
        self.step(
            loaded_at,
            "load",
            name,
            exporter_id=Ref("exporter"),
            consignee_id=Ref(consignee),
            market="CN",
            conveyance="road",
            truck_plate=f"34C-{self.rng.randrange(100, 1000)}.{self.rng.randrange(10, 100)}",
            trailer_plate=f"34R-{self.rng.randrange(100, 1000)}.{self.rng.randrange(10, 100)}",
            border_gate=gate,
            container_no=container + iso6346.calc_check_digit(container),
            seal_no=f"{route.owner[:3]}{self.rng.randrange(10**6, 10**7)}",
            phyto_certificate_no=f"VN-PC-{YEAR}-{self.phyto:06d}",
            pallets=[Ref(p) for p in pallets],
            loaded_at=loaded_at,
        )
        departed_at = _at(day, 12) + self.minutes(0, 60)
        self.step(departed_at, "depart", name, departed_at=departed_at)
        if status == "departed":
            return
        crossed_at = departed_at + self.minutes(240, 420)  # Hải Dương to Lạng Sơn, the queue
        self.step(crossed_at, "cross", name, crossed_at=crossed_at)
        arrived_at = (crossed_at + self.minutes(60, 150)).astimezone(CHINA)
        self.step(
            arrived_at,
            "arrive",
            name,
            arrived_at=arrived_at,
            condition=f"Pulp {self.rng.uniform(3.0, 5.0):.1f} °C; no decay or browning",
        )


def _open_to(orchard: Orchard, market: str) -> bool:
    """Whether `orchard` holds an active code for `market` (China: a GACC registration)."""
    if market == "CN":
        return _orchard_key(orchard) in GACC_CODES
    return market in orchard.markets.split()


def plan(seed: int = 2026) -> list[Step]:
    """The season's steps in the order they happened (pure: no database; same seed, same plan)."""
    season = _Season(seed)
    for number, (market, consignee, houses, day, status) in enumerate(SHIPMENTS, 1):
        pallets = []
        for position, (house, count) in enumerate(houses.items()):
            held = (number, house) == HELD
            harvested = season.harvest(house, market, day, count + int(held))
            if held:
                season.inspect(harvested.pop(season.rng.randrange(len(harvested))), house, False)
            if position == 0:
                season.inspect(season.rng.choice(harvested), house, True)
            for lot in harvested:
                season.treat(lot, house, market)
            pallets += season.palletise(house, season.pack(house, harvested))
        season.ship(number, market, consignee, day, status, pallets)
    for number, (market, consignee, count, day, status) in enumerate(
        CARROT_SHIPMENTS, len(SHIPMENTS) + 1
    ):
        packed = [season.carrots(index, day) for index in range(count)]
        season.ship(number, market, consignee, day, status, season.palletise("cg", packed))
    return sorted(season.steps, key=lambda step: step.at)  # stable: ties keep plan order


# --- writing ------------------------------------------------------------------------------------


def has_data(session: Session) -> bool:
    """Whether the database holds anything the demo would collide with (any location)."""
    return session.exec(select(Location.id).limit(1)).first() is not None


def _codes(scheme: str, value: str, markets: str, issuer: str = EXPORT_ISSUER) -> list[dict]:
    codes = []
    for market in markets.split():
        market, _, status = market.partition(":")
        codes.append(
            {
                "scheme": scheme,
                "value": value,
                "market": market,
                "status": status or "active",
                "issuer": issuer,
                "season": str(YEAR),
            }
        )
    return codes


def _gacc(key: str) -> list[dict]:
    """The place's GACC registration for China, if it holds one."""
    return _codes("GACC", GACC_CODES[key], "CN", "GACC") if key in GACC_CODES else []


# Postal codes and telephone area codes of the provinces, for the places' FSMA 204 location
# descriptions (21 CFR 1.1310: phone number and address). The numbers are made up.
POSTAL = {"Hải Dương": "03000", "Bắc Giang": "26000", "Hà Nội": "10000", "Hải Phòng": "04000"}
AREA = {"Hải Dương": "220", "Bắc Giang": "204", "Hà Nội": "24", "Hải Phòng": "225"}
EXPORTER_CONTACT = {
    "name": "Hải Dương Agri Export — chăm sóc khách hàng",
    "email": "care@haiduong-agri.example",
    "website": "https://haiduong-agri.example/vai-thieu",
}
PARTY_CONTACT = {  # key: (postal code, phone)
    "exporter": ("03000", "+84 220 3850 200"),
    "tokyo": ("143-0001", "+81 3 5555 0123"),
    "los-angeles": ("90021", "+1 213 555 0142"),
    "sydney": ("2140", "+61 2 5550 0175"),
    "busan": ("46750", "+82 51 555 0128"),
    "rotterdam": ("2991 LN", "+31 180 555 014"),
    "pingxiang": ("532600", "+86 771 555 0188"),
    "hai-phong": ("04000", "+84 225 3850 300"),
}


def _field_word(orchard: Orchard) -> str:
    return FIELD_WORDS[CARTONS[DISTRICTS[orchard.district][1]].commodity]


def _phone(province: str, number: int) -> str:
    return f"+84 {AREA[province]} 3850 {number:03d}"


def places(company_prefix: str) -> list[tuple[str, dict]]:
    """Every location's key and the data `masterdata.create_location` takes."""
    rows = []
    for index, orchard in enumerate(ORCHARDS, 1):
        province, _ = DISTRICTS[orchard.district]
        district, commune = _initials(orchard.district), _initials(orchard.commune)
        domestic = (
            f"VN-{_initials(province)}-{district}-{commune}-{orchard.number:02d}-{YEAR % 100}"
        )
        issuer = f"Chi cục Trồng trọt và Bảo vệ thực vật {province}"
        rows.append(
            (
                _orchard_key(orchard),
                {
                    "kind": "orchard",
                    "name": f"{_field_word(orchard)} {orchard.commune} {orchard.number:02d}",
                    "phone": _phone(province, index),
                    "address": {
                        "commune": orchard.commune,
                        "district": orchard.district,
                        "province": province,
                        "postal_code": POSTAL[province],
                        "country": "VN",
                    },
                    "codes": _codes("PUC", domestic, "VN", issuer)
                    + _codes("PUC", orchard.export_code, orchard.markets)
                    + _gacc(_orchard_key(orchard)),
                },
            )
        )
    for index, house in enumerate(HOUSES, 50):
        province, _ = DISTRICTS[house.district]
        data = {
            "kind": "packing_house",
            "name": house.name,
            "phone": _phone(province, index),
            "address": {
                "commune": house.commune,
                "district": house.district,
                "province": province,
                "postal_code": POSTAL[province],
                "country": "VN",
            },
            "codes": _codes("PHC", house.phc, house.markets) + _gacc(house.key),
        }
        if house.gln:
            data["gln"] = _gs1_key(company_prefix, house.gln)
        rows.append((house.key, data))
    for index, facility in enumerate(FACILITIES, 80):
        data = {
            "kind": "treatment_facility",
            "name": facility.name,
            "phone": _phone("Hà Nội", index),
            "address": {
                "district": facility.district,
                "province": "Hà Nội",
                "postal_code": POSTAL["Hà Nội"],
                "country": "VN",
            },
            "codes": _codes("TFC", facility.tfc, facility.markets),
            "methods": [facility.key],
        }
        rows.append((facility.key, data))
    for party in PARTIES:
        postal_code, phone = PARTY_CONTACT[party.key]
        data = {
            "kind": party.kind,
            "name": party.name,
            "phone": phone,
            "address": {**party.address, "postal_code": postal_code},
        }
        if party.gln:
            data["gln"] = _gs1_key(company_prefix, party.gln)
        if party.kind == "exporter":  # named on its cartons' public pages and labels
            data["contact"] = {**EXPORTER_CONTACT, "phone": phone}
        rows.append((party.key, data))
    return rows


def _resolve(value, names: dict):
    if isinstance(value, Ref):
        return names[value]
    if isinstance(value, dict):
        return {key: _resolve(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, names) for item in value]
    return value


def _write(session: Session, step: Step, actor: User, names: dict, gs1: tuple[str, int]) -> None:
    """Call the step's use case; remember the code or id of what it creates under its name."""
    data = _resolve(step.data, names)
    match step.kind:
        case "harvest":
            names[step.name] = lots.harvest(session, actor, data).code
        case "receive":
            lots.receive(session, actor, names[step.name], data)
        case "cool":
            lots.cool(session, actor, names[step.name], data)
        case "inspect":
            lots.inspect(session, actor, names[step.name], data)
        case "treat":
            lots.treat(session, actor, names[step.name], data)
        case "wash":
            steps.wash(session, actor, names[step.name], data)
        case "grade":
            steps.grade(session, actor, names[step.name], data)
        case "store":
            steps.store(session, actor, names[step.name], data)
        case "pack":
            names[step.name] = packing.pack(session, actor, data).code
        case "palletise":
            names[step.name] = packing.palletise(session, actor, data, *gs1).sscc
        case "load":
            names[step.name] = shipments.create(session, actor, data).id
        case "depart":
            shipments.depart(session, actor, names[step.name], data)
        case "cross":
            shipments.cross(session, actor, names[step.name], data)
        case "arrive":
            shipments.arrive(session, actor, names[step.name], data)
        case _:  # pragma: no cover - plan() makes only the kinds above
            raise ValueError(f"unknown step kind {step.kind!r}")


def load(session: Session, company_prefix: str, extension_digit: int, seed: int = 2026) -> str:
    """Write the demo season into an empty database; answer a summary with the users' tokens."""
    names: dict = {}
    for key, data in places(company_prefix):
        names[key] = masterdata.create_location(session, data).id
    for house, carton in CARTONS.items():
        product = masterdata.create_product(
            session,
            {
                "gtin": "0" + _gs1_key(company_prefix, carton.gtin),
                "name": dict(carton.name),
                "commodity": carton.commodity,
                "variety": carton.variety,
                "unit": "kg",
                "net_weight_kg": carton.net_kg,
            },
        )
        names[f"gtin-{house}"] = product.gtin
    actors, tokens = {}, []
    for name, role, place in USERS:
        # Every demo user may log in to the web pages with a demo password.
        actors[name], token = users.create(
            session, name, role, names[place] if place else None, demo_password(name)
        )
        tokens.append((name, role, token))
    for step in plan(seed):
        _write(session, step, actors[step.by], names, (company_prefix, extension_digit))
    _print_cartons(session, actors["worker"])
    return _summary(session, seed, tokens)


CARTONS_PRINTED = 6  # carton labels the demo prints for one shipped lot of each market


def _print_cartons(session: Session, worker: User) -> None:
    """A few carton labels for one shipped lot of each market, so the demo has genuine cartons
    whose public pages a newcomer can open (`flask --app wsgi demo urls`)."""
    rows = session.exec(
        select(Shipment.market, Lot.code)
        .join(Pallet, Pallet.shipment_id == Shipment.id)
        .join(PalletContent, PalletContent.pallet_id == Pallet.id)
        .join(Lot, Lot.id == PalletContent.lot_id)
        .order_by(Shipment.market, Lot.id)
    ).all()
    chosen: dict[str, str] = {}
    for market, code in rows:
        chosen.setdefault(market, code)
    for code in chosen.values():
        labels.carton_job(
            session, worker, code, count=CARTONS_PRINTED, serials=None, size="100x150", fmt="pdf"
        )


def carton_urls(session: Session, base_url: str, limit: int = 9) -> list[tuple[str, str]]:
    """(market, URL) of the first printed carton of up to `limit` lots, each of another market
    (every market of the demo): the public pages to open on a phone."""
    rows = session.exec(
        select(Shipment.market, Product.gtin, Lot.code, CartonSerial.serial)
        .join(Lot, Lot.id == CartonSerial.lot_id)
        .join(Product, Product.id == CartonSerial.product_id)
        .join(PalletContent, PalletContent.lot_id == Lot.id)
        .join(Pallet, Pallet.id == PalletContent.pallet_id)
        .join(Shipment, Shipment.id == Pallet.shipment_id)
        .order_by(Shipment.market, CartonSerial.number)
    ).all()
    out: dict[str, str] = {}
    for market, gtin, code, serial in rows:
        if market not in out and len(out) < limit:
            out[market] = digital_link(base_url, gtin, lot=code, serial=serial)
    return list(out.items())


def demo_password(name: str) -> str:
    """The demo users' web password: for a laptop's demo season only, printed by `demo load`."""
    return f"{name}-demo-2026"


def _count(session: Session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


PLURALS = {
    "orchard": "orchards",
    "packing_house": "packing houses",
    "treatment_facility": "treatment facilities",
    "cold_store": "cold stores",
    "exporter": "exporters",
    "importer": "importers",
    "port": "ports",
}


def _summary(session: Session, seed: int, tokens: list[tuple[str, str, str]]) -> str:
    kinds = dict(session.exec(select(Location.kind, func.count()).group_by(Location.kind)).all())
    markets = session.exec(
        select(Shipment.market, func.count()).group_by(Shipment.market).order_by(Shipment.market)
    )
    statuses = dict(
        session.exec(select(Shipment.status, func.count()).group_by(Shipment.status)).all()
    )
    progress = (("arrived", "arrived"), ("departed", "at sea"), ("loaded", "loading"))
    harvest = _count(session, Lot, Lot.kind == "harvest")
    lines = [
        f"demo season loaded (seed {seed}): lychee from Thanh Hà and Lục Ngạn, carrots from Cẩm "
        f"Giàng, June {YEAR}",
        f"  locations  {_count(session, Location)}: "
        + ", ".join(
            f"{kinds[kind]} {plural if kinds[kind] > 1 else kind.replace('_', ' ')}"
            for kind, plural in PLURALS.items()
            if kind in kinds
        ),
        f"  products   {_count(session, Product)}",
        f"  lots       {harvest} harvest ({_count(session, Lot, Lot.on_hold)} on hold), "
        f"{_count(session, Lot, Lot.kind == 'packed')} packed",
        f"  pallets    {_count(session, Pallet)}",
        f"  shipments  {_count(session, Shipment)}: "
        + ", ".join(f"{market} {n}" for market, n in markets)
        + " ("
        + ", ".join(f"{statuses.get(status, 0)} {label}" for status, label in progress)
        + ")",
        f"  events     {_count(session, Event)}",
        "staff pages (/login): "
        + ", ".join(f"{name} / {demo_password(name)}" for name, _role, _token in tokens),
        "demo API tokens (name role token; each shown once):",
        *(f"  {name:<15} {role:<10} {token}" for name, role, token in tokens),
    ]
    return "\n".join(lines)
