"""Fixtures: every persistence and API test runs on SQLite and on PostgreSQL.

Each database is migrated once per run into a template; each test gets a fresh copy (a file
copy on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL), so tests never see each other.
Without PostgreSQL binaries the PostgreSQL half skips, saying why, except under CI (CI=true),
where it fails: CI must prove both databases.
"""

from __future__ import annotations

import itertools
import os
import shutil
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlmodel import Session

from tests.pg import Server, bindir
from trace.app import create_app
from trace.db import migrate
from trace.db.engine import make_engine
from trace.domain.errors import DomainError
from trace.domain.kinds import KINDS
from trace.gs1 import GS1Error
from trace.services import users

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
_numbers = itertools.count()


@pytest.fixture(autouse=True)
def _errors_name_a_listed_kind(request, monkeypatch):
    """Every domain or GS1 error a test provokes names a kind of trace/domain/kinds.py with
    exactly its params: each test that meets a refusal also checks the refusal's kind."""
    made = []
    for cls in (DomainError, GS1Error):

        def init(self, *args, _original=cls.__init__, **kwargs):
            _original(self, *args, **kwargs)
            made.append(self)

        monkeypatch.setattr(cls, "__init__", init)
    yield
    if request.node.get_closest_marker("unlisted_kind"):
        return
    wrong = {
        error.kind: sorted(error.params)
        for error in made
        if error.kind
        and (error.kind not in KINDS or set(error.params) != set(KINDS[error.kind].params))
    }
    assert wrong == {}, "kinds or params not as trace/domain/kinds.py lists them"


@pytest.fixture(scope="session")
def pg_server():
    binaries = bindir()
    if binaries is None:
        reason = "no PostgreSQL server binaries (pg_ctl, initdb): install Debian's postgresql"
        if IN_CI:
            pytest.fail(reason + " — CI must run the PostgreSQL tests")
        pytest.skip(reason)
    server = Server(binaries)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_template(pg_server):
    admin = make_engine(pg_server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE trace_template"))
    engine = make_engine(pg_server.url("trace_template"))
    migrate.upgrade(engine)
    engine.dispose()
    yield admin
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "trace.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """A freshly migrated, empty database of each kind."""
    if request.param == "sqlite":
        path = tmp_path / "trace.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    with pg_database(
        request.getfixturevalue("pg_template"), request.getfixturevalue("pg_server")
    ) as url:
        yield url


@contextmanager
def pg_database(template, server, prefix: str = "t"):
    """A new PostgreSQL database copied from the migrated template; dropped afterwards."""
    name = f"{prefix}{os.getpid()}_{next(_numbers)}"
    with template.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE trace_template"))
    try:
        yield server.url(name)
    finally:
        with template.connect() as conn:
            conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path)}
    )
    yield app
    app.extensions["trace.engine"].dispose()


@pytest.fixture
def engine(app):
    return app.extensions["trace.engine"]


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def tokens(engine):
    """An API token for each staff role."""
    out = {}
    with Session(engine, expire_on_commit=False) as session:
        for role in ("admin", "worker", "inspector"):
            _, out[role] = users.create(session, f"{role}-1", role)
    return out


class Api:
    """The test client with a role's token: `api.as_("worker").post("/lots/harvest", json=…)`."""

    def __init__(self, client, tokens):
        self.client = client
        self.tokens = tokens

    def as_(self, role: str | None):
        api = Api(self.client, self.tokens)
        api.role = role
        return api

    role = "admin"

    def _call(self, method, path, **kwargs):
        headers = kwargs.pop("headers", {})
        if self.role:
            headers["Authorization"] = f"Bearer {self.tokens[self.role]}"
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self._call("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self._call("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self._call("PATCH", path, **kwargs)


@pytest.fixture
def api(client, tokens):
    return Api(client, tokens)


@pytest.fixture
def ids(api):
    """The walkthrough's master data: orchard, house, facility, exporter, importer; a product."""
    from tests.flows import master_data

    return master_data(api)


@pytest.fixture
def season(api, ids):
    """The walkthrough up to two full pallets of 100 cartons (no shipment yet)."""
    from tests.flows import packed_season

    return packed_season(api, ids)


@pytest.fixture
def shipped(api, ids, season):
    """The walkthrough season, shipped to Tokyo and departed; with the shipment id."""
    from tests.flows import shipped_and_departed

    shipment = shipped_and_departed(api, ids, season["ssccs"])
    return {**season, "shipment": shipment}
