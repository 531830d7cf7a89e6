"""Schemathesis over every operation of /api/v1, in-process, with a valid token of each role the
operation lets in (docs/security.md, "Fuzzing the whole API").

Each operation gets EXAMPLES generated requests (TRACE_FUZZ_EXAMPLES, 25 by default): most fit
the OpenAPI document, some do not (negative examples), and some name the seeded season's real
lots, pallets, shipments and events so the requests reach past "not found". Every answer must be
below 500, have a status the operation documents explicitly (not only through `default`), and
match the documented content type, headers and body schema; an error is JSON that names its
status; a refused write changes nothing. A stateful run then follows the links schemathesis
infers (a harvest's code into its receipts, a location's id into a harvest…).

SQLite only: the requests, not the database, are what is fuzzed here (the API and persistence
tests run on both databases). Marked `fuzz`; `make test` runs it, `pytest -m "not fuzz"` skips it.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter, defaultdict

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.flows import count_rows
from tests.surface import NOT_YET_DOCUMENTED, operations, seed
from trace.api import PREFIX
from trace.app import create_app
from trace.config import signing_key_path
from trace.services import evidence

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("TRACE_FUZZ_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
WRITES = {"POST", "PATCH", "PUT", "DELETE"}
# What the season names, for parameters of those names (the rest is generated).
GLN, PUC = "8931234000011", "VN-HDTH-0112"

# The operations, read at collection from an app that never opens its database.
OPERATIONS = [
    op
    for op in operations(
        create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "INSTANCE_PATH": "/nonexistent"})
    )
    if op.roles  # the public discovery answer takes no token: test_authorisation covers it
]
# Figures for docs/security.md: printed when the module ends (pytest -s or -rA shows them).
TALLY: dict[str, Counter] = defaultdict(Counter)
CRASH = 599  # an exception that escaped the view: a server's 500


@pytest.fixture(scope="module")
def world(sqlite_template, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copy(sqlite_template, folder / "trace.db")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{folder / 'trace.db'}",
            "INSTANCE_PATH": str(folder),
        }
    )
    evidence.create_key(signing_key_path(app.config, app.instance_path))
    data = seed(app)
    schema = schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", app)
    # The token is ours to choose (a role the operation lets in); test_authorisation sends the
    # wrong ones.
    schema.config.generation.update(with_security_parameters=False)
    yield app, schema, data
    app.extensions["trace.engine"].dispose()
    for name, counts in (
        ("operations", [c for label, c in TALLY.items() if label != "stateful"]),
        ("stateful", [TALLY["stateful"]]),
    ):
        total = sum(counts, Counter())
        server_errors = sum(n for status, n in total.items() if status >= 500)
        print(
            f"\nfuzz {name}: {len(counts)} run, {total.total()} requests, "
            f"5xx: {server_errors}, statuses: {dict(sorted(total.items()))}"
        )


def known_values(data: dict, path: str) -> list[dict]:
    """Path parameters that name something the season holds."""
    lots = [data["harvest"], data["packed"]]
    if path.endswith("{code}.csv") or path.endswith("{code}.pdf") or "/trace/" in path:
        codes = [*lots, *data["ssccs"], str(data["shipments"][0]), GLN, PUC]
    elif "/recall/" in path:
        codes = [*lots, data["ssccs"][0], PUC]
    else:
        codes = lots
    by_resource = {
        "locations": list(data["ids"].values()),
        "products": [1],
        "shipments": data["shipments"],
        "events": data["events"],
    }
    if "{code}" in path:
        return [{"code": code} for code in codes]
    if "{ident}" in path:
        resource = path.removeprefix(PREFIX + "/").split("/")[0]
        return [{"ident": ident} for ident in by_resource[resource]]
    if "{sscc}" in path:
        return [{"sscc": sscc} for sscc in data["ssccs"]]
    return []


def known_queries(data: dict, path: str) -> list[dict]:
    if path.startswith(f"{PREFIX}/exports/") and "glossary" not in path:
        return [{"shipment": data["shipments"][0]}, {"lot": data["packed"]}]
    return []


def strategy(operation, data: dict):
    """Generated requests, a few not fitting the schema, many naming real things."""
    options = [
        operation.as_strategy(),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    ]
    options += [
        operation.as_strategy(path_parameters=values)
        for values in known_values(data, operation.path)
    ]
    options += [operation.as_strategy(query=query) for query in known_queries(data, operation.path)]
    return st.one_of(options)


def documented_explicitly(operation, status: int) -> bool:
    if status in NOT_YET_DOCUMENTED.get(operation.label, ()):
        return True
    return str(status) in operation.definition.raw.get("responses", {})


def check_error_body(response) -> None:
    if response.status_code < 400:
        return
    assert response.headers.get("content-type", [""])[0].split(";")[0].endswith("json"), (
        f"a {response.status_code} that is not JSON"
    )
    body = json.loads(response.content)
    assert body["code"] == response.status_code, body
    assert body.get("message") or body.get("errors"), body


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.label)
def test_every_operation_answers_as_documented(world, op):
    app, schema, data = world
    operation = schema[op.path][op.method]
    engine = app.extensions["trace.engine"]
    tally = TALLY[op.label]

    @SETTINGS
    @given(case=strategy(operation, data), role=st.sampled_from(op.roles))
    def run(case, role):
        token = data["tokens"][role]
        before = count_rows(engine) if op.method in WRITES else None
        try:
            response = case.call(headers={"Authorization": f"Bearer {token}"})
        except Exception:
            tally[CRASH] += 1  # TESTING propagates the exception a server would answer 500 to
            raise
        tally[response.status_code] += 1
        assert response.status_code < 500, response.content[:2000]
        assert documented_explicitly(operation, response.status_code), (
            f"{op.label} answered {response.status_code}, which it does not document: "
            f"{response.content[:500]!r}"
        )
        case.validate_response(response, checks=CHECKS)
        check_error_body(response)
        if before is not None and response.status_code >= 400:
            assert count_rows(engine) == before, f"a refused {op.label} wrote something"

    run()


def test_stateful_sequences_follow_the_inferred_links(world):
    """Sequences of calls, each feeding the next the codes and ids the last one answered (links
    schemathesis infers from the document: a harvest's code into a receipt, a location's id
    into a harvest, a pallet's SSCC into a shipment…), as an admin, who may call them all."""
    app, schema, data = world
    engine = app.extensions["trace.engine"]
    headers = {"Authorization": f"Bearer {data['tokens']['admin']}"}
    tally = TALLY["stateful"]

    class Sequences(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": headers}

        def call(self, case, **kwargs):
            self._before = count_rows(engine) if case.method.upper() in WRITES else None
            return super().call(case, **kwargs)

        def validate_response(self, response, case, **kwargs):
            tally[response.status_code] += 1
            assert response.status_code < 500, response.content[:2000]
            assert documented_explicitly(case.operation, response.status_code), (
                f"{case.operation.label} answered {response.status_code}, undocumented"
            )
            case.validate_response(response, checks=CHECKS)
            check_error_body(response)
            if self._before is not None and response.status_code >= 400:
                assert count_rows(engine) == self._before

    Sequences.run(
        settings=settings(SETTINGS, max_examples=max(EXAMPLES // 3, 5), stateful_step_count=8)
    )
