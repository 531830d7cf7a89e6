"""The API's surface as the security tests see it: every operation the app routes under /api/v1,
with the roles its guard lets in, and a season to point requests at (shared by test_fuzz.py and
test_authorisation.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask
from sqlmodel import Session

from tests.conftest import Api
from tests.flows import master_data, packed_season, shipment_body
from trace.api import PREFIX
from trace.services import users

ROLES = ("admin", "worker", "inspector", "importer")
# Routed under the prefix but not operations of the API: the OpenAPI document and its viewer
# are public by design.
PUBLIC = {"api-docs.openapi_json", "swagger_ui.show"}
# The EPCIS binding's discovery answer (OPTIONS /epcis/capture) is public by design too.
PUBLIC_OPERATIONS = {f"OPTIONS {PREFIX}/epcis/capture"}
# Statuses answered but not documented, in modules another change owns (reported there, to be
# documented by it): {operation: {status}}.
NOT_YET_DOCUMENTED: dict[str, set[int]] = {}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # as the OpenAPI document writes it: /api/v1/lots/{code}
    roles: tuple[str, ...] | None  # None: no token needed

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


def openapi_path(rule: str) -> str:
    """`/api/v1/lots/<path:code>` → `/api/v1/lots/{code}`."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


def operations(app: Flask) -> list[Operation]:
    """Every method of every rule under /api/v1 (HEAD and Flask's automatic OPTIONS aside)."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/") or rule.endpoint in PUBLIC:
            continue
        view = app.view_functions[rule.endpoint]
        cls = getattr(view, "view_class", None)
        for method in sorted(rule.methods - {"HEAD"}):
            handler = getattr(cls, method.lower(), None) if cls else view
            if method == "OPTIONS" and handler is None:
                continue  # Flask answers it, for CORS preflights: no data
            found.append(
                Operation(method, openapi_path(rule.rule), getattr(handler, "_roles", None))
            )
    return found


def seed(app: Flask) -> dict:
    """A season to aim at: master data, a harvest lot, a packed lot on two pallets, one shipped
    to the importer (Tokyo) and a second importer (Osaka) with a shipment of its own; a token
    for each role, `importer` being Tokyo's and `other_importer` Osaka's."""
    tokens = {}
    with Session(app.extensions["trace.engine"], expire_on_commit=False) as session:
        for role in ("admin", "worker", "inspector"):
            _, tokens[role] = users.create(session, f"{role}-1", role)
    api = Api(app.test_client(), tokens)
    ids = master_data(api)
    season = packed_season(api, ids)
    osaka = api.as_("admin").post(
        "/locations",
        json={"kind": "importer", "name": "Osaka Produce KK", "address": {"country": "JP"}},
    )
    assert osaka.status_code == 201, osaka.json
    ids["other_importer"] = osaka.json["id"]
    with Session(app.extensions["trace.engine"], expire_on_commit=False) as session:
        _, tokens["importer"] = users.create(session, "tokyo-1", "importer", ids["importer"])
        _, tokens["other_importer"] = users.create(
            session, "osaka-1", "importer", ids["other_importer"]
        )
    worker = api.as_("worker")
    shipments = []
    for sscc, consignee in zip(season["ssccs"], ("importer", "other_importer"), strict=True):
        body = {**shipment_body(ids, [sscc]), "consignee_id": ids[consignee]}
        response = worker.post("/shipments", json=body)
        assert response.status_code == 201, response.json
        shipments.append(response.json["id"])
    response = worker.get(f"/lots/{season['packed']}/events")
    return {
        "ids": ids,
        "tokens": tokens,
        "harvest": season["harvest"],
        "packed": season["packed"],
        "ssccs": season["ssccs"],
        "shipments": shipments,  # [Tokyo's, Osaka's]
        "events": [event["id"] for event in response.json],
    }
