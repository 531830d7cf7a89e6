"""Which public pages a PostgreSQL read replica can serve (docs/operations.md, "a province").

A hot standby refuses every write; a database whose sessions default to read-only transactions
refuses them the same way. Lot, pallet and place pages and linksets only read: a pool of
workers on the replica can answer them. A carton's page (a serial, `/21/…`) counts the scan:
it needs the primary, and the proxy must send it there.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import pg_database
from tests.flows import BROWSER, GTIN
from tests.test_backup import record_season
from trace.app import create_app

pytestmark = pytest.mark.postgres


@pytest.fixture
def database_url(pg_template, pg_server):
    """PostgreSQL only (a read replica is a PostgreSQL deployment): overrides conftest's pair."""
    with pg_database(pg_template, pg_server, "ro") as url:
        yield url


def test_public_pages_but_carton_scans_work_on_a_read_only_database(
    database_url, app, api, client, engine, tmp_path
):
    codes = record_season(api, client)
    name = engine.url.database
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"ALTER DATABASE {name} SET default_transaction_read_only = on"))
    replica = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path)}
    )
    reader = replica.test_client()
    try:
        lot = f"/01/{GTIN}/10/{codes['packed']}"
        page = reader.get(lot, headers={"Accept-Language": "ja"})
        assert page.status_code == 200 and codes["packed"] in page.text
        assert page.headers["Cache-Control"].startswith("public")
        again = reader.get(
            lot, headers={"Accept-Language": "ja", "If-None-Match": page.headers["ETag"]}
        )
        assert again.status_code == 304
        linkset = reader.get(f"{lot}?linkType=linkset")
        assert linkset.status_code == 200 and "linkset" in linkset.json
        assert reader.get(f"/00/{codes['ssccs'][0]}").status_code == 200
        assert reader.get(f"/t/{codes['harvest']}").status_code == 200
        assert reader.get("/414/8931234000011").status_code == 200  # the packing house
        # A carton's page counts the scan: on a replica it cannot.
        with pytest.raises(Exception, match="read-only transaction"):
            reader.get(f"{lot}/21/{codes['serials'][0]}", headers=BROWSER)
    finally:
        replica.extensions["trace.engine"].dispose()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"ALTER DATABASE {name} RESET default_transaction_read_only"))
