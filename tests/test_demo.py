"""The demo season, on SQLite and PostgreSQL: it loads through the use cases, keeps every rule,
tells a consistent story, and is the same season for the same seed."""

from __future__ import annotations

import shutil
import uuid
from datetime import date, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, select
from stdnum import iso6346

from tests.web.page import Page
from trace.api.schemas.events import (
    ArrivalIn,
    CoolingIn,
    CrossingIn,
    DepartureIn,
    GradingIn,
    HarvestIn,
    InspectionIn,
    PackingIn,
    PalletIn,
    ReceiptIn,
    ShipmentIn,
    StorageIn,
    TreatmentIn,
    WashingIn,
)
from trace.api.schemas.masterdata import LocationIn
from trace.db.engine import make_engine
from trace.db.graph import walk
from trace.db.models import Event, Location, Lot, Pallet, PalletContent, Shipment, node
from trace.demo.load import has_data, load
from trace.demo.places import places
from trace.demo.season import Ref, plan
from trace.services import audit, shipments
from trace.services.lots import events_of

PREFIX = "8931234"

# The order things happen to a lot; events of equal rank may come in either order.
RANK = {
    "harvest": 0,
    "receive": 1,
    "cool": 2,
    "wash": 2,
    "grade": 2,
    "store": 3,
    "inspect": 2,
    "treat": 3,
    "pack": 4,
    "palletise": 5,
    "load": 6,
    "ship": 7,
    "cross": 7.5,
    "arrive": 8,
}


def _load(session: Session, seed: int = 2026) -> str:
    return load(session, company_prefix=PREFIX, extension_digit=0, seed=seed)


def _shipped_lots(session: Session, shipment: Shipment) -> list[Lot]:
    return list(
        session.exec(
            select(Lot)
            .join(PalletContent, PalletContent.lot_id == Lot.id)
            .join(Pallet, Pallet.id == PalletContent.pallet_id)
            .where(Pallet.shipment_id == shipment.id)
            .distinct()
        )
    )


def _local(event: Event):
    sign = -1 if event.tz_offset.startswith("-") else 1
    hours, minutes = event.tz_offset[1:].split(":")
    offset = sign * timedelta(hours=int(hours), minutes=int(minutes))
    return event.event_time.astimezone(timezone(offset))


def test_demo_season_loads_and_keeps_every_rule(session):
    assert has_data(session) is False
    summary = _load(session)
    assert has_data(session) is True

    harvested = session.exec(select(Lot).where(Lot.kind == "harvest")).all()
    assert len(harvested) >= 40
    assert all(date(2026, 6, 1) <= lot.produced_on <= date(2026, 6, 25) for lot in harvested)
    lychee = [lot for lot in harvested if lot.commodity == "lychee"]
    assert all(400 <= lot.quantity <= 2000 and lot.received < lot.quantity for lot in lychee)
    # Cẩm Giàng's carrots went to Korea and Europe, each lot washed, graded and kept cold.
    carrots = [lot for lot in harvested if lot.commodity == "carrot"]
    assert len(carrots) == 3
    for lot in carrots:
        kinds = [e.type for e in events_of(session, [node("lot", lot.id)])]
        assert kinds[:5] == ["harvest", "receive", "wash", "grade", "store"], kinds

    loaded = session.exec(select(Shipment).order_by(Shipment.id)).all()
    assert len(loaded) >= 5
    assert {s.market for s in loaded} == {"JP", "US", "AU", "KR", "EU", "CN"}
    # China by truck has the most shipments; each truck crossed at a border gate before arriving.
    trucks = [s for s in loaded if s.market == "CN"]
    assert len(trucks) > max(sum(s.market == m for s in loaded) for m in ("JP", "US", "AU"))
    assert all(s.conveyance == "road" and s.truck_plate and s.border_gate for s in trucks)
    assert all(s.crossed_at for s in trucks if s.status == "arrived")
    assert {s.status for s in loaded} == {"loaded", "departed", "arrived"}
    assert all(iso6346.is_valid(s.container_no) for s in loaded)
    for shipment in loaded:
        lots = _shipped_lots(session, shipment)
        assert lots, f"shipment {shipment.id} is empty"
        assert shipments.market_gaps(session, lots, shipment.market) == []

    # The lot whose inspection failed is held, never packed, and on no shipment.
    held = session.exec(select(Lot).where(Lot.on_hold)).all()
    assert len(held) == 1
    downstream = walk(session, [node("lot", held[0].id)], "forward")
    assert not [edge for edge in downstream if edge.dst.startswith("shipment:")]
    assert held[0].used == 0 and held[0].received > 0

    # One orchard's Australian code is suspended, and none of its fruit went to Australia.
    suspended = session.exec(select(Location).where(Location.name == "Vườn vải Thanh Xá 21")).one()
    for shipment in loaded:
        if shipment.market == "AU":
            lots = _shipped_lots(session, shipment)
            origins = walk(session, [node("lot", lot.id) for lot in lots], "backward")
            assert node("location", suspended.id) not in {edge.src for edge in origins}

    verified = audit.verify(session)
    assert verified["ok"] is True
    assert verified["events_checked"] == len(session.exec(select(Event.id)).all())

    assert "demo API tokens" in summary
    token_lines = summary.split("demo API tokens", 1)[1].splitlines()[1:]
    assert [line.split()[:2] for line in token_lines] == [
        ["admin", "admin"],
        ["worker", "worker"],
        ["inspector", "inspector"],
        ["tokyo-importer", "importer"],
    ]


def test_demo_timeline_is_consistent(session):
    _load(session)
    events = session.exec(select(Event)).all()
    assert all(_local(e).date().month == 6 and _local(e).year == 2026 for e in events)
    assert {e.tz_offset for e in events if e.type != "arrive"} == {"+07:00"}
    arrivals = {e.tz_offset for e in events if e.type == "arrive"}
    assert arrivals <= {"+09:00", "-07:00", "+10:00", "+02:00", "+08:00"}
    # Everything that happens to a lot happens in the order of the flow.
    for lot in session.exec(select(Lot)).all():
        kinds = [e.type for e in events_of(session, [node("lot", lot.id)])]
        ranks = [RANK[kind] for kind in kinds]
        assert ranks == sorted(ranks), f"lot {lot.code}: {kinds}"


@pytest.fixture
def other_engine(request, engine, tmp_path):
    """A second empty, migrated database of the same kind as `engine` (from conftest's templates)."""
    if engine.dialect.name == "sqlite":
        path = tmp_path / "other.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        other = make_engine(f"sqlite:///{path}")
        yield other
        other.dispose()
        return
    admin = request.getfixturevalue("pg_template")
    name = f"demo_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE trace_template"))
    other = make_engine(request.getfixturevalue("pg_server").url(name))
    yield other
    other.dispose()
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))


def _season(engine) -> dict:
    """What a seed decides: lots, pallets and shipments, by the codes printed on labels."""
    with Session(engine) as session:
        return {
            "lots": [
                tuple(row)
                for row in session.exec(
                    select(Lot.code, Lot.quantity, Lot.received, Lot.used, Lot.cartons).order_by(
                        Lot.code
                    )
                )
            ],
            # SSCC serial references are drawn at random (no neighbour to walk to): the same
            # season has the same pallets in the same order, each under an SSCC of its own.
            "pallets": [
                (sscc[:8], cartons)
                for sscc, cartons in session.exec(
                    select(Pallet.sscc, Pallet.cartons).order_by(Pallet.id)
                )
            ],
            "shipments": [
                tuple(row)
                for row in session.exec(
                    select(
                        Shipment.container_no,
                        Shipment.seal_no,
                        Shipment.phyto_certificate_no,
                        Shipment.status,
                    ).order_by(Shipment.id)
                )
            ],
        }


def test_same_seed_same_season(engine, other_engine):
    summaries = []
    for target in (engine, other_engine):
        with Session(target, expire_on_commit=False) as session:
            summaries.append(_load(session).split("demo API tokens")[0])
    assert summaries[0] == summaries[1]
    first, second = _season(engine), _season(other_engine)
    assert first == second
    assert len(first["pallets"]) > 50
    assert all(sscc == "0" + PREFIX for sscc, _ in first["pallets"])


def test_the_plan_is_pure_and_follows_the_seed():
    assert plan(2026) == plan(2026)
    assert plan(2026) != plan(7)
    steps = plan(7)
    assert [s.at for s in steps] == sorted(s.at for s in steps)


# The request schema of each step's use case: the demo says only what the API would accept.
SCHEMAS = {
    "harvest": HarvestIn,
    "receive": ReceiptIn,
    "cool": CoolingIn,
    "inspect": InspectionIn,
    "treat": TreatmentIn,
    "pack": PackingIn,
    "palletise": PalletIn,
    "load": ShipmentIn,
    "depart": DepartureIn,
    "cross": CrossingIn,
    "arrive": ArrivalIn,
    "wash": WashingIn,
    "grade": GradingIn,
    "store": StorageIn,
}
# Stand-ins for what a plan's names become when written (ids, codes, GTINs, SSCCs).
WRITTEN = {"pallets": "089312340000000011", "product_gtin": "08931234000110"}


def _as_json(value, key=""):
    if isinstance(value, Ref):
        return 1 if key.endswith("_id") else WRITTEN.get(key, "H260601-0001")
    if isinstance(value, dict):
        return {k: _as_json(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v, key) for v in value]
    return value.isoformat() if hasattr(value, "isoformat") else value


def test_every_step_is_a_request_the_api_accepts():
    for step in plan():
        SCHEMAS[step.kind]().load(_as_json(step.data))  # raises ValidationError if not
    for _, place in places(PREFIX):
        LocationIn().load(place)


def test_cli_loads_the_demo_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "demo API tokens" in first.output
    assert "tokyo-importer" in first.output
    saved = (Path(app.instance_path) / "demo-tokens.txt").read_text()
    token = next(
        line.split()[2]
        for line in saved.splitlines()
        if line.split()[:2] == ["tokyo-importer", "importer"]
    )
    response = app.test_client().get(
        "/api/v1/shipments", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200 and response.json, "the saved token works"
    assert {s["consignee_id"] for s in response.json} == {response.json[0]["consignee_id"]}
    assert "worker / worker-demo-2026" in first.output
    from sqlmodel import Session

    from trace.services import users

    with Session(app.extensions["trace.engine"]) as session:
        assert users.authenticate_password(session, "worker", "worker-demo-2026") is not None
        assert users.authenticate_password(session, "tokyo-importer", "tokyo-importer-demo") is None
    assert "tokyo-importer / tokyo-importer-demo-2026" in first.output
    importer = Page(app.test_client())
    importer.open("/login")
    importer.send({"username": "tokyo-importer", "password": "tokyo-importer-demo-2026"})
    assert importer.url == "/app/" and "Record the arrival" in importer.text()  # one at sea
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "holds data already" in second.output
    assert "demo API tokens" not in second.output


def test_the_demo_prints_cartons_whose_pages_say_genuine(app):
    """A newcomer's first run: `demo urls` names a carton of each market, carrots for Korea and
    Europe among them, printed by the demo, and each opens its public page as a genuine label."""
    from tests.flows import BROWSER

    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "urls"]).output.startswith("no carton label printed yet")
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    result = runner.invoke(args=["demo", "urls"])
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.splitlines()[1:]]
    assert [market for market, _ in lines] == ["AU", "CN", "EU", "JP", "KR", "US"]
    base = app.config["PUBLIC_BASE_URL"]
    for _market, url in lines:
        assert url.startswith(f"{base}/01/") and "/21/" in url
        page = app.test_client().get(url.removeprefix(base), headers=BROWSER)
        assert page.status_code == 200
        assert "This label was printed for this lot" in page.get_data(as_text=True)
        # the exporter's consumer contact, kept as master data, on each shipped lot's page
        assert "care@haiduong-agri.example" in page.get_data(as_text=True)
