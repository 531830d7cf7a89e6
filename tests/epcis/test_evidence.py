"""Signed evidence: the key, signed exports and recall reports that an inspector checks offline
with tools/verify_evidence.py (or `flask verify FILE`), and checkpoints that catch history
rewritten in the database even when every later hash was recomputed to match."""

from __future__ import annotations

import base64
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.epcis.conftest import assert_valid, events_of
from trace.domain.events import GENESIS_HASH, chain_hash

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "verify_evidence.py"


@pytest.fixture
def key(app):
    result = app.test_cli_runner().invoke(args=["keys", "create"])
    assert result.exit_code == 0, result.output
    private = Path(app.instance_path) / "signing-key.pem"
    public = Path(app.instance_path) / "signing-key.pub.pem"
    assert private.exists() and oct(private.stat().st_mode & 0o777) == "0o600"
    return {"private": private, "public": public, "fingerprint": result.output.split()[-1]}


def run_tool(path: Path, *extra: str) -> subprocess.CompletedProcess:
    # The inspector's laptop: a fresh interpreter, the standard library and cryptography.
    return subprocess.run(
        [sys.executable, str(TOOL), str(path), *extra], capture_output=True, text=True
    )


def signed(api, url: str, tmp_path: Path, role="inspector") -> tuple[Path, dict]:
    response = api.as_(role).get(url)
    assert response.status_code == 200, response.data[:300]
    assert response.content_type == "application/json"
    assert response.headers["Content-Disposition"].endswith(".signed.json")
    path = tmp_path / "evidence.signed.json"
    path.write_bytes(response.data)
    return path, json.loads(response.data)


def test_a_signed_epcis_export_verifies_offline(api, shipped, key, tmp_path, app):
    path, envelope = signed(api, f"/exports/epcis?lot={shipped['packed']}&signed=true", tmp_path)
    document = json.loads(base64.b64decode(envelope["document"]))
    assert_valid(document)
    assert len(events_of(document)) == 8
    assert envelope["statement"]["keyFingerprint"] == key["fingerprint"]
    assert envelope["statement"]["checkpoint"]["events"] == 8
    result = run_tool(
        path, "--public-key", str(key["public"]), "--extract", str(tmp_path / "d.jsonld")
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VALID" in result.stdout and "FAIL" not in result.stdout
    assert json.loads((tmp_path / "d.jsonld").read_bytes()) == document
    result = app.test_cli_runner().invoke(args=["verify", str(path)])
    assert result.exit_code == 0, result.output
    # a GET writes nothing: the chain head is signed in the envelope, not stored
    verified = api.as_("inspector").get("/audit/verify").json
    assert verified["ok"] is True
    assert verified["checkpoints"] == []
    assert envelope["statement"]["checkpoint"]["id"] is None


def test_tampering_with_a_signed_file_is_caught(api, shipped, key, tmp_path):
    path, envelope = signed(
        api, f"/exports/epcis?shipment={shipped['shipment']}&signed=true", tmp_path
    )
    document = base64.b64decode(envelope["document"]).replace(b"MSCU1234565", b"MSCU7654321")
    changed = {**envelope, "document": base64.b64encode(document).decode()}
    path.write_text(json.dumps(changed))
    result = run_tool(path)
    assert result.returncode == 1
    assert "FAIL document SHA-256" in result.stdout and "the document was changed" in result.stdout
    # re-hashing the document in the statement breaks the signature instead
    import hashlib

    statement = {**envelope["statement"], "sha256": hashlib.sha256(document).hexdigest()}
    path.write_text(json.dumps({**changed, "statement": statement}))
    result = run_tool(path)
    assert result.returncode == 1
    assert "FAIL signature over the statement does NOT verify" in result.stdout
    # a file signed by someone else's key is named as such
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from trace.services.evidence import public_pem

    other = tmp_path / "other.pub.pem"
    other.write_bytes(public_pem(Ed25519PrivateKey.generate()))
    path.write_text(json.dumps(envelope))
    result = run_tool(path, "--public-key", str(other))
    assert result.returncode == 1 and "is NOT one you trust (--public-key" in result.stdout
    assert run_tool(path, "--fingerprint", key["fingerprint"]).returncode == 0


def test_recall_reports_as_csv_and_pdf(api, shipped, key, tmp_path):
    inspector = api.as_("inspector")
    response = inspector.get(f"/recall/{shipped['harvest']}.csv")
    assert response.status_code == 200 and response.content_type.startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [r["Pallet SSCC"] for r in rows] == shipped["ssccs"]
    assert {r["Consignee (importer)"] for r in rows} == {"Tokyo Fresh Trading KK"}
    assert {(r["Market"], r["Status"], r["Affected cartons on pallet"]) for r in rows} == {
        ("JP", "departed", "100")
    }
    assert rows[0]["Phytosanitary certificate"] == "VN-PC-2026-118822"
    response = inspector.get(f"/recall/{shipped['harvest']}.pdf")
    assert response.status_code == 200 and response.content_type == "application/pdf"
    import pypdfium2

    pdf = pypdfium2.PdfDocument(response.data)
    words = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    for expected in ("Recall report", "Tokyo Fresh Trading KK", "MSCU1234565", shipped["ssccs"][0],
                     "Orchards", "Vườn vải Thanh Quang 12", "200 cartons shipped"):  # fmt: skip
        assert expected in words, expected
    # the JSON route is as it was
    assert inspector.get(f"/recall/{shipped['harvest']}").json["totals"]["cartons_shipped"] == 200
    path, envelope = signed(api, f"/recall/{shipped['harvest']}.pdf?signed=true", tmp_path)
    assert envelope["statement"]["contentType"] == "application/pdf"
    assert run_tool(path, "--public-key", str(key["public"])).returncode == 0


def test_signing_needs_a_key(api, shipped):
    response = api.as_("inspector").get(f"/exports/epcis?lot={shipped['packed']}&signed=true")
    assert response.status_code == 409
    assert "keys create" in response.json["message"]


def _rewrite_history(engine, target_type: str) -> int:
    """Someone with database access edits an event and recomputes every hash after it, so the
    chain alone still verifies."""
    from types import SimpleNamespace

    from trace.services.common import event_content

    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER event_no_update"))
        else:
            conn.execute(text("ALTER TABLE event DISABLE TRIGGER event_no_update"))
        rows = conn.execute(text("SELECT * FROM event ORDER BY id")).mappings().all()
        prev = GENESIS_HASH
        target = None
        for row in rows:
            values = dict(row)
            data = (
                values["data"] if isinstance(values["data"], dict) else json.loads(values["data"])
            )
            if values["type"] == target_type and target is None:
                target = values["id"]
                data = {
                    **data,
                    "quantity": 1200,
                    "quantities": [{**data["quantities"][0], "quantity": 1200}],
                }
            for moment in ("event_time", "record_time"):
                if isinstance(values[moment], str):
                    from datetime import UTC, datetime

                    values[moment] = datetime.fromisoformat(values[moment]).replace(tzinfo=UTC)
            values["data"] = data
            digest = chain_hash(event_content(SimpleNamespace(**values)), prev)
            conn.execute(
                text(
                    "UPDATE event SET data = :data, prev_hash = :prev, hash = :hash WHERE id = :id"
                ),
                {"data": json.dumps(data), "prev": prev, "hash": digest, "id": values["id"]},
            )
            prev = digest
        conn.execute(text("UPDATE chain_head SET last_hash = :h"), {"h": prev})
    return target


def test_rewriting_history_after_a_checkpoint_is_caught(api, shipped, key, app, engine):
    result = app.test_cli_runner().invoke(args=["checkpoint"])
    assert result.exit_code == 0, result.output
    assert "checkpoint 1: 8 events" in result.output
    target = _rewrite_history(engine, "receive")
    verified = api.as_("inspector").get("/audit/verify").json
    assert verified["events_checked"] == 8  # the chain alone was made to look right …
    assert verified["ok"] is False  # … but the signed checkpoint was not
    (point,) = verified["checkpoints"]
    assert point["ok"] is False
    assert "no longer hashes to the signed chain hash" in point["problems"][0]
    assert "checkpoint 1" in verified["first_broken"]["reason"]
    result = app.test_cli_runner().invoke(args=["verify"])
    assert result.exit_code == 1
    assert "FAIL checkpoint 1" in result.output and "rewritten" in result.output
    assert target is not None


def test_keys_and_checkpoints_from_the_api(api, key, app):
    response = api.as_("inspector").get("/evidence/public-key")
    assert response.status_code == 200
    assert response.json["fingerprint"] == key["fingerprint"]
    assert response.json["public_key_pem"] == key["public"].read_text()
    assert api.as_("inspector").post("/evidence/checkpoints").status_code == 403
    response = api.as_("admin").post("/evidence/checkpoints")
    assert response.status_code == 201 and response.json["events"] == 0
    assert len(api.as_("inspector").get("/evidence/checkpoints").json) == 1
    result = app.test_cli_runner().invoke(args=["keys", "create"])
    assert result.exit_code != 0 and "exists" in result.output
    result = app.test_cli_runner().invoke(args=["keys", "show"])
    assert key["fingerprint"] in result.output and "BEGIN PUBLIC KEY" in result.output


def test_no_get_writes_and_a_schedule_checkpoints_at_most_once_an_interval(
    api, shipped, key, app, engine
):
    from sqlalchemy import text

    def rows():
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM checkpoint")).scalar_one()

    for url in (
        f"/exports/epcis?lot={shipped['packed']}&signed=true",
        f"/exports/fsma204.csv?lot={shipped['packed']}&signed=true",
        f"/recall/{shipped['harvest']}.pdf?signed=true",
    ):
        assert api.as_("inspector").get(url).status_code == 200, url
    assert rows() == 0
    runner = app.test_cli_runner()
    first = runner.invoke(args=["checkpoint", "--every", "3600"])
    assert first.exit_code == 0 and "checkpoint 1: 8 events" in first.output, first.output
    again = runner.invoke(args=["checkpoint", "--every", "3600"])
    assert again.exit_code == 0 and "no checkpoint" in again.output
    assert rows() == 1
    due = runner.invoke(args=["checkpoint", "--every", "0"])
    assert due.exit_code == 0 and "checkpoint 2" in due.output
    assert rows() == 2
