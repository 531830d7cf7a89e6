"""The demo season: lychee from Thanh Hà and Lục Ngạn in June 2026, recorded through the use cases.

Nothing is written behind the services' backs: every harvest, receipt, treatment, packing,
pallet and shipment goes through `trace.services`, so each event is hash-chained and every
rule (mass balance, market segregation, holds) is checked, as it would be for a real tablet.

`plan(seed)` decides the season without a database: a list of steps, each the data one use
case takes, in the order things happened. `load()` writes the places, products and users,
then replays the steps. The same seed gives the same season: the same lot codes, SSCCs,
containers and quantities (only the API tokens differ).

The codes of places are demo values in the formats the design names. In the domestic
growing-area code `VN-<province>-<district>-<commune>-<nn>-<yy>` the parts are the initials of
the names here; real codes use the numbers of the administrative units.
"""

from __future__ import annotations

import itertools
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func
from sqlmodel import Session, select
from stdnum import iso6346

from trace.db.models import Event, Location, Lot, Pallet, Product, Shipment, User
from trace.gs1 import check_digit
from trace.services import lots, masterdata, packing, shipments, users

YEAR = 2026
VIETNAM = timezone(timedelta(hours=7))
# Fixed offsets are right for June: Los Angeles keeps daylight time, Sydney is in winter.
TOKYO = timezone(timedelta(hours=9))
LOS_ANGELES = timezone(timedelta(hours=-7))
SYDNEY = timezone(timedelta(hours=10))

EXPORT_ISSUER = "Cục Bảo vệ thực vật"  # the Plant Protection Department issues export codes

# District: province, the packing house its orchards deliver to.
DISTRICTS = {
    "Thanh Hà": ("Hải Dương", "th"),
    "Lục Ngạn": ("Bắc Giang", "ln"),
}

# Orchards: commune, district, orchard number, export growing-area code (PUC), the markets it
# is registered for ("AU:suspended": registered, but the code is suspended this season).
ORCHARDS = (
    ("Thanh Quang", "Thanh Hà", 12, "VN-HDTH-0112", "JP US AU"),
    ("Thanh Sơn", "Thanh Hà", 3, "VN-HDTH-0203", "JP AU"),
    ("Thanh Khê", "Thanh Hà", 7, "VN-HDTH-0307", "JP US"),
    ("Thanh Xá", "Thanh Hà", 21, "VN-HDTH-0421", "JP US AU:suspended"),
    ("Phượng Sơn", "Lục Ngạn", 5, "VN-BGLN-0105", "US AU"),
    ("Quý Sơn", "Lục Ngạn", 11, "VN-BGLN-0211", "JP US AU"),
    ("Hồng Giang", "Lục Ngạn", 2, "VN-BGLN-0302", "JP US"),
    ("Giáp Sơn", "Lục Ngạn", 8, "VN-BGLN-0408", "AU"),
)

# Packing houses: key, name, commune, district, GLN reference (None: no GLN), PHC, markets.
# Lục Ngạn's house has no PHC for Japan: its fruit cannot go there, whatever the orchard holds.
PACKING_HOUSES = (
    (
        "th",
        "Cơ sở đóng gói vải Thanh Hà",
        "Thị trấn Thanh Hà",
        "Thanh Hà",
        1,
        "VN-PH-HD-007",
        "JP US AU",
    ),
    (
        "ln",
        "HTX Dịch vụ đóng gói vải Lục Ngạn",
        "Thị trấn Chũ",
        "Lục Ngạn",
        None,
        "VN-PH-BG-012",
        "US AU",
    ),
)

# Treatment facilities: key, name, district, province, TFC, markets.
FACILITIES = (
    ("fumigation", "Trung tâm Khử trùng Hà Nội", "Long Biên", "Hà Nội", "VN-TF-HN-02", "JP AU"),
    ("irradiation", "Trung tâm Chiếu xạ Hà Nội", "Bắc Từ Liêm", "Hà Nội", "VN-TF-HN-05", "US"),
)
TREATMENT_FOR = {"JP": "fumigation", "AU": "fumigation", "US": "irradiation"}

# Other parties: key, kind, name, address, GLN reference.
PARTIES = (
    ("exporter", "exporter", "Công ty CP Xuất khẩu Nông sản Hải Dương",
     {"district": "TP Hải Dương", "province": "Hải Dương", "country": "VN"}, 2),
    ("tokyo", "importer", "Tokyo Fresh Trading KK",
     {"commune": "Tōkai", "district": "Ōta-ku", "province": "Tokyo", "country": "JP"}, None),
    ("los-angeles", "importer", "Pacific Rim Produce LLC",
     {"district": "Los Angeles", "province": "California", "country": "US"}, None),
    ("sydney", "importer", "Harbourside Fresh Imports Pty Ltd",
     {"commune": "Homebush West", "district": "Sydney", "province": "New South Wales", "country": "AU"}, None),
    ("hai-phong", "port", "Cảng Hải Phòng",
     {"district": "Hải An", "province": "Hải Phòng", "country": "VN"}, None),
)  # fmt: skip

# Products, one per packing house: GTIN item reference, names, variety, net kg per carton,
# cartons per pallet (fewest, most).
PRODUCTS = {
    "th": (1, {"vi": "Vải thiều Thanh Hà, thùng 5 kg", "en": "Thanh Ha lychee, 5 kg carton",
               "ja": "タンハー産ライチ 5kg箱"}, "Thanh Hà", 5.0, (70, 100)),
    "ln": (2, {"vi": "Vải thiều Lục Ngạn, hộp 2 kg", "en": "Luc Ngan lychee, 2 kg carton",
               "ko": "룩응안 리치 2kg 상자"}, "Lục Ngạn", 2.0, (100, 120)),
}  # fmt: skip

# Routes by market: consignee's time zone, carrier's container owner code and SCAC, days at sea
# from Hải Phòng.
ROUTES = {
    "JP": (TOKYO, "ONEU", "ONEY", 7),
    "US": (LOS_ANGELES, "CMAU", "CMDU", 18),
    "AU": (SYDNEY, "MSCU", "MEDU", 13),
}

# Shipments, one container each: market, consignee, harvest lots per packing house, day of June
# it is loaded, how far it got. Its lots are harvested 4 to 2 days before loading.
SHIPMENTS = (
    ("JP", "tokyo", {"th": 9}, 5, "arrived"),
    ("US", "los-angeles", {"ln": 4}, 8, "arrived"),
    ("AU", "sydney", {"th": 5, "ln": 2}, 12, "arrived"),
    ("JP", "tokyo", {"th": 9}, 15, "arrived"),
    ("US", "los-angeles", {"th": 5, "ln": 2}, 19, "departed"),
    ("AU", "sydney", {"ln": 4}, 23, "departed"),
    ("JP", "tokyo", {"th": 9}, 27, "loaded"),
)
# The shipment (1-based) and packing house of the lot that fails its inspection and stays.
HELD = (4, "th")

USERS = (
    ("admin", "admin", None),
    ("worker", "worker", None),
    ("inspector", "inspector", None),
    ("tokyo-importer", "importer", "tokyo"),
)

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
    kind: str  # harvest receive cool inspect treat pack palletise load depart arrive
    name: str  # the lot, pallet or shipment it creates or concerns
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


def _at(day: int, hour: int, minute: int = 0, zone: timezone = VIETNAM) -> datetime:
    return datetime(YEAR, 6, day, hour, minute, tzinfo=zone)


def _half(kg: float) -> float:
    """Scales weigh to 0.5 kg (and halves add up exactly in floating point)."""
    return round(kg * 2) / 2


def _initials(name: str) -> str:
    plain = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(word[0] for word in plain.split()).upper()


def _orchard_key(commune: str, number: int) -> str:
    return f"{_initials(commune).lower()}{number:02d}"


def _gs1_key(company_prefix: str, reference: int) -> str:
    """A 13-digit GLN or GTIN-13: company prefix, zero-padded reference, check digit."""
    width = 12 - len(company_prefix)
    if len(str(reference)) > width:
        raise ValueError(
            f"company prefix {company_prefix} leaves no room for reference {reference}"
        )
    body = f"{company_prefix}{reference:0{width}d}"
    return body + check_digit(body)


class _Season:
    """Decides what happens, step by step; the random choices all come from one seeded Random."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.steps: list[Step] = []
        self.numbers = {prefix: itertools.count(1) for prefix in ("h", "p", "pallet")}
        self.batches: dict[tuple[str, int, str], tuple[datetime, dict]] = {}
        self.phyto = 118_000 + self.rng.randrange(1000)

    def step(self, at: datetime, kind: str, name: str, data: dict, by: str = "worker") -> None:
        self.steps.append(Step(at, kind, name, data, by))

    def name(self, prefix: str) -> str:
        return f"{prefix}{next(self.numbers[prefix]):03d}"

    def minutes(self, low: int, high: int) -> timedelta:
        return timedelta(minutes=self.rng.randrange(low, high + 1, 5))

    def harvest(self, house: str, market: str, load_day: int, count: int) -> list[_Harvested]:
        """`count` harvest lots from orchards registered for `market`, each received and maybe cooled."""
        orchards = [
            (commune, district, number)
            for commune, district, number, _, markets in ORCHARDS
            if DISTRICTS[district][1] == house and market in markets.split()
        ]
        days = range(load_day - 4, load_day - 1)
        picks = sorted(self.rng.sample([(d, o) for d in days for o in range(len(orchards))], count))
        variety = PRODUCTS[house][2]
        harvested = []
        for day, index in picks:
            commune, _, number = orchards[index]
            name = self.name("h")
            kg = float(round(self.rng.triangular(400, 2000, 700), -1))
            harvested_at = _at(day, 5) + self.minutes(0, 150)
            self.step(
                harvested_at,
                "harvest",
                name,
                {
                    "orchard_id": Ref(_orchard_key(commune, number)),
                    "commodity": "lychee",
                    "variety": variety,
                    "quantity": kg,
                    "unit": "kg",
                    "harvested_on": date(YEAR, 6, day),
                    "harvested_at": harvested_at,
                    "crew": f"HTX vải thiều {commune}",
                },
            )
            received = _half(kg * (1 - self.rng.uniform(0.005, 0.025)))
            received_at = harvested_at + self.minutes(90, 240)
            self.step(
                received_at,
                "receive",
                name,
                {
                    "location_id": Ref(house),
                    "received_at": received_at,
                    "quantity": received,
                    "unit": "kg",
                },
            )
            if self.rng.random() < 0.7:  # most lots go into the cold room on arrival
                cooled_at = received_at + self.minutes(30, 90)
                self.step(
                    cooled_at,
                    "cool",
                    name,
                    {
                        "location_id": Ref(house),
                        "cooled_at": cooled_at,
                        "temperature_c": round(self.rng.uniform(2.5, 5.0), 1),
                        "duration_h": float(self.rng.randint(8, 14)),
                    },
                )
            harvested.append(_Harvested(name, day, received, received_at))
        return harvested

    def inspect(self, lot: _Harvested, house: str, passed: bool) -> None:
        at = lot.received_at + self.minutes(120, 240)
        self.step(
            at,
            "inspect",
            lot.name,
            {
                "location_id": Ref(house),
                "inspected_at": at,
                "result": "pass" if passed else "fail",
                "kind": "phytosanitary",
                "notes": PASS_NOTES if passed else FAIL_NOTES,
            },
            by="inspector",
        )

    def treat(self, lot: _Harvested, house: str, market: str) -> None:
        """The market's treatment the morning after harvest, in one batch per house and day."""
        facility = TREATMENT_FOR[market]
        key = (facility, lot.day + 1, house)
        if key not in self.batches:
            number = 1 + sum(1 for f, d, _ in self.batches if (f, d) == key[:2])
            day = date(YEAR, 6, lot.day + 1)
            at = _at(lot.day + 1, 7) + self.minutes(0, 150)
            if facility == "fumigation":
                data = {
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
                data = {
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
            self.batches[key] = (at, data)
        at, data = self.batches[key]
        lot.treated_at = at
        self.step(at, "treat", lot.name, {"facility_id": Ref(facility), "treated_at": at, **data})

    def pack(self, house: str, harvested: list[_Harvested]) -> list[_Packed]:
        """Lots treated the same morning packed together, 1 to 3 at a time, into whole cartons."""
        gtin, _, _, net, _ = PRODUCTS[house]
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
                    for lot in group
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
                    {
                        "location_id": Ref(house),
                        "product_gtin": Ref(f"gtin-{house}"),
                        "inputs": inputs,
                        "cartons": cartons,
                        "packed_on": packed_at.date(),
                        "packed_at": packed_at,
                    },
                )
                packed.append(_Packed(name, cartons, packed_at))
        return packed

    def palletise(self, house: str, packed: list[_Packed]) -> list[str]:
        """Cartons onto pallets in packing order (a pallet may mix lots); a short rest stays."""
        fewest, most = PRODUCTS[house][4]
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
                {
                    "location_id": Ref(house),
                    "contents": [{"lot": Ref(lot.name), "cartons": n} for lot, n in contents],
                    "palletised_at": at,
                },
            )
            names.append(name)
        return names

    def ship(
        self,
        number: int,
        market: str,
        consignee: str,
        load_day: int,
        status: str,
        pallets: list[str],
    ) -> None:
        zone, owner, scac, days_at_sea = ROUTES[market]
        name = f"s{number}"
        container = f"{owner}{self.rng.randrange(10**6):06d}"
        self.phyto += self.rng.randint(40, 400)  # other exporters' certificates come between
        loaded_at = _at(load_day, 8) + self.minutes(0, 180)
        seal = f"{owner[:3]}{self.rng.randrange(10**6, 10**7)}"
        self.step(
            loaded_at,
            "load",
            name,
            {
                "exporter_id": Ref("exporter"),
                "consignee_id": Ref(consignee),
                "market": market,
                "container_no": container + iso6346.calc_check_digit(container),
                "seal_no": seal,
                "bill_of_lading": f"{scac}HPH{self.rng.randrange(10**7, 10**8)}",
                "phyto_certificate_no": f"VN-PC-{YEAR}-{self.phyto:06d}",
                "pallets": [Ref(p) for p in pallets],
                "loaded_at": loaded_at,
            },
        )
        if status == "loaded":
            return
        departed_at = _at(load_day, 19) + self.minutes(0, 180)
        self.step(
            departed_at, "depart", name, {"departed_at": departed_at, "port_id": Ref("hai-phong")}
        )
        if status == "departed":
            return
        landing = departed_at.date() + timedelta(days=days_at_sea)
        arrived_at = datetime.combine(landing, time(6), zone) + self.minutes(0, 360)
        condition = (
            f"Seal {seal} intact; pulp {self.rng.uniform(2.5, 4.5):.1f} °C; no decay or browning"
        )
        by = "tokyo-importer" if consignee == "tokyo" else "worker"
        self.step(
            arrived_at, "arrive", name, {"arrived_at": arrived_at, "condition": condition}, by=by
        )


def plan(seed: int = 2026) -> list[Step]:
    """The season's steps in the order they happened (pure: no database, same seed, same plan)."""
    season = _Season(seed)
    for number, (market, consignee, houses, load_day, status) in enumerate(SHIPMENTS, 1):
        pallets = []
        for position, (house, count) in enumerate(houses.items()):
            held = (number, house) == HELD
            harvested = season.harvest(house, market, load_day, count + int(held))
            if held:
                season.inspect(harvested.pop(season.rng.randrange(len(harvested))), house, False)
            if position == 0:
                season.inspect(season.rng.choice(harvested), house, True)
            for lot in harvested:
                season.treat(lot, house, market)
            pallets += season.palletise(house, season.pack(house, harvested))
        season.ship(number, market, consignee, load_day, status, pallets)
    return sorted(season.steps, key=lambda step: step.at)  # stable: plan order breaks ties


# --- writing ------------------------------------------------------------------------------------


def has_data(session: Session) -> bool:
    """Whether the database holds anything the demo would collide with (any location)."""
    return session.exec(select(Location.id).limit(1)).first() is not None


def _places(company_prefix: str) -> list[tuple[str, dict]]:
    """Every location's key and the data `masterdata.create_location` takes."""
    places = []
    for commune, district, number, export_code, markets in ORCHARDS:
        province, _ = DISTRICTS[district]
        domestic = f"VN-{_initials(province)}-{_initials(district)}-{_initials(commune)}"
        codes = [
            {
                "scheme": "PUC",
                "value": f"{domestic}-{number:02d}-{YEAR % 100}",
                "market": "VN",
                "status": "active",
                "issuer": f"Chi cục Trồng trọt và Bảo vệ thực vật {province}",
                "season": str(YEAR),
            }
        ]
        for market in markets.split():
            market, _, status = market.partition(":")
            codes.append(
                {
                    "scheme": "PUC",
                    "value": export_code,
                    "market": market,
                    "status": status or "active",
                    "issuer": EXPORT_ISSUER,
                    "season": str(YEAR),
                }
            )
        address = {"commune": commune, "district": district, "province": province, "country": "VN"}
        places.append(
            (
                _orchard_key(commune, number),
                {
                    "kind": "orchard",
                    "name": f"Vườn vải {commune} {number:02d}",
                    "address": address,
                    "codes": codes,
                },
            )
        )
    for key, name, commune, district, gln, phc, markets in PACKING_HOUSES:
        province, _ = DISTRICTS[district]
        places.append(
            (
                key,
                {
                    "kind": "packing_house",
                    "name": name,
                    "gln": _gs1_key(company_prefix, gln) if gln else None,
                    "address": {
                        "commune": commune,
                        "district": district,
                        "province": province,
                        "country": "VN",
                    },
                    "codes": [
                        {
                            "scheme": "PHC",
                            "value": phc,
                            "market": m,
                            "issuer": EXPORT_ISSUER,
                            "season": str(YEAR),
                        }
                        for m in markets.split()
                    ],
                },
            )
        )
    for key, name, district, province, tfc, markets in FACILITIES:
        places.append(
            (
                key,
                {
                    "kind": "treatment_facility",
                    "name": name,
                    "address": {"district": district, "province": province, "country": "VN"},
                    "codes": [
                        {
                            "scheme": "TFC",
                            "value": tfc,
                            "market": m,
                            "issuer": EXPORT_ISSUER,
                            "season": str(YEAR),
                        }
                        for m in markets.split()
                    ],
                },
            )
        )
    for key, kind, name, address, gln in PARTIES:
        data = {"kind": kind, "name": name, "address": dict(address)}
        if gln:
            data["gln"] = _gs1_key(company_prefix, gln)
        places.append((key, data))
    return places


def _resolve(value, names: dict):
    if isinstance(value, Ref):
        return names[value]
    if isinstance(value, dict):
        return {k: _resolve(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, names) for v in value]
    return value


def _write(session: Session, step: Step, actor: User, names: dict, gs1: tuple[str, int]) -> None:
    """Call the step's use case; remember the code or id of what it created under its name."""
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
        case "pack":
            names[step.name] = packing.pack(session, actor, data).code
        case "palletise":
            names[step.name] = packing.palletise(session, actor, data, *gs1).sscc
        case "load":
            names[step.name] = shipments.create(session, actor, data).id
        case "depart":
            shipments.depart(session, actor, names[step.name], data)
        case "arrive":
            shipments.arrive(session, actor, names[step.name], data)
        case _:  # pragma: no cover - plan() makes only the kinds above
            raise ValueError(f"unknown step kind {step.kind!r}")


def load(session: Session, company_prefix: str, extension_digit: int, seed: int = 2026) -> str:
    """Write the demo season into an empty database; answer a summary with the users' tokens."""
    names: dict = {}
    for key, data in _places(company_prefix):
        names[key] = masterdata.create_location(session, data).id
    for house, (reference, label, variety, net, _) in PRODUCTS.items():
        gtin = "0" + _gs1_key(company_prefix, reference)
        product = masterdata.create_product(
            session,
            {
                "gtin": gtin,
                "name": label,
                "commodity": "lychee",
                "variety": variety,
                "unit": "kg",
                "net_weight_kg": net,
            },
        )
        names[f"gtin-{house}"] = product.gtin
    actors, tokens = {}, []
    for name, role, place in USERS:
        actors[name], token = users.create(session, name, role, names[place] if place else None)
        tokens.append((name, role, token))
    for step in plan(seed):
        _write(session, step, actors[step.by], names, (company_prefix, extension_digit))
    return _summary(session, seed, tokens)


def _count(session: Session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def _summary(session: Session, seed: int, tokens: list[tuple[str, str, str]]) -> str:
    kinds = session.exec(
        select(Location.kind, func.count()).group_by(Location.kind).order_by(Location.kind)
    ).all()
    markets = session.exec(
        select(Shipment.market, func.count()).group_by(Shipment.market).order_by(Shipment.market)
    ).all()
    statuses = dict(session.exec(select(Shipment.status, func.count()).group_by(Shipment.status)))
    rows = [
        f"Demo season loaded (seed {seed}): lychee from Thanh Hà and Lục Ngạn, June {YEAR}",
        f"  locations  {_count(session, Location)} ("
        + ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in kinds)
        + ")",
        f"  products   {_count(session, Product)}",
        f"  lots       {_count(session, Lot, Lot.kind == 'harvest')} harvest "
        f"({_count(session, Lot, Lot.on_hold)} on hold), "
        f"{_count(session, Lot, Lot.kind == 'packed')} packed",
        f"  pallets    {_count(session, Pallet)}",
        f"  shipments  {_count(session, Shipment)} ("
        + ", ".join(f"{market} {n}" for market, n in markets)
        + "; "
        + ", ".join(
            f"{statuses.get(status, 0)} {label}"
            for status, label in (
                ("arrived", "arrived"),
                ("departed", "at sea"),
                ("loaded", "loading"),
            )
        )
        + ")",
        f"  events     {_count(session, Event)}",
        "demo API tokens (name role token; shown once):",
        *(f"  {name:<15} {role:<10} {token}" for name, role, token in tokens),
    ]
    return "\n".join(rows)
