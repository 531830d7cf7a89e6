"""The staff pages' paths and query strings fed hostile ids and text: each is refused with a
404 or 400 page (never a 500), writes nothing, and echoes nothing into a header."""

from __future__ import annotations

import pytest

from tests.hostile.corpus import SCRIPT, SQL
from tests.hostile.test_hostile_inputs import _counts
from tests.web.conftest import as_, staff  # noqa: F401 (fixtures: logged-in staff pages)

HUGE = "9" * 25  # beyond 64 bits
BIG = "2147483648"  # beyond a PostgreSQL integer
IDS = (HUGE, BIG, "-1", "0", "1e9", "٣", "%C2%B2", "0x10")


def staff_cases() -> list[tuple[str, str]]:
    out = []
    for ident in IDS:
        out += [
            ("admin", f"/app/admin/users/{ident}"),
            ("admin", f"/app/admin/locations/{ident}"),
            ("admin", f"/app/admin/products/{ident}"),
            ("inspector", f"/app/shipments/{ident}"),
            ("inspector", f"/app/chain/lot:{ident}"),
            ("inspector", f"/app/chain/location:{ident}"),
            ("inspector", f"/app/chain/shipment:{ident}"),
            ("inspector", f"/app/chain/pallet:{ident}"),
            ("inspector", f"/app/exports/fsma204.csv?shipment={ident}"),
            ("inspector", f"/app/exports/epcis.jsonld?shipment={ident}"),
            ("worker", f"/app/labels/preview.png?serial={ident}&lot=NOPE"),
            ("worker", f"/app/labels/printed/{ident}"),
            ("worker", f"/app/labels/file/{ident}"),
        ]
    for text in (SCRIPT, SQL, "%00", "%0D%0ASet-Cookie:%20x=1", "..%2F..%2Fetc%2Fpasswd"):
        out += [
            ("inspector", f"/app/lots/{text}"),
            ("inspector", f"/app/pallets/{text}"),
            ("inspector", f"/app/recall/{text}"),
            ("inspector", f"/app/chain/{text}"),
            ("inspector", f"/app/exports/fsma204.csv?lot={text}"),
            ("inspector", f"/search?q={text}&page={HUGE}"),
        ]
    return out


def test_the_staff_corpus_is_large(world):
    assert len(staff_cases()) >= 100


@pytest.fixture
def world(api, ids, season):
    return ids, season


def test_every_hostile_staff_path_is_a_clear_4xx(as_, engine, world):  # noqa: F811
    pages = {role: as_(role) for role in ("admin", "worker", "inspector")}
    before = _counts(engine)
    wrong = []
    for role, path in staff_cases():
        response = pages[role].client.get(path)
        status = response.status_code
        if status not in (400, 404):
            wrong.append(f"{path}: {status}")
        headers = "".join(f"{k}: {v}\n" for k, v in response.headers.items())
        if "Set-Cookie: x" in headers or "DROP TABLE" in headers or "<script" in headers:
            wrong.append(f"{path}: echoed into a header")
        if SCRIPT in response.get_data(as_text=True):
            wrong.append(f"{path}: echoed unescaped")
    assert wrong == [], "\n".join(wrong)
    assert _counts(engine) == before
