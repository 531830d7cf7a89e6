"""Season generator: a lychee season of any size, the same for the same seed, written through
the product's bulk path into SQLite or PostgreSQL.

    .venv/bin/python bench/season.py                                  # laptop: about 5,000 events
    .venv/bin/python bench/season.py --scale province --output /tmp/season.db       # 1,000,000
    .venv/bin/python bench/season.py --events 200000 --seed 7 --database-url postgresql://…/empty

The season grows one packing at a time. A packing takes two or three harvest lots of orchards
of the district (each harvested, received at a packing house, cooled, inspected, fumigated),
and now and then the rest of the lot the packing before it shared; it makes a packed lot of
5 kg cartons (one TransformationEvent naming every input) with its carton label job (serials
per GTIN). Cartons go onto pallets of 100 in packing order, so a pallet may carry the end of one
lot and the start of the next; pallets go ten to a shipment for an importer (loaded, shipped,
arrived; the last ones of the season still at sea, the very last pallets still on hand). One
harvest lot in a hundred fails its inspection and stays on hold, never packed.

How it is written: places, the product and a user through the services; then, in transactions
of about 20,000 events under the chain lock, the state rows (lots, shipments, pallets, their
contents, label jobs), the events and their `event_ref` rows (which lots, pallets and shipments
each names: "lot:12", "pallet:3", "shipment:5") and `edge` rows (the trace graph), through
trace/services/common.py's `append_events` and `bulk_insert`, the path EPCIS capture takes: ids
after the newest event, each hash chained to the one before (so `verify` accepts the season),
COPY on PostgreSQL, executemany on SQLite. Counters (lot numbers, SSCCs, carton serials) end
where the services will carry on.

With a cache folder (`--cache DIR`, or TRACE_SEASON_CACHE in the environment: `make bench` sets
one for its run) a season generated into SQLite is kept there by seed, size and a fingerprint
of this file and the migrations, and the next request for the same season into an empty SQLite
database is a copy: bench/lookup.py and bench/trace.py share one 1,000,000-event season.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from trace.db import migrate  # noqa: E402
from trace.db.engine import make_engine  # noqa: E402
from trace.domain.events import KINDS  # noqa: E402
from trace.gs1 import Sscc, check_digit  # noqa: E402
from trace.services import masterdata, users  # noqa: E402
from trace.services.common import (  # noqa: E402
    append_events,
    bulk_insert,
    lock_chain,
    next_value,
    unit_of_work,
)

SCALES = {"laptop": 5_000, "district": 100_000, "province": 1_000_000, "region": 3_000_000}
PREFIX = "8931234"
GTIN = "0" + PREFIX + "00011" + check_digit(PREFIX + "00011")
CARTON_KG = 5
PALLET_CARTONS = 100
PALLETS_PER_SHIPMENT = 10
DAY0 = datetime(2026, 5, 25, tzinfo=UTC)  # the first harvest day (07:00 in Vietnam)
SEASON_DAYS = 56  # late May to mid July
VN = "+07:00"
CHUNK = 20_000  # events per transaction

COLUMNS = {
    "lot": (
        "id", "code", "kind", "product_id", "commodity", "variety", "orchard_id", "location_id",
        "unit", "quantity", "received", "used", "cartons", "cartons_palletised", "produced_on",
        "on_hold", "created_at",
    ),
    "shipment": (
        "id", "exporter_id", "consignee_id", "market", "container_no", "seal_no",
        "bill_of_lading", "phyto_certificate_no", "status", "departed_at", "arrived_at",
        "created_at",
    ),
    "pallet": ("id", "sscc", "location_id", "shipment_id", "cartons", "created_at"),
    "pallet_content": ("pallet_id", "lot_id", "cartons"),
    "label_job": (
        "kind", "product_id", "lot_id", "pallet_id", "size", "format", "count", "serial_first",
        "serial_last", "reprint", "user_id", "created_at",
    ),
}  # fmt: skip
ORDER = tuple(COLUMNS)  # parents before children (foreign keys)


# --- master data, through the services ---------------------------------------------------------


def _master(session: Session, orchards: int) -> dict:
    def place(kind: str, name: str, province: str, scheme: str | None = None, value: str = ""):
        codes = (
            [{"scheme": scheme, "value": value, "market": "JP", "status": "active"}]
            if scheme
            else []
        )
        return masterdata.create_location(
            session,
            {"kind": kind, "name": name, "address": {"province": province}, "codes": codes},
        ).id

    communes = ["Thanh Quang", "Thanh Sơn", "Thanh Xá", "Hồng Giang", "Phượng Sơn", "Quý Sơn"]
    ids: dict = {"orchards": []}
    for i in range(1, orchards + 1):
        province = "Hải Dương" if i % 3 else "Bắc Giang"
        district = "Thanh Hà" if province == "Hải Dương" else "Lục Ngạn"
        ids["orchards"].append(
            masterdata.create_location(
                session,
                {
                    "kind": "orchard",
                    "name": f"Vườn vải số {i}",
                    "address": {
                        "commune": communes[i % len(communes)],
                        "district": district,
                        "province": province,
                    },
                    "codes": [
                        {
                            "scheme": "PUC",
                            "value": f"VN-{'HDTH' if i % 3 else 'BGLN'}-{i:04d}",
                            "market": "JP",
                            "status": "active",
                        }
                    ],
                },
            ).id
        )
    ids["houses"] = [
        place("packing_house", f"Nhà đóng gói số {i}", "Hải Dương", "PHC", f"VN-PHC-{i:02d}")
        for i in range(1, max(2, orchards // 100) + 1)
    ]
    ids["facilities"] = [
        place("treatment_facility", "Hà Nội Fumigation Centre", "Hà Nội", "TFC", "VN-TFC-01"),
        place("treatment_facility", "Bắc Giang Vapour Heat", "Bắc Giang", "TFC", "VN-TFC-02"),
    ]
    ids["exporters"] = [
        place("exporter", "Hải Dương Agri Export JSC", "Hải Dương"),
        place("exporter", "Bắc Giang Fruit Export Co.", "Bắc Giang"),
    ]
    ids["importers"] = [
        place("importer", "Tokyo Fresh Trading KK", "Tokyo"),
        place("importer", "Osaka Produce KK", "Osaka"),
        place("importer", "Nagoya Fruits Co.", "Aichi"),
    ]
    ids["port"] = place("port", "Cảng Hải Phòng", "Hải Phòng")
    product = masterdata.create_product(
        session,
        {
            "gtin": GTIN,
            "name": {"vi": "Vải thiều Thanh Hà", "en": "Thanh Ha lychee", "ja": "タンハー・ライチ"},
            "commodity": "lychee",
            "variety": "Thanh Hà",
            "unit": "kg",
            "net_weight_kg": CARTON_KG,
        },
    )
    ids["product"] = product.id
    ids["user"] = users.create(session, "season", "worker")[0].id
    return ids


def _letter_values() -> dict[str, int]:
    """ISO 6346's values of letters: A=10, B=12, … skipping multiples of 11."""
    values, value = {}, 10
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        value += value % 11 == 0
        values[letter] = value
        value += 1
    return values


_LETTERS = _letter_values()


def container_no(serial: int) -> str:
    """An ISO 6346 container number of owner MSCU, its check digit computed."""
    body = f"MSCU{serial % 1_000_000:06d}"
    values = [_LETTERS[c] if c.isalpha() else int(c) for c in body]
    return body + str(sum(v << i for i, v in enumerate(values)) % 11 % 10)


# --- the season --------------------------------------------------------------------------------


class _Writer:
    """Rows for one transaction; `flush` writes them through the product's bulk path."""

    def __init__(self, engine, user_id: int, bar: _Progress):
        self.engine, self.user_id, self.bar = engine, user_id, bar
        self.rows: dict[str, list[tuple]] = {table: [] for table in ORDER}
        self.events: list[dict] = []
        self.refs: list[tuple[int, str]] = []  # (index in self.events, node)
        self.edges: list[tuple[int, str, str, float, str]] = []
        self.written = 0

    def add(self, table: str, *row) -> None:
        self.rows[table].append(row)

    def event(self, kind, when, place, data, refs, edges=(), rng=None, disposition=None) -> None:
        shape = KINDS[kind]
        index = len(self.events)
        self.events.append(
            {
                "event_id": f"urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}",
                "type": kind,
                "epcis_type": shape.epcis_type,
                "action": shape.action,
                "biz_step": shape.biz_step,
                "disposition": disposition or shape.disposition,
                "event_time": when,
                "tz_offset": VN,
                "record_time": when + timedelta(minutes=7),  # a tablet's sync
                "read_point_id": place,
                "biz_location_id": place,
                "data": data,
                "corrects_id": None,
                "user_id": self.user_id,
            }
        )
        self.refs.extend((index, ref) for ref in dict.fromkeys(refs))
        self.edges.extend((index, *edge) for edge in edges)

    def flush(self) -> None:
        with Session(self.engine) as session, unit_of_work(session):
            head = lock_chain(session)
            for table in ORDER:
                bulk_insert(session, table, COLUMNS[table], self.rows[table])
            ids = append_events(session, head, self.events)
            bulk_insert(
                session, "event_ref", ("event_id", "node"), [(ids[i], n) for i, n in self.refs]
            )
            bulk_insert(
                session,
                "edge",
                ("src", "dst", "event_id", "quantity", "uom"),
                [(src, dst, ids[i], q, uom) for i, src, dst, q, uom in self.edges],
            )
        self.written += len(self.events)
        self.bar.update(self.written)
        self.rows = {table: [] for table in ORDER}
        self.events, self.refs, self.edges = [], [], []


class _Progress:
    """tqdm's look without tqdm: a bar on a terminal, a line every tenth otherwise."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.enabled = total, enabled
        self.start = time.perf_counter()
        self.tty = sys.stderr.isatty()
        self.shown = -1

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        share = min(done / self.total, 1.0)
        seconds = time.perf_counter() - self.start
        rate = done / seconds if seconds else 0
        if self.tty:
            filled = int(share * 30)
            sys.stderr.write(
                f"\rseason {share:4.0%} |{'█' * filled}{' ' * (30 - filled)}| "
                f"{done:,}/{self.total:,} events [{seconds:.0f}s, {rate:,.0f} events/s]"
            )
        elif int(share * 10) > self.shown:
            self.shown = int(share * 10)
            sys.stderr.write(f"season {share:.0%}: {done:,} events, {seconds:.0f} s\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.tty:
            sys.stderr.write("\n")


def _lot(w: _Writer, ident, code, kind, product, orchard, where, quantity, received, used,
         cartons, day: date, held, created) -> None:  # fmt: skip
    w.add("lot", ident, code, kind, product, "lychee", "Thanh Hà", orchard, where, "kg",
          quantity, received, used, cartons, cartons or 0, day.isoformat(), held, created)  # fmt: skip


def _generate(engine, target: int, seed: int, progress: bool) -> dict:
    rng = random.Random(seed)
    orchards = max(20, min(2000, target // 2500))
    with Session(engine, expire_on_commit=False) as session:
        if session.execute(text("SELECT count(*) FROM lot")).scalar_one():
            raise SystemExit("the season generator writes into an empty database")
        ids = _master(session, orchards)
    with engine.connect() as connection:
        start = {
            t: connection.execute(text(f"SELECT coalesce(max(id), 0) FROM {t}")).scalar_one()
            for t in ("lot", "pallet", "shipment")
        }
    bar = _Progress(target, progress)
    w = _Writer(engine, ids["user"], bar)
    n = {"lot": start["lot"], "pallet": start["pallet"], "shipment": start["shipment"],
         "serial": 0, "container": rng.randrange(100_000, 900_000)}  # fmt: skip
    # Each orchard sends its fruit to one packing house, which packs what it received.
    orchards_of = {h: ids["orchards"][i :: len(ids["houses"])] for i, h in enumerate(ids["houses"])}
    open_pallets: dict[int, list] = {}  # house → [(lot id, code, cartons)]
    closed: list[tuple] = []  # pallets waiting for a shipment: (id, sscc, house, contents, when)
    made: dict[str, list] = {"cartons": [], "harvest": [], "shipments": []}
    carry: dict[int, tuple] = {}  # house → (lot id, code, kg): a lot's rest, for its next packing
    produced = 0  # events so far

    def now_day() -> datetime:
        return DAY0 + timedelta(days=int(SEASON_DAYS * min(produced / target, 0.999)))

    def emit(*args, **kwargs) -> None:
        nonlocal produced
        w.event(*args, rng=rng, **kwargs)
        produced += 1

    def close_pallet(house: int, when: datetime) -> None:
        contents = open_pallets.pop(house)
        n["pallet"] += 1
        pallet = n["pallet"]
        sscc = str(Sscc.build(0, PREFIX, pallet))
        an = f"pallet:{pallet}"
        emit("palletise", when, house,
             {"parent": sscc, "children": [{"lot": c, "quantity": k, "uom": "CT"} for _, c, k in contents]},
             [an, *(f"lot:{i}" for i, _, _ in contents)],
             [(f"lot:{i}", an, float(k), "CT") for i, _, k in contents])  # fmt: skip
        closed.append((pallet, sscc, house, contents, when))
        if len(closed) == PALLETS_PER_SHIPMENT:
            ship(closed[:], when + timedelta(hours=9))
            closed.clear()

    def ship(pallets: list[tuple], loaded: datetime) -> None:
        n["shipment"] += 1
        n["container"] += 1
        shipment = n["shipment"]
        exporter, consignee = rng.choice(ids["exporters"]), rng.choice(ids["importers"])
        at_sea = produced > 0.98 * target  # the season's last containers have not arrived
        departed = loaded + timedelta(hours=8)
        arrived = None if at_sea else departed + timedelta(days=rng.randint(5, 8))
        container, bol = container_no(n["container"]), f"HPHTYO{shipment:07d}"
        phyto = f"VN-PC-{shipment:08d}"
        w.add("shipment", shipment, exporter, consignee, "JP", container, f"SL{shipment:07d}",
              bol, phyto, "departed" if at_sea else "arrived", departed, arrived, loaded)  # fmt: skip
        lots = []
        for pallet, sscc, house, contents, when in pallets:
            cartons = sum(k for _, _, k in contents)
            w.add("pallet", pallet, sscc, house, shipment, cartons, when)
            for lot, _, k in contents:
                w.add("pallet_content", pallet, lot, k)
                lots.append(lot)
        sn = f"shipment:{shipment}"
        refs = [sn, *(f"pallet:{p[0]}" for p in pallets), *(f"lot:{i}" for i in lots)]
        places = sorted({p[2] for p in pallets})
        parties = {
            "sources": [{"type": "owning_party", "location_id": exporter}],
            "destinations": [{"type": "owning_party", "location_id": consignee}],
            "biz_transactions": [{"type": "bol", "id": bol}, {"type": "cert", "id": phyto}],
        }
        emit("load", loaded, places[0] if len(places) == 1 else None,
             {"sources": [{"type": "location", "location_id": i} for i in places],
              "shipment_id": shipment, "pallets": [p[1] for p in pallets], "market": "JP",
              "container_no": container}, refs,
             [(f"pallet:{p[0]}", sn, float(sum(k for _, _, k in p[3])), "CT") for p in pallets])  # fmt: skip
        emit("ship", departed, ids["port"],
             {"shipment_id": shipment, "market": "JP", "container_no": container,
              "seal_no": f"SL{shipment:07d}", **parties}, refs)  # fmt: skip
        if arrived:
            emit("arrive", arrived, consignee,
                 {"shipment_id": shipment, "condition": "good", **parties}, refs)  # fmt: skip
        made["shipments"].append(shipment)

    def harvest_lot(day: datetime, house: int, held: bool) -> tuple[int, str, float]:
        n["lot"] += 1
        lot = n["lot"]
        orchard = rng.choice(orchards_of[house])
        code = f"H{day:%y%m%d}-{lot:04d}"
        kg = float(rng.randrange(300, 1500, 10))
        harvested = day + timedelta(hours=rng.randint(0, 3))  # 07:00–10:00 in Vietnam
        hn = f"lot:{lot}"
        qty = [{"lot": code, "quantity": kg, "uom": "KGM"}]
        _lot(w, lot, code, "harvest", None, orchard, house, kg, kg, 0.0 if held else kg, None,
             harvested.date(), held, harvested)  # fmt: skip
        emit("harvest", harvested, orchard,
             {"quantities": qty, "ilmd": {"commodity": "lychee", "variety": "Thanh Hà",
                                          "harvested_on": day.date().isoformat(),
                                          "crew": f"Tổ {rng.randint(1, 9)}"}},
             [hn], [(f"location:{orchard}", hn, kg, "KGM")])  # fmt: skip
        received = harvested + timedelta(hours=3)
        emit("receive", received, house,
             {"quantities": qty, "sources": [{"type": "location", "location_id": orchard}],
              "destinations": [{"type": "location", "location_id": house}], "quantity": kg}, [hn])  # fmt: skip
        emit("cool", received + timedelta(hours=1), house,
             {"quantities": [{"lot": code, "uom": "KGM"}], "temperature_c": 4.0, "duration_h": 6},
             [hn])  # fmt: skip
        emit("inspect", received + timedelta(hours=3), house,
             {"quantities": [{"lot": code, "uom": "KGM"}], "result": "fail" if held else "pass",
              "kind": "phytosanitary", "notes": "Sâu đục cuống" if held else "Mẫu 200 quả đạt"},
             [hn], disposition="non_conformant" if held else "conformant")  # fmt: skip
        if not held:
            facility = rng.choice(ids["facilities"])
            certificate = f"FUM-{lot:08d}"
            emit("treat", received + timedelta(hours=14), facility,
                 {"quantities": [{"lot": code, "uom": "KGM"}], "method": "fumigation",
                  "batch_no": f"B{lot:07d}", "certificate_no": certificate,
                  "parameters": {"dose_g_m3": 32, "hours": 2},
                  "biz_transactions": [{"type": "cert", "id": certificate}]}, [hn])  # fmt: skip
        return lot, code, kg

    while produced < target:
        day = now_day()
        house = rng.choice(ids["houses"])
        inputs = [carry.pop(house)] if house in carry else []
        count = rng.choice((2, 2, 3))
        for k in range(count):
            while rng.random() < 0.01:  # failed its inspection: on hold, never packed
                harvest_lot(day, house, held=True)
            lot, code, kg = harvest_lot(day, house, held=False)
            made["harvest"].append((lot, code))
            if k == count - 1 and rng.random() < 0.25:  # half of it goes to the next packing
                carry[house] = (lot, code, kg / 2)
                kg -= kg / 2
            inputs.append((lot, code, kg))
        packed_at = day + timedelta(days=1, hours=rng.randint(6, 10))  # 13:00–17:00 local
        total = sum(kg for _, _, kg in inputs)
        cartons = int(total * 0.92 // CARTON_KG)
        n["lot"] += 1
        packed = n["lot"]
        p = f"P{packed_at:%y%m%d}-{packed:04d}"
        pn = f"lot:{packed}"
        _lot(w, packed, p, "packed", ids["product"], None, house, cartons * float(CARTON_KG), 0.0,
             0.0, cartons, packed_at.date(), False, packed_at)  # fmt: skip
        emit("pack", packed_at, house,
             {"inputs": [{"lot": c, "quantity": kg, "uom": "KGM"} for _, c, kg in inputs],
              "outputs": [{"lot": p, "gtin": GTIN, "quantity": cartons, "uom": "CT"}],
              "net_weight_kg": cartons * float(CARTON_KG), "packed_on": packed_at.date().isoformat()},
             [pn, *(f"lot:{i}" for i, _, _ in inputs)],
             [(f"lot:{i}", pn, kg, "KGM") for i, _, kg in inputs])  # fmt: skip
        w.add("label_job", "carton", ids["product"], packed, None, "100x150", "pdf", cartons,
              n["serial"] + 1, n["serial"] + cartons, False, ids["user"],
              packed_at + timedelta(minutes=20))  # fmt: skip
        made["cartons"].append((p, n["serial"] + 1, cartons))
        n["serial"] += cartons
        left, when = cartons, packed_at + timedelta(hours=1)
        while left:
            on = open_pallets.setdefault(house, [])
            room = PALLET_CARTONS - sum(k for _, _, k in on)
            k = min(room, left)
            on.append((packed, p, k))
            left -= k
            if k == room:
                close_pallet(house, when)
                when += timedelta(minutes=20)
        if len(w.events) >= CHUNK:
            w.flush()
    for house in sorted(open_pallets):  # the season's end: part pallets, on hand
        close_pallet(house, now_day() + timedelta(days=2))
    for pallet, sscc, house, contents, when in closed:
        w.add("pallet", pallet, sscc, house, None, sum(k for _, _, k in contents), when)
        for lot, _, k in contents:
            w.add("pallet_content", pallet, lot, k)
    w.flush()
    bar.close()
    with Session(engine) as session, unit_of_work(session):
        lock_chain(session)  # the services carry on after the season's numbers
        next_value(session, "lot", n["lot"] - start["lot"])
        next_value(session, "sscc", n["pallet"] - start["pallet"])
        next_value(session, f"serial:{ids['product']}", n["serial"])
        if engine.dialect.name == "postgresql":  # ids were given: move the sequences past them
            for table in ("lot", "pallet", "shipment"):
                session.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), :n)"),
                    {"n": max(n[table], 1)},
                )
    if engine.dialect.name == "postgresql":  # as autovacuum would, after so many new rows
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    with engine.connect() as connection:
        counts = {
            t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("event", "event_ref", "edge", "lot", "pallet", "shipment", "label_job")
        }
    samples = []
    for code, first, cartons in rng.sample(made["cartons"], min(1000, len(made["cartons"]))):
        serial = first + rng.randrange(cartons)
        samples.append({"lot": code, "serial": serial, "first": first, "last": first + cartons - 1})
    return {
        "seed": seed,
        "target": target,
        "counts": counts,
        # Lot pages and cartons for bench/lookup.py: {"lot": packed lot code, "serial": n, and
        # the lot's cartons "first"…"last"}.
        "samples": samples,
        # Starts for bench/trace.py: shipments (but the season's last five), harvest lots that
        # were packed.
        "shipments": rng.sample(
            made["shipments"][:-5], min(1000, max(len(made["shipments"]) - 5, 0))
        ),
        "harvest": [
            {"id": i, "code": c}
            for i, c in rng.sample(made["harvest"], min(1000, len(made["harvest"])))
        ],
    }


# --- the cache of generated SQLite seasons -----------------------------------------------------


def _fingerprint() -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _cached(folder: str | os.PathLike | bool | None, target: int, seed: int) -> Path | None:
    if folder is False:
        return None
    folder = folder if folder is not None else os.environ.get("TRACE_SEASON_CACHE")
    if not folder:
        return None
    return Path(folder) / f"season-{seed}-{target}-{_fingerprint()}.db"


def generate(
    engine,
    target_events: int,
    seed: int = 2026,
    progress: bool = True,
    cache: str | os.PathLike | bool | None = None,
) -> dict:
    """Fill an empty, migrated database with a season of about `target_events` events.

    Returns `counts` (rows per table), `seconds` (how long generating took), `samples` (1,000
    random cartons: packed lot code and serial), `shipments` (ids) and `harvest` (lot ids and
    codes) to start traces from. An SQLite season is taken from, or kept in, the cache folder
    (`cache`, else TRACE_SEASON_CACHE; `False`: none) when there is one; `cached` says it was
    copied.
    """
    kept = _cached(cache, target_events, seed) if engine.dialect.name == "sqlite" else None
    if kept and kept.exists() and kept.with_suffix(".json").exists():
        start = time.perf_counter()
        made = json.loads(kept.with_suffix(".json").read_text())
        source = sqlite3.connect(kept)
        target = engine.raw_connection()
        try:
            source.backup(target.driver_connection)
        finally:
            target.close()
            source.close()
        engine.dispose()
        made["cached"] = True
        made["copied_in"] = time.perf_counter() - start
        return made
    start = time.perf_counter()
    made = _generate(engine, target_events, seed, progress)
    made["seconds"] = time.perf_counter() - start
    made["cached"] = False
    if kept:
        kept.parent.mkdir(parents=True, exist_ok=True)
        for old in kept.parent.glob("season-*"):  # one season kept at a time: they are big
            old.unlink()
        partial = kept.with_suffix(f".{os.getpid()}.part")
        source = engine.raw_connection()
        copy = sqlite3.connect(partial)
        try:
            source.driver_connection.backup(copy)
        finally:
            copy.close()
            source.close()
        kept.with_suffix(".json").write_text(json.dumps(made))
        partial.rename(kept)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--scale", choices=SCALES, default="laptop",
                      help=", ".join(f"{k}: {v:,} events" for k, v in SCALES.items()))  # fmt: skip
    size.add_argument("--events", type=int, help="about this many events (overrides --scale)")
    parser.add_argument("--seed", type=int, default=2026)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database-url", help="an empty database (migrated here if need be)")
    where.add_argument("--output", help="an SQLite file to create (default: in a temp folder)")
    parser.add_argument("--cache", help="a folder keeping generated SQLite seasons")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args()
    events = args.events or SCALES[args.scale]
    if args.database_url:
        url = args.database_url
    else:
        path = Path(args.output or Path(tempfile.mkdtemp(prefix="trace-season-")) / "season.db")
        if path.exists():
            raise SystemExit(f"{path} exists: the season goes into a new database")
        url = f"sqlite:///{path}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    made = generate(engine, events, args.seed, not args.quiet, args.cache)
    engine.dispose()
    how = "copied from the cache" if made["cached"] else f"generated in {made['seconds']:.1f} s"
    print(f"{url}: {', '.join(f'{v:,} {k}' for k, v in made['counts'].items())}; {how}")


if __name__ == "__main__":
    main()
