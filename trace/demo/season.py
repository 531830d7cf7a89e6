"""The demo season planned: `plan(seed)` decides every step without a database (the same seed
gives the same season)."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from stdnum import iso6346

from .data import (
    CARROT_SHIPMENTS,
    CARTONS,
    CHINA,
    COLD_ROOM,
    DISTRICTS,
    FAIL_NOTES,
    GACC_CODES,
    GATES,
    HELD,
    ORCHARDS,
    PASS_NOTES,
    ROUTES,
    SHIPMENTS,
    VIETNAM,
    YEAR,
    Orchard,
    orchard_key,
    treatment_for,
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

    def at_house(self, at: datetime, kind: str, name: str | None, house: str, **data) -> str:
        """A step at the packing house `house` on `name` (None: a new pallet's or packed lot's
        name, answered)."""
        name = name or self.name("pallet" if kind == "palletise" else "p")
        self.step(at, kind, name, location_id=Ref(house), **data)
        return name

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
                orchard_id=Ref(orchard_key(orchard)),
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
            self.at_house(
                received_at,
                "receive",
                name,
                house,
                received_at=received_at,
                quantity=received,
                unit="kg",
            )
            if self.rng.random() < 0.7:
                cooled_at = received_at + self.minutes(30, 90)
                self.at_house(
                    cooled_at,
                    "cool",
                    name,
                    house,
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
        self.step(at, "harvest", name, orchard_id=Ref(orchard_key(orchard)), commodity="carrot",
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
                name = self.at_house(
                    packed_at,
                    "pack",
                    None,
                    house,
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
            name = self.at_house(
                at,
                "palletise",
                None,
                house,
                contents=[{"lot": Ref(lot.name), "cartons": n} for lot, n in contents],
                palletised_at=at,
            )
            names.append(name)
        return names

    def load(self, at: datetime, name: str, consignee: str, market: str, pallets, **data) -> None:
        """The exporter's pallets loaded for `consignee` (`data`: the container, the truck, the
        documents)."""
        self.step(
            at,
            "load",
            name,
            exporter_id=Ref("exporter"),
            consignee_id=Ref(consignee),
            market=market,
            **data,
            pallets=[Ref(p) for p in pallets],
            loaded_at=at,
        )

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
        self.load(
            loaded_at,
            name,
            consignee,
            market,
            pallets,
            container_no=container + iso6346.calc_check_digit(container),
            seal_no=seal,
            bill_of_lading=f"{route.scac}HPH{self.rng.randrange(10**7, 10**8)}",
            phyto_certificate_no=f"VN-PC-{YEAR}-{self.phyto:06d}",
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
        self.load(
            loaded_at,
            name,
            consignee,
            "CN",
            pallets,
            conveyance="road",
            truck_plate=f"34C-{self.rng.randrange(100, 1000)}.{self.rng.randrange(10, 100)}",
            trailer_plate=f"34R-{self.rng.randrange(100, 1000)}.{self.rng.randrange(10, 100)}",
            border_gate=gate,
            container_no=container + iso6346.calc_check_digit(container),
            seal_no=f"{route.owner[:3]}{self.rng.randrange(10**6, 10**7)}",
            phyto_certificate_no=f"VN-PC-{YEAR}-{self.phyto:06d}",
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
        return orchard_key(orchard) in GACC_CODES
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
