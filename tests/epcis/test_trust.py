"""Keys that anchor trust: the instance publishes the keys it signs with (current and retired),
both verifiers refuse a file re-signed with anyone else's key, and a rotated key still verifies
what it signed."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.epcis.test_evidence import _rewrite_history
from trace.domain.events import canonical
from trace.services.evidence import public_pem

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "verify_evidence.py"
KEYS_URL = "/.well-known/trace-keys.json"


def run_tool(path: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(TOOL), str(path), *extra], capture_output=True, text=True
    )


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def key(app):
    result = cli(app, "keys", "create")
    assert result.exit_code == 0, result.output
    return result.output.split()[-1]


def export(api, shipped, tmp_path: Path, name: str) -> tuple[Path, dict]:
    response = api.as_("inspector").get(
        f"/exports/epcis?shipment={shipped['shipment']}&signed=true"
    )
    assert response.status_code == 200, response.data[:300]
    path = tmp_path / name
    path.write_bytes(response.data)
    return path, json.loads(response.data)


def saved_keys(client, tmp_path: Path) -> Path:
    """What an importer saves from the exporter's site before it checks anything."""
    response = client.get(KEYS_URL)
    assert response.status_code == 200 and response.mimetype == "application/json"
    path = tmp_path / "trace-keys.json"
    path.write_bytes(response.data)
    return path


def resigned(envelope: dict, stranger: Ed25519PrivateKey) -> dict:
    """The same document, statement and checkpoint, signed again by someone else's key: every
    signature in it verifies, with the stranger's key."""
    raw = stranger.public_key().public_bytes_raw()
    fingerprint = hashlib.sha256(raw).hexdigest()
    point = {k: v for k, v in envelope["statement"]["checkpoint"].items() if k != "signature"}
    point["keyFingerprint"] = fingerprint
    point["signature"] = base64.b64encode(stranger.sign(canonical(point))).decode()
    statement = {**envelope["statement"], "keyFingerprint": fingerprint, "checkpoint": point}
    return {
        **envelope,
        "statement": statement,
        "signature": base64.b64encode(stranger.sign(canonical(statement))).decode(),
        "publicKey": base64.b64encode(raw).decode(),
    }


def test_the_instance_publishes_its_keys(client, key):
    body = client.get(KEYS_URL).json
    assert body["type"] == "trace-signing-keys" and body["issuer"].startswith("http")
    (only,) = body["keys"]
    assert only["fingerprint"] == key and only["status"] == "current"
    assert only["validUntil"] is None and only["validFrom"].endswith("Z")
    raw = base64.b64decode(only["publicKey"])
    assert hashlib.sha256(raw).hexdigest() == key
    assert "PRIVATE" not in json.dumps(body)


def test_a_file_resigned_by_a_stranger_is_invalid_for_both_verifiers(
    api, client, shipped, key, tmp_path, app
):
    path, envelope = export(api, shipped, tmp_path, "genuine.signed.json")
    keys = saved_keys(client, tmp_path)
    result = run_tool(path, "--keys", str(keys))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"ok   trusted key {key} from {keys}" in result.stdout
    assert cli(app, "verify", str(path)).exit_code == 0

    stranger = Ed25519PrivateKey.generate()
    forged = tmp_path / "forged.signed.json"
    forged.write_text(json.dumps(resigned(envelope, stranger)))
    # The file is internally consistent: with the stranger's own key it would "verify".
    pem = tmp_path / "stranger.pub.pem"
    pem.write_bytes(public_pem(stranger))
    assert run_tool(forged, "--public-key", str(pem)).returncode == 0
    # Against the exporter's published keys, or its pinned fingerprint, it does not.
    for anchor in (["--keys", str(keys)], ["--fingerprint", key]):
        result = run_tool(forged, *anchor)
        assert result.returncode == 1, result.stdout
        assert "is NOT one you trust" in result.stdout and "INVALID" in result.stdout
    # Without any key it refuses to say VALID.
    result = run_tool(forged)
    assert result.returncode == 1
    assert "no key you trust was given" in result.stdout and "INVALID" in result.stdout
    assert run_tool(path).returncode == 1  # nor for the genuine file
    # The exporter's own server names why.
    result = cli(app, "verify", str(forged))
    assert result.exit_code == 1
    assert "not one of this instance's signing keys" in result.output
    assert "INVALID" in result.output


def test_a_rotated_key_still_verifies_old_documents(api, client, shipped, key, tmp_path, app):
    assert cli(app, "checkpoint").exit_code == 0  # a stored checkpoint, signed by the old key
    old_path, old = export(api, shipped, tmp_path, "old.signed.json")
    result = cli(app, "keys", "rotate")
    assert result.exit_code == 0, result.output
    assert f"retired: {key}" in result.output
    new_key = result.output.split()[-1]
    assert new_key != key
    assert cli(app, "checkpoint").exit_code == 0  # and one by the new key
    new_path, new = export(api, shipped, tmp_path, "new.signed.json")
    assert new["statement"]["keyFingerprint"] == new_key

    body = client.get(KEYS_URL).json
    retired, current = body["keys"]
    assert (retired["fingerprint"], retired["status"]) == (key, "retired")
    assert retired["validFrom"] <= old["statement"]["signedAt"] <= retired["validUntil"]
    assert (current["fingerprint"], current["status"], current["validUntil"]) == (
        new_key,
        "current",
        None,
    )
    keys = saved_keys(client, tmp_path)
    for path in (old_path, new_path):
        result = run_tool(path, "--keys", str(keys))
        assert result.returncode == 0, result.stdout
        result = cli(app, "verify", str(path))
        assert result.exit_code == 0, result.output
    # The checkpoint signed by the retired key still holds in the audit.
    verified = api.as_("inspector").get("/audit/verify").json
    assert verified["ok"] is True and len(verified["checkpoints"]) == 2

    # The retired key cannot vouch for something "signed" after it was retired.
    late = tmp_path / "late.signed.json"
    later = {**old["statement"], "signedAt": "2099-01-01T00:00:00.000000Z"}
    late.write_text(json.dumps({**old, "statement": later}))
    result = run_tool(late, "--keys", str(keys))
    assert result.returncode == 1 and "outside the period of trusted key" in result.stdout


def test_the_instance_refuses_a_file_whose_chain_was_rewritten(
    api, shipped, key, tmp_path, app, engine
):
    path, _ = export(api, shipped, tmp_path, "evidence.signed.json")
    assert cli(app, "verify", str(path)).exit_code == 0
    _rewrite_history(engine, "receive")
    result = cli(app, "verify", str(path))
    assert result.exit_code == 1
    assert "chain head (event" in result.output and "rewritten" in result.output


def test_linksets_and_the_lookup_page_point_at_the_keys(client, shipped, key):
    lot = f"/01/08931234567897/10/{shipped['packed']}"
    links = client.get(lot, headers={"Accept": "application/linkset+json"}).json
    (entry,) = [e for e in links["linkset"] if e["anchor"].endswith(lot)]
    (found,) = entry["describedby"]
    assert found["href"].endswith(KEYS_URL) and found["type"] == "application/json"
    page = client.get(lot + "?lang=vi").get_data(as_text=True)
    assert f'<a class="keys" href="{KEYS_URL}">Khóa dùng để ký' in page


def test_a_key_made_before_the_key_ring_is_published_and_trusted(
    api, client, shipped, key, tmp_path, app
):
    ring = Path(app.instance_path) / "signing-key.keys.json"
    ring.unlink()  # as on an instance whose key predates the ring
    path, _ = export(api, shipped, tmp_path, "evidence.signed.json")
    (only,) = client.get(KEYS_URL).json["keys"]
    assert (only["fingerprint"], only["status"], only["validFrom"]) == (key, "current", None)
    assert run_tool(path, "--keys", str(saved_keys(client, tmp_path))).returncode == 0
    assert cli(app, "verify", str(path)).exit_code == 0
    result = cli(app, "keys", "rotate")
    assert result.exit_code == 0, result.output
    retired = client.get(KEYS_URL).json["keys"][0]
    assert retired["fingerprint"] == key and retired["validUntil"] is not None
    assert cli(app, "verify", str(path)).exit_code == 0
