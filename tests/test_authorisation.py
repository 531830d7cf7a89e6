"""Who may call what (docs/security.md, "Authorisation matrix").

Every operation the app routes under /api/v1 × every kind of caller: no token, a valid token of
each role, a revoked token, an expired token. Each request is one that succeeds for a role the
operation lets in (on a fresh copy of a seeded season, so one caller's write never stands in
another's way), so the answer shows the guard alone: the documented 2xx for a role let in, 403
for any other role, 401 without a valid token. An operation without an entry in REQUESTS fails
the test: a new endpoint needs its row.

Then an importer's confinement to the shipments consigned to it. SQLite only: who may call what
does not depend on the database (the persistence tests run on both).
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session

from tests.flows import CHINA_CODES, CN_IMPORTER, GTIN, count_rows, truck_body
from tests.surface import (
    NOT_YET_DOCUMENTED,
    PUBLIC_OPERATIONS,
    Operation,
    operations,
    seed,
)
from trace.api import PREFIX
from trace.app import create_app
from trace.config import signing_key_path
from trace.services import evidence, users
from trace.services.common import now

ROLES = ("admin", "worker", "inspector", "importer")
CALLERS = ("nobody", *ROLES, "revoked", "expired")
EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"


def epcis_document(n: int) -> dict:
    """One receipt of a product we do not hold: any role that may capture may capture it."""
    return {
        "@context": [EPCIS_CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-06-20T10:00:00+09:00",
        "epcisBody": {
            "eventList": [
                {
                    "type": "ObjectEvent",
                    "eventID": f"urn:uuid:0b7e2a52-7d1c-4a8e-8f0e-3c1d2b4a{n:04d}",
                    "action": "OBSERVE",
                    "bizStep": "receiving",
                    "disposition": "in_progress",
                    "eventTime": "2026-06-20T09:00:00+09:00",
                    "eventTimeZoneOffset": "+09:00",
                    "epcList": [f"https://id.gs1.org/01/04512345000019/21/{n}"],
                }
            ]
        },
    }


def _get(path, **query):
    return lambda s, caller: ("GET", path.format(**s), {"query_string": query})


def _post(path, body):
    return lambda s, caller: ("POST", path.format(**s), {"json": body(s, caller)})


def _patch(path, body):
    return lambda s, caller: ("PATCH", path.format(**s), {"json": body(s, caller)})


# One request per operation, keyed "METHOD /api/v1/path/{param}": what the season offers (`s`)
# → (method, path under /api/v1, test client arguments). Each succeeds for a role let in.
REQUESTS = {
    "GET /api/v1/locations": _get("/locations"),
    "POST /api/v1/locations": _post(
        "/locations", lambda s, c: {"kind": "port", "name": f"Port of Hải Phòng ({c})"}
    ),
    "GET /api/v1/locations/{ident}": _get("/locations/{house}"),
    "PATCH /api/v1/locations/{ident}": _patch(
        "/locations/{house}", lambda s, c: {"name": "Thanh Hà Fruit Packing No. 1"}
    ),
    "GET /api/v1/locations/{ident}/history": _get("/locations/{house}/history"),
    "GET /api/v1/products": _get("/products"),
    "POST /api/v1/products": _post(
        "/products", lambda s, c: {"name": {"en": "Cat Chu mango"}, "commodity": "mango"}
    ),
    "GET /api/v1/products/{ident}": _get("/products/{product}"),
    "PATCH /api/v1/products/{ident}": _patch(
        "/products/{product}", lambda s, c: {"variety": "Thanh Hà (early)"}
    ),
    "GET /api/v1/products/{ident}/history": _get("/products/{product}/history"),
    "GET /api/v1/lots": _get("/lots"),
    "POST /api/v1/lots/harvest": _post(
        "/lots/harvest",
        lambda s, c: {
            "orchard_id": s["orchard"],
            "commodity": "lychee",
            "quantity": 100,
            "harvested_on": "2026-06-12",
        },
    ),
    "GET /api/v1/lots/{code}": _get("/lots/{harvest}"),
    "GET /api/v1/lots/{code}/events": _get("/lots/{harvest}/events"),
    "POST /api/v1/lots/{code}/receipts": _post(
        "/lots/{harvest}/receipts",
        lambda s, c: {
            "location_id": s["house"],
            "received_at": "2026-06-10T15:00:00+07:00",
            "quantity": 10,
        },
    ),
    "POST /api/v1/lots/{code}/coolings": _post(
        "/lots/{harvest}/coolings",
        lambda s, c: {
            "location_id": s["house"],
            "cooled_at": "2026-06-10T16:00:00+07:00",
            "temperature_c": 4,
        },
    ),
    "POST /api/v1/lots/{code}/washings": _post(
        "/lots/{carrots}/washings",
        lambda s, c: {"location_id": s["house"], "washed_at": "2026-06-10T16:00:00+07:00"},
    ),
    "POST /api/v1/lots/{code}/gradings": _post(
        "/lots/{carrots}/gradings",
        lambda s, c: {
            "location_id": s["house"],
            "graded_at": "2026-06-10T17:00:00+07:00",
            "grades": [{"size_class": "L", "quantity": 100}],
        },
    ),
    "POST /api/v1/lots/{code}/storage": _post(
        "/lots/{carrots}/storage",
        lambda s, c: {
            "location_id": s["house"],
            "stored_at": "2026-06-10T18:00:00+07:00",
            "temperature_c": 0.5,
        },
    ),
    "POST /api/v1/lots/{code}/treatments": _post(
        "/lots/{harvest}/treatments",
        lambda s, c: {
            "facility_id": s["facility"],
            "method": "fumigation",
            "treated_at": "2026-06-11T09:00:00+07:00",
        },
    ),
    "POST /api/v1/lots/{code}/inspections": _post(
        "/lots/{harvest}/inspections",
        lambda s, c: {"inspected_at": "2026-06-11T10:00:00+07:00", "result": "pass"},
    ),
    "POST /api/v1/packings": _post(
        "/packings",
        lambda s, c: {
            "location_id": s["house"],
            "product_gtin": GTIN,
            "inputs": [{"lot": s["harvest"], "quantity": 10}],
            "cartons": 2,
            "packed_on": "2026-06-11",
        },
    ),
    "POST /api/v1/pallets": _post(
        "/pallets",
        lambda s, c: {"location_id": s["house"], "contents": [{"lot": s["spare"], "cartons": 5}]},
    ),
    "GET /api/v1/pallets/{sscc}": _get("/pallets/{sscc}"),
    "GET /api/v1/shipments": _get("/shipments"),
    "POST /api/v1/shipments": _post(
        "/shipments",
        lambda s, c: {
            "exporter_id": s["exporter"],
            "consignee_id": s["importer"],
            "market": "JP",
            "pallets": [s["loose_pallet"]],
        },
    ),
    "GET /api/v1/shipments/{ident}": _get("/shipments/{tokyo}"),
    "POST /api/v1/shipments/{ident}/departures": _post(
        "/shipments/{osaka}/departures", lambda s, c: {"departed_at": "2026-06-12T22:00:00+07:00"}
    ),
    "POST /api/v1/shipments/{ident}/crossings": _post(
        "/shipments/{truck}/crossings", lambda s, c: {"crossed_at": datetime.now(UTC).isoformat()}
    ),
    "POST /api/v1/shipments/{ident}/arrivals": _post(
        "/shipments/{tokyo}/arrivals", lambda s, c: {"arrived_at": "2026-06-20T09:00:00+09:00"}
    ),
    "POST /api/v1/events/{ident}/corrections": _post(
        "/events/{inspection_event}/corrections",
        lambda s, c: {"reason": "the inspection's notes were for another lot"},
    ),
    "GET /api/v1/trace/{code}": _get("/trace/{harvest}", direction="forward"),
    "GET /api/v1/recall/{code}": _get("/recall/{harvest}"),
    "GET /api/v1/recall/{code}.csv": _get("/recall/{harvest}.csv"),
    "GET /api/v1/recall/{code}.pdf": _get("/recall/{harvest}.pdf"),
    "GET /api/v1/audit/verify": _get("/audit/verify"),
    "POST /api/v1/labels": _post(
        "/labels",
        lambda s, c: {
            "kind": "carton",
            "lot": s["spare"],
            "count": 1,
            "size": "100x150mm",
            "format": "zpl",
        },
    ),
    "POST /api/v1/labels/preview": _post(
        "/labels/preview",
        lambda s, c: {
            "kind": "carton",
            "lot": s["spare"],
            "count": 1,
            "size": "50x30mm",
            "format": "pdf",
        },
    ),
    "GET /api/v1/exports/epcis": lambda s, c: (
        "GET",
        "/exports/epcis",
        {"query_string": {"shipment": s["tokyo"]}},
    ),
    "GET /api/v1/exports/fsma204.csv": lambda s, c: (
        "GET",
        "/exports/fsma204.csv",
        {"query_string": {"shipment": s["tokyo"]}},
    ),
    "GET /api/v1/exports/fsma204.xlsx": lambda s, c: (
        "GET",
        "/exports/fsma204.xlsx",
        {"query_string": {"shipment": s["tokyo"]}},
    ),
    "GET /api/v1/exports/fsma204-glossary.csv": _get("/exports/fsma204-glossary.csv"),
    "GET /api/v1/evidence/public-key": _get("/evidence/public-key"),
    "GET /api/v1/evidence/checkpoints": _get("/evidence/checkpoints"),
    "POST /api/v1/evidence/checkpoints": lambda s, c: ("POST", "/evidence/checkpoints", {}),
    "OPTIONS /api/v1/epcis/capture": lambda s, c: ("OPTIONS", "/epcis/capture", {}),
    "GET /api/v1/epcis/capture": _get("/epcis/capture"),
    "POST /api/v1/epcis/capture": _post("/epcis/capture", lambda s, c: epcis_document(99)),
    # a worker or an importer reads its own capture jobs; an admin or inspector any
    "GET /api/v1/epcis/capture/{capture_id}": lambda s, c: (
        "GET",
        f"/epcis/capture/{s['captures'].get(c, s['captures']['worker'])}",
        {},
    ),
    "GET /api/v1/epcis/events": _get("/epcis/events", perPage=10),
}


@pytest.fixture(scope="module")
def seeded(sqlite_template, tmp_path_factory):
    """A season on SQLite, saved once; `fresh()` puts it back before each request."""
    folder = tmp_path_factory.mktemp("authorisation")
    database = folder / "trace.db"
    shutil.copy(sqlite_template, database)
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{database}", "INSTANCE_PATH": str(folder)}
    )
    evidence.create_key(signing_key_path(app.config, app.instance_path))
    data = seed(app)
    ids, tokens = data["ids"], data["tokens"]
    client = app.test_client()

    def call(role, method, path, **kwargs):
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        response = client.open(f"{PREFIX}{path}", method=method, headers=headers, **kwargs)
        assert response.status_code < 300, (path, response.get_json())
        return response.get_json()

    # a packed lot with cartons left (20 of 5 kg, 10 of them on a pallet not shipped yet);
    # Tokyo's shipment departed (so it may arrive), Osaka's still loaded (so it may depart)
    spare = call(
        "worker",
        "POST",
        "/packings",
        json={
            "location_id": ids["house"],
            "product_gtin": GTIN,
            "inputs": [{"lot": data["harvest"], "quantity": 100}],
            "cartons": 20,
            "packed_on": "2026-06-11",
        },
    )["lot"]
    loose = call(
        "worker",
        "POST",
        "/pallets",
        json={"location_id": ids["house"], "contents": [{"lot": spare, "cartons": 10}]},
    )["sscc"]
    carrots = call(
        "worker",
        "POST",
        "/lots/harvest",
        json={"orchard_id": ids["orchard"], "commodity": "carrot", "quantity": 500,
              "harvested_on": "2026-06-10"},
    )["code"]  # fmt: skip
    call(
        "worker",
        "POST",
        f"/lots/{carrots}/receipts",
        json={"location_id": ids["house"], "received_at": "2026-06-10T14:00:00+07:00",
              "quantity": 500},
    )  # fmt: skip
    tokyo, osaka = data["shipments"]
    call(
        "worker",
        "POST",
        f"/shipments/{tokyo}/departures",
        json={"departed_at": "2026-06-12T22:00:00+07:00"},
    )
    # a truck to China that departed (so it may cross the border): 5 of the spare cartons
    for key, code in CHINA_CODES.items():
        call("admin", "PATCH", f"/locations/{ids[key]}", json={"codes": [code]})
    ids["cn_importer"] = call("admin", "POST", "/locations", json=CN_IMPORTER)["id"]
    on_truck = call(
        "worker",
        "POST",
        "/pallets",
        json={"location_id": ids["house"], "contents": [{"lot": spare, "cartons": 5}]},
    )["sscc"]
    body = {k: v for k, v in truck_body(ids, [on_truck]).items() if k != "loaded_at"}
    truck = call("worker", "POST", "/shipments", json=body)["id"]  # loaded now, as built
    call(
        "worker",
        "POST",
        f"/shipments/{truck}/departures",
        json={"departed_at": datetime.now(UTC).isoformat()},
    )
    captures = {}
    for n, role in enumerate(("worker", "importer")):
        response = client.post(
            f"{PREFIX}/epcis/capture",
            json=epcis_document(n),
            headers={"Authorization": f"Bearer {tokens[role]}"},
        )
        assert response.status_code == 202, response.get_json()
        captures[role] = response.get_json()["captureID"]
    harvest_event = call("worker", "GET", f"/lots/{data['harvest']}/events")[0]["id"]
    inspection_event = call(
        "inspector",
        "POST",
        f"/lots/{data['harvest']}/inspections",
        json={"inspected_at": "2026-06-11T09:30:00+07:00", "result": "pass"},
    )["id"]
    with Session(app.extensions["trace.engine"], expire_on_commit=False) as session:
        admin = users.get_by_name(session, "admin-1")
        tokens["revoked"] = users.issue_token(session, admin)
        assert users.revoke(session, tokens["revoked"])
        tokens["expired"] = users.issue_token(session, admin, now() - timedelta(minutes=1))
    with app.extensions["trace.engine"].connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    app.extensions["trace.engine"].dispose()
    saved = folder / "seeded.db"
    shutil.copy(database, saved)

    def fresh():
        app.extensions["trace.engine"].dispose()
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        shutil.copy(saved, database)

    season = {
        **ids,
        "product": 1,
        "harvest": data["harvest"],
        "carrots": carrots,
        "spare": spare,
        "sscc": data["ssccs"][0],
        "osaka_pallet": data["ssccs"][1],
        "loose_pallet": loose,
        "tokyo": tokyo,
        "osaka": osaka,
        "truck": truck,
        "harvest_event": harvest_event,
        "inspection_event": inspection_event,
        "captures": captures,
    }
    yield app, season, tokens, fresh
    app.extensions["trace.engine"].dispose()


def test_every_operation_has_a_request_in_the_matrix(seeded):
    app = seeded[0]
    routed = {op.label for op in operations(app)}
    assert routed - set(REQUESTS) == set(), "new operations need a row in REQUESTS"
    assert set(REQUESTS) - routed == set(), "rows for operations that no longer exist"
    unguarded = {op.label for op in operations(app) if op.roles is None}
    assert unguarded == PUBLIC_OPERATIONS, "an operation without auth.required"


def _documented(app) -> dict:
    return app.test_client().get(f"{PREFIX}/openapi.json").get_json()["paths"]


def expected(op: Operation, caller: str) -> str:
    if op.roles is None:
        return "2xx"
    if caller in ("nobody", "revoked", "expired"):
        return "401"
    return "2xx" if caller in op.roles else "403"


def test_each_caller_gets_the_documented_answer_from_every_operation(seeded):
    app, season, tokens, fresh = seeded
    spec = _documented(app)
    client = app.test_client()
    table, wrong = [], []
    for op in operations(app):
        documented = set(spec[op.path][op.method.lower()]["responses"])
        documented |= {str(status) for status in NOT_YET_DOCUMENTED.get(op.label, ())}
        for caller in CALLERS:
            fresh()
            method, path, kwargs = REQUESTS[op.label](season, caller)
            headers = {"Authorization": f"Bearer {tokens[caller]}"} if caller != "nobody" else {}
            response = client.open(f"{PREFIX}{path}", method=method, headers=headers, **kwargs)
            status = response.status_code
            want = expected(op, caller)
            table.append((op.label, caller, status))
            ok = (
                200 <= status < 300 and str(status) in documented
                if want == "2xx"
                else status == int(want) and str(status) in documented
            )
            if ok and status >= 400:
                body = response.get_json()
                ok = body is not None and body["code"] == status and bool(body.get("message"))
            if ok and status == 401:
                ok = response.headers.get("WWW-Authenticate", "").startswith("Bearer")
            if not ok:
                wrong.append((op.label, caller, want, status, response.get_data()[:300]))
    print(f"\nauthorisation matrix: {len(table)} requests, {len(wrong)} wrong")
    assert wrong == []
    assert len(table) == len(operations(app)) * len(CALLERS)


# --- an importer's confinement --------------------------------------------------------------


def _as(client, token, method, path, **kwargs):
    return client.open(
        f"{PREFIX}{path}", method=method, headers={"Authorization": f"Bearer {token}"}, **kwargs
    )


def test_an_importer_sees_and_records_only_the_shipments_consigned_to_it(seeded):
    app, s, tokens, fresh = seeded
    fresh()
    client = app.test_client()
    engine = app.extensions["trace.engine"]
    tokyo, osaka = tokens["importer"], tokens["other_importer"]
    listed = _as(client, tokyo, "GET", "/shipments").get_json()
    assert [row["id"] for row in listed] == [s["tokyo"]]
    assert [row["id"] for row in _as(client, osaka, "GET", "/shipments").get_json()] == [s["osaka"]]
    before = count_rows(engine)
    arrival = {"arrived_at": "2026-06-20T09:00:00+09:00"}
    refused = [
        _as(client, osaka, "GET", f"/shipments/{s['tokyo']}"),
        _as(client, osaka, "POST", f"/shipments/{s['tokyo']}/arrivals", json=arrival),
        _as(client, tokyo, "GET", f"/shipments/{s['osaka']}"),
        _as(client, osaka, "GET", "/exports/epcis", query_string={"shipment": s["tokyo"]}),
        _as(client, osaka, "GET", "/exports/fsma204.csv", query_string={"shipment": s["tokyo"]}),
        # a lot's graph reaches every shipment it went into: an importer gives its shipment only
        _as(client, tokyo, "GET", "/exports/epcis", query_string={"lot": s["harvest"]}),
        _as(
            client,
            tokyo,
            "GET",
            "/exports/fsma204.csv",
            query_string={"shipment": s["tokyo"], "lot": s["harvest"]},
        ),
        _as(client, tokyo, "GET", "/exports/fsma204.xlsx", query_string={"from": "2026-01-01"}),
        _as(client, tokyo, "GET", f"/epcis/capture/{s['captures']['worker']}"),
    ]
    assert [r.status_code for r in refused] == [403] * 8 + [404]
    assert count_rows(engine) == before
    # and what is its own, it gets
    assert _as(client, tokyo, "GET", f"/shipments/{s['tokyo']}").status_code == 200
    jobs = _as(client, tokyo, "GET", "/epcis/capture").get_json()
    assert [job["captureID"] for job in jobs] == [s["captures"]["importer"]]
    response = _as(client, tokyo, "POST", f"/shipments/{s['tokyo']}/arrivals", json=arrival)
    assert response.status_code == 201
    # the lists and reads an importer has no business with are refused whole
    for path in ("/lots", "/locations", "/products", f"/trace/{s['harvest']}", "/audit/verify"):
        assert _as(client, tokyo, "GET", path).status_code == 403, path


def test_an_importer_export_holds_nothing_of_another_consignees_shipment(seeded):
    app, s, tokens, fresh = seeded
    fresh()
    client = app.test_client()
    worker = tokens["worker"]
    # Osaka's shipment (same packed lot as Tokyo's) departs: its ship event names the lot
    response = _as(
        client,
        worker,
        "POST",
        f"/shipments/{s['osaka']}/departures",
        json={"departed_at": "2026-06-13T22:00:00+07:00"},
    )
    assert response.status_code == 201
    for path in ("/exports/epcis", "/exports/fsma204.csv"):
        response = _as(
            client, tokens["importer"], "GET", path, query_string={"shipment": s["tokyo"]}
        )
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert "Osaka" not in text, path  # the consignee's name (the spreadsheet)
        assert f"/id/location/{s['other_importer']}" not in text, path  # its id (EPCIS)
        assert s["osaka_pallet"] not in text, path  # the pallet Osaka's shipment carries
