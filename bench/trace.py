"""Benchmark: trace and recall on a season of 100,000 events (1,000,000 by hand), on SQLite and
PostgreSQL, against hand-written recursive SQL on the same database.

    make bench                                      # every benchmark; this one: 100,000 events
    .venv/bin/python bench/trace.py --events 1000000 --calls 100 --rounds 3   # by hand: 1,000,000
    .venv/bin/python bench/trace.py --databases postgresql --postgresql-url postgresql://…/empty

The season comes from bench/season.py (seed 2026; SQLite from its cache when bench/lookup.py
made it in the same `make bench`; PostgreSQL: a throwaway server from tests/pg.py unless
`--postgresql-url` names an empty database). From `--calls` random shipments (backward trace)
and as many random harvest lots (forward recall), each of these is timed per call, every start
in turn, `--rounds` times after a warm-up pass:

- the reference: a hand-written recursive SQL query returning the same edge rows as the graph
  walk (id, src, dst, event_id, quantity, uom; checked equal), through the database driver;
- the graph walk, trace/db/graph.py;
- the service call (`tracing.trace` backward from the shipment; `tracing.recall` from the lot),
  its answer kept since the warm-up (the chain head has not moved): one statement reads the head;
- the same service call read anew, nothing kept (`tracing.trace.build`, `tracing.recall.build`):
  the answer's first asking, or the first after anything was recorded;
- the same rows as the service call by hand: the least SQL an answer needs (the code resolved,
  the walk, the nodes' rows, the events), through the driver, no objects built;
- the HTTP endpoint, in-process (Flask's test client, an inspector's token):
  GET /api/v1/trace/<shipment>?direction=backward and GET /api/v1/recall/<lot>.

Results: docs/benchmarks.md, section trace.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench.report import section, write_section  # noqa: E402
from bench.season import generate  # noqa: E402
from trace.app import create_app  # noqa: E402
from trace.db import migrate  # noqa: E402
from trace.db.engine import make_engine  # noqa: E402
from trace.db.graph import walk  # noqa: E402
from trace.services import tracing, users  # noqa: E402

TARGET_RATIO, TARGET_P50_MS = 2.0, 25.0
BY_HAND = ".venv/bin/python bench/trace.py --events 1000000 --calls 100 --rounds 3"
WALK_SQL = """
WITH RECURSIVE reach(id, src, dst, event_id, quantity, uom) AS (
    SELECT id, src, dst, event_id, quantity, uom FROM edge WHERE {near} = {mark}
    UNION
    SELECT e.id, e.src, e.dst, e.event_id, e.quantity, e.uom
    FROM edge e JOIN reach r ON e.{near} = r.{far}
) SELECT id, src, dst, event_id, quantity, uom FROM reach ORDER BY id
"""
EVENT_COLUMNS = (
    "id, event_id, type, epcis_type, action, biz_step, disposition, event_time, tz_offset, "
    "record_time, read_point_id, biz_location_id, data, corrects_id, user_id, prev_hash, hash"
)


class ByHand:
    """The rows each answer needs, in hand-written SQL through the driver's cursor."""

    def __init__(self, engine):
        self.raw = engine.raw_connection()
        self.mark = "?" if engine.dialect.name == "sqlite" else "%s"
        self.backward = WALK_SQL.format(near="dst", far="src", mark=self.mark)
        self.forward = WALK_SQL.format(near="src", far="dst", mark=self.mark)

    def rows(self, sql: str, params=()) -> list[tuple]:
        cursor = self.raw.cursor()
        cursor.execute(sql, tuple(params))
        rows = cursor.fetchall()
        cursor.close()
        return rows

    def within(self, values) -> str:
        return "(" + ", ".join([self.mark] * len(values)) + ")" if values else "(NULL)"

    def walk(self, start: str, direction: str) -> list[tuple]:
        return self.rows(self.backward if direction == "backward" else self.forward, [start])

    def trace(self, shipment: int) -> dict:
        """Resolve, walk, the nodes' rows (places with their codes, lots, pallets, shipments)
        and every event naming a lot, pallet or shipment of the graph."""
        (found,) = self.rows(f"SELECT id FROM shipment WHERE id = {self.mark}", [shipment])
        start = f"shipment:{found[0]}"
        edges = self.walk(start, "backward")
        nodes = {start} | {e[1] for e in edges} | {e[2] for e in edges}
        ids: dict[str, list[int]] = {"location": [], "lot": [], "pallet": [], "shipment": []}
        for name in nodes:
            kind, _, ident = name.partition(":")
            ids[kind].append(int(ident))
        own = sorted(n for n in nodes if not n.startswith("location:"))
        return {
            "edges": edges,
            "places": self.rows(
                f"SELECT id, kind, name, address FROM location WHERE id IN "
                f"{self.within(ids['location'])}",
                ids["location"],
            ),
            "codes": self.rows(
                f"SELECT location_id, scheme, value, market, status FROM location_code "
                f"WHERE location_id IN {self.within(ids['location'])}",
                ids["location"],
            ),
            "lots": self.rows(
                f"SELECT id, kind, code, commodity, variety, quantity, unit, cartons, produced_on,"
                f" on_hold FROM lot WHERE id IN {self.within(ids['lot'])}",
                ids["lot"],
            ),
            "pallets": self.rows(
                f"SELECT id, sscc, cartons, shipment_id FROM pallet WHERE id IN "
                f"{self.within(ids['pallet'])}",
                ids["pallet"],
            ),
            "shipments": self.rows(
                f"SELECT id, market, container_no, status FROM shipment WHERE id IN "
                f"{self.within(ids['shipment'])}",
                ids["shipment"],
            ),
            "events": self.rows(
                f"SELECT {EVENT_COLUMNS} FROM event WHERE id IN (SELECT event_id FROM event_ref "
                f"WHERE node IN {self.within(own)}) ORDER BY event_time, id",
                own,
            ),
        }

    def recall(self, code: str) -> dict:
        """Resolve, walk forward, the lots, pallets, what of the lots each pallet holds, and
        the pallets' shipments with their consignee and exporter."""
        (found,) = self.rows(f"SELECT id FROM lot WHERE code = {self.mark}", [code])
        start = f"lot:{found[0]}"
        edges = self.walk(start, "forward")
        nodes = {start} | {e[2] for e in edges}
        lot_ids = [int(n[4:]) for n in nodes if n.startswith("lot:")]
        pallet_ids = [int(n[7:]) for n in nodes if n.startswith("pallet:")]
        pallets = self.rows(
            f"SELECT id, sscc, location_id, shipment_id FROM pallet WHERE id IN "
            f"{self.within(pallet_ids)} ORDER BY id",
            pallet_ids,
        )
        shipment_ids = sorted({p[3] for p in pallets if p[3] is not None})
        return {
            "edges": edges,
            "lots": self.rows(
                f"SELECT id, code, kind, quantity, unit, cartons, cartons_palletised, on_hold "
                f"FROM lot WHERE id IN {self.within(lot_ids)} ORDER BY code",
                lot_ids,
            ),
            "pallets": pallets,
            "contents": self.rows(
                f"SELECT pallet_id, lot_id, cartons FROM pallet_content WHERE pallet_id IN "
                f"{self.within(pallet_ids)} AND lot_id IN {self.within(lot_ids)}",
                [*pallet_ids, *lot_ids],
            ),
            "shipments": self.rows(
                "SELECT s.id, s.market, s.status, s.container_no, s.bill_of_lading, "
                "s.phyto_certificate_no, s.departed_at, s.arrived_at, c.id, c.name, c.address, "
                "x.id, x.name FROM shipment s JOIN location c ON c.id = s.consignee_id "
                f"JOIN location x ON x.id = s.exporter_id WHERE s.id IN "
                f"{self.within(shipment_ids)} ORDER BY s.id",
                shipment_ids,
            ),
        }

    def close(self) -> None:
        self.raw.close()


def throwaway_postgresql(folder: Path):
    """A throwaway PostgreSQL server (tests/pg.py) with an empty database; None without one."""
    from tests.pg import Server, bindir

    binaries = bindir()
    if binaries is None:
        return None, None
    server = Server(binaries)
    server.start()
    admin = make_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("CREATE DATABASE season"))
    admin.dispose()
    return server, server.url("season")


def _version(engine) -> str:
    if engine.dialect.name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with engine.connect() as connection:
        return "PostgreSQL " + connection.execute(text("SHOW server_version")).scalar_one()


def measure(url: str, made: dict, calls: int, rounds: int, folder: Path) -> dict:
    """Every way of answering, per call, on the same random starts."""
    engine = make_engine(url)
    app = create_app(
        {"TESTING": True, "DATABASE_URL": url, "INSTANCE_PATH": str(folder),
         "RATELIMIT_ENABLED": False}
    )  # fmt: skip
    with Session(engine) as session:
        token = users.create(session, f"bench-inspector-{os.getpid()}", "inspector")[1]
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    hand = ByHand(engine)
    session = Session(engine, expire_on_commit=False)

    def http(path: str):
        response = client.get(path, headers=auth)
        assert response.status_code == 200, (path, response.status_code)
        return response.get_data()

    shipments = made["shipments"][:calls]
    harvest = made["harvest"][:calls]
    ways = {
        "backward": {
            "sql": lambda s: hand.walk(f"shipment:{s}", "backward"),
            "walk": lambda s: walk(session, [f"shipment:{s}"], "backward"),
            "by_hand": lambda s: hand.trace(s),
            "service": lambda s: tracing.trace(session, str(s), "backward"),
            "anew": lambda s: tracing.trace.build(session, str(s), "backward"),
            "http": lambda s: http(f"/api/v1/trace/{s}?direction=backward"),
        },
        "forward": {
            "sql": lambda h: hand.walk(f"lot:{h['id']}", "forward"),
            "walk": lambda h: walk(session, [f"lot:{h['id']}"], "forward"),
            "by_hand": lambda h: hand.recall(h["code"]),
            "service": lambda h: tracing.recall(session, h["code"]),
            "anew": lambda h: tracing.recall.build(session, h["code"]),
            "http": lambda h: http(f"/api/v1/recall/{h['code']}"),
        },
    }
    starts = {"backward": shipments, "forward": harvest}
    sizes: dict[str, list] = {"backward": [], "forward": []}
    # The warm-up pass checks that each way answers with the same rows.
    for start in shipments:
        reference = hand.walk(f"shipment:{start}", "backward")
        assert [tuple(r) for r in walk(session, [f"shipment:{start}"], "backward")] == reference
        answer, rows = tracing.trace(session, str(start), "backward"), hand.trace(start)
        assert len(answer["events"]) == len(rows["events"]), start
        assert len(answer["edges"]) == len(rows["edges"]), start
        sizes["backward"].append((len(answer["edges"]), len(answer["events"])))
        session.expunge_all()
        http(f"/api/v1/trace/{start}?direction=backward")
    for start in harvest:
        reference = hand.walk(f"lot:{start['id']}", "forward")
        assert [tuple(r) for r in walk(session, [f"lot:{start['id']}"], "forward")] == reference
        answer, rows = tracing.recall(session, start["code"]), hand.recall(start["code"])
        assert len(answer["shipments"]) == len(rows["shipments"]), start
        assert len(answer["lots"]) == len(rows["lots"]), start
        sizes["forward"].append((len(reference), answer["totals"]["shipments"]))
        session.expunge_all()
        http(f"/api/v1/recall/{start['code']}")
    times: dict = {d: {w: [[] for _ in range(rounds)] for w in ways[d]} for d in ways}
    for round_ in range(rounds):
        for direction, by_way in ways.items():
            for start in starts[direction]:
                for way, call in by_way.items():
                    began = time.perf_counter()
                    call(start)
                    times[direction][way][round_].append((time.perf_counter() - began) * 1000)
                    session.expunge_all()
    version = _version(engine)
    session.close()
    hand.close()
    engine.dispose()
    app.extensions["trace.engine"].dispose()
    return {"times": times, "sizes": sizes, "version": version}


def _median(values) -> float:
    return statistics.median(values)


def _all(per_round: list[list[float]]) -> list[float]:
    return [v for r in per_round for v in r]


def _cell(per_round: list[list[float]]) -> str:
    """The median of every call, and how far the rounds' medians stray from it."""
    every = [v for r in per_round for v in r]
    middle = _median(every)
    medians = [_median(r) for r in per_round]
    spread = (max(medians) - min(medians)) / 2 / middle * 100
    return f"{middle:.2f} ms ±{spread:.0f}%"


def _p(per_round: list[list[float]], share: float) -> float:
    every = sorted(v for r in per_round for v in r)
    return every[min(len(every) - 1, int(len(every) * share))]


def _verdict(ok: bool) -> str:
    return "met" if ok else "**NOT met**"


NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
DIRECTIONS = {
    "backward": ("backward trace from a shipment", "tracing.trace(…, 'backward')", "/trace"),
    "forward": ("forward recall from a harvest lot", "tracing.recall", "/recall"),
}
ROWS = [
    ("sql", "hand-written recursive SQL, the walk's rows, raw driver (**reference**)"),
    ("walk", "graph walk, trace/db/graph.py"),
    ("service", "service call `{what}`, answer kept (chain head unmoved)"),
    ("anew", "service call read anew, nothing kept (`{what}.build`)"),
    ("by_hand", "the service's rows by hand: SQL only, raw driver, no objects built"),
    ("http", "HTTP GET {path}/…, in-process"),
]


def figures(results: dict) -> dict:
    """Medians and ratios per database and direction."""
    out = {}
    for kind, result in results.items():
        for direction, times in result["times"].items():
            median = {way: _median(_all(t)) for way, t in times.items()}
            out[kind, direction] = {
                "median": median,
                "service_vs_sql": median["service"] / median["sql"],
                "anew_vs_sql": median["anew"] / median["sql"],
                "anew_vs_hand": median["anew"] / median["by_hand"],
                "hand_vs_sql": median["by_hand"] / median["sql"],
                "walk_vs_sql": median["walk"] / median["sql"],
                "walk_share": median["walk"] / median["anew"],
                "p50": median["http"],
                "p90": _p(times["http"], 0.9),
            }
    return out


def report(args, results: dict, made: dict, generated: dict) -> str:
    kinds = list(results)
    counts = made["counts"]
    got = figures(results)
    size = {
        d: _median([e for e, _ in results[kinds[0]]["sizes"][d]]) for d in ("backward", "forward")
    }
    events = _median([n for _, n in results[kinds[0]]["sizes"]["backward"]])
    shipped = _median([n for _, n in results[kinds[0]]["sizes"]["forward"]])
    lines = [
        f"## Trace and recall on a season of {args.events:,} events",
        "",
        f"`bench/trace.py --events {args.events} --calls {args.calls} --rounds {args.rounds}` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {platform.machine()}, {os.cpu_count()} cores "
        f"(shared), Python {platform.python_version()}, "
        + ", ".join(results[k]["version"] for k in kinds)
        + f". Season (bench/season.py, seed {made['seed']}): {counts['event']:,} events, "
        f"{counts['event_ref']:,} event refs, {counts['edge']:,} edges, {counts['lot']:,} lots, "
        f"{counts['pallet']:,} pallets, {counts['shipment']:,} shipments; "
        + "; ".join(f"{NAMES[k]} {generated[k]}" for k in kinds)
        + ". A backward trace from a shipment answers with a median "
        f"{size['backward']:.0f} edges, their nodes and {events:.0f} events; a recall from a "
        f"harvest lot walks {size['forward']:.0f} edges to {shipped:.0f} shipment"
        + ("s." if shipped != 1 else ".")
        + f" The issue's targets are for 1,000,000 events: `{BY_HAND}` measures them by hand, "
        "into a section of its own.",
        "",
        "| target (issue 17) | " + " | ".join(NAMES[k] for k in kinds) + " |",
        "|---|" + "---|" * len(kinds),
    ]
    for direction, (title, _, _) in DIRECTIONS.items():
        cells = [
            f"{got[k, direction]['service_vs_sql']:.1f}× "
            f"{_verdict(got[k, direction]['service_vs_sql'] <= TARGET_RATIO)}"
            for k in kinds
        ]
        lines.append(
            f"| {title}: service call ≤ {TARGET_RATIO:.0f}× the hand-written recursive SQL | "
            + " | ".join(cells)
            + " |"
        )
        cells = [
            f"{got[k, direction]['anew_vs_sql']:.1f}× "
            f"{_verdict(got[k, direction]['anew_vs_sql'] <= TARGET_RATIO)}"
            for k in kinds
        ]
        lines.append(
            f"| {title}, read anew (nothing kept): ≤ {TARGET_RATIO:.0f}× the hand-written "
            "recursive SQL | " + " | ".join(cells) + " |"
        )
        cells = [
            f"{got[k, direction]['anew_vs_hand']:.1f}× "
            f"{_verdict(got[k, direction]['anew_vs_hand'] <= TARGET_RATIO)}"
            for k in kinds
        ]
        lines.append(
            f"| {title}, read anew: ≤ {TARGET_RATIO:.0f}× the same rows by hand | "
            + " | ".join(cells)
            + " |"
        )
        cells = [
            f"{got[k, direction]['p50']:.1f} ms {_verdict(got[k, direction]['p50'] <= TARGET_P50_MS)}"
            for k in kinds
        ]
        lines.append(
            f"| {title}: HTTP endpoint p50 ≤ {TARGET_P50_MS:.0f} ms | " + " | ".join(cells) + " |"
        )
    lines += [
        "",
        f"Each figure below: the median of {args.rounds} rounds × {args.calls} random starts (the "
        "same starts for every row, each row in turn per start, after a warm-up pass that also "
        "checks the walk returns the reference's rows), ± half the range of the rounds' medians; "
        "the ratio is to the reference's median in the same run. The walk and the service run in "
        "one open session; the HTTP request is the whole of it (token, session, JSON) through "
        "Flask's test client. The service call and the HTTP request find the answer kept since "
        "the warm-up (nothing is recorded during the run): what an inspector waits for when "
        "asking again while nothing new is recorded; the row read anew is the first asking.",
    ]
    for direction, (title, what, path) in DIRECTIONS.items():
        lines += [
            "",
            f"| {title[0].upper() + title[1:]} | "
            + " | ".join(f"{NAMES[k]} | ratio" for k in kinds)
            + " |",
            "|---|" + "---:|---:|" * len(kinds),
        ]
        for way, label in ROWS:
            line = f"| {label.format(what=what, path=path)} |"
            for k in kinds:
                t = results[k]["times"][direction][way]
                ratio = got[k, direction]["median"][way] / got[k, direction]["median"]["sql"]
                extra = f" (p90 {_p(t, 0.9):.1f})" if way == "http" else ""
                line += f" {_cell(t)}{extra} | {ratio:.1f}× |"
            lines.append(line)
    lines += ["", *notes(kinds, got)]
    return "\n".join(lines)


def notes(kinds: list[str], got: dict) -> list[str]:
    """Where a target is missed: by how much, why, and what would close it."""
    out = []

    def each(direction: str, key: str, form: str = "{:.1f}×", scale: float = 1.0) -> str:
        return ", ".join(
            f"{NAMES[k]} " + form.format(got[k, direction][key] * scale) for k in kinds
        )

    for direction, (title, _, _) in DIRECTIONS.items():
        title = title[0].upper() + title[1:]
        missed = [k for k in kinds if got[k, direction]["service_vs_sql"] > TARGET_RATIO]
        if missed:
            out.append(
                f"- {title}, answer kept: ≤ {TARGET_RATIO:.0f}× the recursive SQL is missed on "
                + ", ".join(NAMES[k] for k in missed)
                + ". A kept answer costs one statement that reads the chain head and a lookup "
                "in memory: what is left is SQLAlchemy's cost for that one statement."
            )
        if any(got[k, direction]["anew_vs_sql"] > TARGET_RATIO for k in kinds):
            out.append(
                f"- {title}, read anew: {each(direction, 'anew_vs_sql')} the recursive SQL. "
                f"The walk itself is not what costs: it takes {each(direction, 'walk_vs_sql')} "
                "the hand-written query and "
                + each(direction, "walk_share", "{:.0%}")
                + " of the answer read anew. An answer is more rows than the walk returns (each "
                "node's row, and for a trace every event naming its lots, pallets and "
                "shipments): the least SQL that reads them, through the driver with no objects "
                f"built, already takes {each(direction, 'hand_vs_sql')} the walk query, so no "
                "way of reading them meets the target on a first asking; the service takes "
                f"{each(direction, 'anew_vs_hand')} that (SQLAlchemy's cost per statement, "
                "each event's JSON and times read into Python). That is why answers are kept "
                "per chain head (trace/services/tracing.py): asking again while nothing is "
                "recorded costs the head's read."
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # make bench's size (about a minute and a half on 2 cores); the 1,000,000-event season by
    # hand (BY_HAND): generating it takes SQLite about 2 and PostgreSQL about 6 minutes.
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--calls", type=int, default=30, help="random starts per direction")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--databases", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    parser.add_argument("--postgresql-url", help="an empty PostgreSQL database (else throwaway)")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="trace-bench-trace-"))
    results, generated, made, server = {}, {}, None, None
    try:
        for kind in args.databases:
            if kind == "sqlite":
                url = f"sqlite:///{folder / 'season.db'}"
            elif args.postgresql_url:
                url = args.postgresql_url
            else:
                server, url = throwaway_postgresql(folder)
                if url is None:
                    print("bench/trace.py: PostgreSQL skipped, no server binaries (pg_config)")
                    continue
            engine = make_engine(url)
            migrate.upgrade(engine)
            made = generate(engine, args.events, args.seed)
            engine.dispose()
            generated[kind] = (
                f"copied from bench/season.py's cache (generated in {made['seconds']:.0f} s)"
                if made["cached"]
                else f"generated in {made['seconds']:.0f} s"
            )
            print(f"{kind}: {made['counts']} {generated[kind]}", flush=True)
            results[kind] = measure(url, made, args.calls, args.rounds, folder)
            if kind == "sqlite":
                (folder / "season.db").unlink()
            if server is not None:
                server.stop()
                server = None
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    markdown = report(args, results, made, generated)
    write_section(
        args.output, section("trace", args.events, parser.get_default("events")), markdown
    )
    print(markdown)


if __name__ == "__main__":
    main()
