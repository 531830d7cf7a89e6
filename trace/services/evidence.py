"""Signed evidence: the organisation's Ed25519 key, signed checkpoints of the hash chain, and
signed files (EPCIS documents, recall reports) an inspector checks offline.

The private key lives in a file (TRACE_SIGNING_KEY_PATH), never in the database; the public
key and its fingerprint (SHA-256 of the raw 32-byte key, hex) are what inspectors are given.
Every public key the instance has signed with, current and retired, is kept in a key ring beside
it (`signing-key.keys.json`) with the period it signed in, and published at
`/.well-known/trace-keys.json`: rotating the key (`keys rotate`) keeps old documents verifiable.

A signed file is a JSON envelope (docs/epcis.md, "Signed evidence"):

    {"type": "trace-signed-evidence", "version": 1,
     "statement": {"fileName", "contentType", "size", "sha256", "signedAt", "keyFingerprint",
                   "checkpoint": {…the checkpoint's statement…, "signature"}},
     "signature": base64(Ed25519(canonical(statement))),
     "publicKey": base64(raw public key),
     "document": base64(the file's bytes)}

`canonical` is JSON with sorted keys, no spaces, UTF-8 (the hash chain's own canonical form), so
`tools/verify_evidence.py` re-creates the signed bytes with the standard library alone.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import func
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from trace.db.models import ChainHead, Checkpoint, Event
from trace.domain.errors import RuleViolation
from trace.domain.events import canonical, utc_iso

from .common import lock_chain, now, unit_of_work

ENVELOPE = "trace-signed-evidence"


# --- the key -----------------------------------------------------------------------------------


def public_path(key_path: Path) -> Path:
    """Where the public key is written beside the private one: `signing-key.pub.pem`."""
    return key_path.with_name(key_path.stem + ".pub.pem")


def keyring_path(key_path: Path) -> Path:
    """Where the public keys signed with so far are listed: `signing-key.keys.json`."""
    return key_path.with_name(key_path.stem + ".keys.json")


def _write_private(key_path: Path, key: Ed25519PrivateKey) -> None:
    key_path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Written beside and renamed into place: a crash never leaves half a key.
    partial = key_path.with_name(key_path.name + ".new")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
    os.chmod(partial, 0o600)
    os.replace(partial, key_path)
    public_path(key_path).write_bytes(public_pem(key.public_key()))


def create_key(key_path: Path, force: bool = False) -> Ed25519PrivateKey:
    """A new Ed25519 key: the private key to `key_path` (mode 0600), the public key beside it,
    and an entry in the key ring. With `force` an existing key is retired as by `rotate_key`."""
    if key_path.exists() and not force:
        raise RuleViolation(
            f"a signing key exists at {key_path}; replacing it would orphan every signature "
            "made with it (use `keys rotate` to retire it and start a new one)",
            kind="evidence.key_exists",
            path=str(key_path),
        )
    if key_path.exists():
        return rotate_key(key_path)
    key = Ed25519PrivateKey.generate()
    _write_private(key_path, key)
    _save_ring(key_path, [*_ring(key_path), _entry(key, now())])
    return key


def rotate_key(key_path: Path) -> Ed25519PrivateKey:
    """Retire the current key (it signed until now; its public key stays published, so what it
    signed still verifies) and sign with a new one from now on."""
    old = require_key(key_path)
    moment = now()
    ring = published_keys(key_path)
    retired = fingerprint(raw_public(old))
    for entry in ring:
        if entry["fingerprint"] == retired and entry["validUntil"] is None:
            entry["validUntil"] = utc_iso(moment)
            entry["status"] = "retired"
    key = Ed25519PrivateKey.generate()
    _write_private(key_path, key)
    _save_ring(key_path, [*ring, _entry(key, moment)])
    return key


def _entry(key: Ed25519PrivateKey, since: datetime | None) -> dict[str, Any]:
    raw = raw_public(key)
    return {
        "fingerprint": fingerprint(raw),
        "algorithm": "Ed25519",
        "publicKey": _b64(raw),
        "publicKeyPem": public_pem(key).decode(),
        "validFrom": utc_iso(since) if since else None,
        "validUntil": None,
        "status": "current",
    }


def _ring(key_path: Path) -> list[dict[str, Any]]:
    path = keyring_path(key_path)
    if not path.exists():
        return []
    return list(json.loads(path.read_text())["keys"])


def _save_ring(key_path: Path, entries: list[dict[str, Any]]) -> None:
    path = keyring_path(key_path)
    partial = path.with_name(path.name + ".new")
    partial.write_text(json.dumps({"keys": entries}, indent=1) + "\n")
    os.replace(partial, path)


def published_keys(key_path: Path) -> list[dict[str, Any]]:
    """Every public key this instance has signed with, oldest first: fingerprint, key (raw in
    base64 and PEM), `validFrom`/`validUntil` (UTC; None: still signing) and status. A key made
    before the ring existed is listed as current with no known start (`validFrom` None: its
    file's date may be that of a restore, later than what it signed)."""
    ring = _ring(key_path)
    key = load_key(key_path)
    if key is not None and fingerprint(raw_public(key)) not in {e["fingerprint"] for e in ring}:
        ring.append(_entry(key, None))
    return ring


def keys_document(key_path: Path, issuer: str) -> dict[str, Any]:
    """What `/.well-known/trace-keys.json` publishes (docs/epcis.md, "Verifying evidence")."""
    return {
        "type": "trace-signing-keys",
        "version": 1,
        "issuer": issuer,
        "keys": published_keys(key_path),
    }


def load_key(key_path: Path) -> Ed25519PrivateKey | None:
    """The private key at `key_path`, or None when there is none."""
    if not key_path.exists():
        return None
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuleViolation(
            f"{key_path} holds a key that is not Ed25519",
            kind="evidence.key_not_ed25519",
            path=str(key_path),
        )
    return key


def require_key(key_path: Path) -> Ed25519PrivateKey:
    """The signing key at `key_path`; none there is a refusal saying how to create one."""
    key = load_key(key_path)
    if key is not None:
        return key
    raise RuleViolation(
        f"no signing key at {key_path}: create one with `flask --app wsgi keys create`",
        kind="evidence.no_key",
        path=str(key_path),
    )


def raw_public(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def fingerprint(raw: bytes) -> str:
    """The SHA-256 of the raw 32-byte public key, hex: what inspectors compare."""
    return hashlib.sha256(raw).hexdigest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# --- checkpoints -------------------------------------------------------------------------------


def checkpoint_statement(checkpoint: Checkpoint) -> dict[str, Any]:
    """What a checkpoint's signature covers."""
    return {
        "type": "trace-checkpoint",
        "id": checkpoint.id,
        "lastEventId": checkpoint.last_event_id,
        "events": checkpoint.events,
        "chainHash": checkpoint.chain_hash,
        "createdAt": utc_iso(checkpoint.created_at),
        "keyFingerprint": checkpoint.key_fingerprint,
    }


def make_checkpoint(session: Session, key: Ed25519PrivateKey, reason: str = "manual") -> Checkpoint:
    """Sign the chain head as it is now (under the writers' lock, so head and count agree)."""
    with unit_of_work(session):
        head = lock_chain(session)
        count = session.exec(select(func.count()).select_from(Event)).one()
        raw = raw_public(key)
        checkpoint = Checkpoint(
            last_event_id=head.last_event_id,
            events=count,
            chain_hash=head.last_hash,
            created_at=now(),
            key_fingerprint=fingerprint(raw),
            public_key=_b64(raw),
            signature="",
            reason=reason,
        )
        session.add(checkpoint)
        session.flush()
        checkpoint.signature = _b64(key.sign(canonical(checkpoint_statement(checkpoint))))
        session.add(checkpoint)
    return checkpoint


def head_statement(session: Session, key: Ed25519PrivateKey) -> dict[str, Any]:
    """The chain head as it is now, signed like a checkpoint but written nowhere (`id` None):
    what a signed export carries, so that no GET writes to the database. Head and count come
    from one statement, so they agree."""
    counted = (
        sql_select(func.count())
        .select_from(Event)
        .where(col(Event.id) <= col(ChainHead.last_event_id))
        .scalar_subquery()
    )
    row = session.execute(
        sql_select(col(ChainHead.last_event_id), col(ChainHead.last_hash), counted).where(
            col(ChainHead.id) == 1
        )
    ).first()
    last_id, chain_hash, count = row if row is not None else (None, "0" * 64, 0)
    raw = raw_public(key)
    statement = {
        "type": "trace-checkpoint",
        "id": None,
        "lastEventId": last_id,
        "events": count if last_id is not None else 0,
        "chainHash": chain_hash,
        "createdAt": utc_iso(now()),
        "keyFingerprint": fingerprint(raw),
    }
    return {**statement, "signature": _b64(key.sign(canonical(statement)))}


def checkpoint_due(session: Session, interval_seconds: float) -> bool:
    """Whether the latest checkpoint is older than `interval_seconds` (or there is none): a
    scheduled `flask --app wsgi checkpoint --every N` makes at most one per interval."""
    latest = session.exec(select(func.max(Checkpoint.created_at))).one()
    if latest is None:
        return True
    if latest.tzinfo is None:
        latest = latest.replace(tzinfo=UTC)
    return (now() - latest).total_seconds() >= interval_seconds


def list_checkpoints(session: Session) -> list[Checkpoint]:
    return list(session.exec(select(Checkpoint).order_by(col(Checkpoint.id))))


def trusted_keys(key_path: Path) -> set[bytes] | None:
    """The raw public keys this instance signs or signed with (None: it has none yet)."""
    return {base64.b64decode(e["publicKey"]) for e in published_keys(key_path)} or None


def check_checkpoints(
    session: Session,
    hashes: dict[int, str],
    checked: int,
    trusted: bytes | Iterable[bytes] | None = None,
) -> list[dict[str, Any]]:
    """Each checkpoint against the recomputed chain: `hashes` maps the event ids checkpoints
    name to the hash the chain recomputed for them, `checked` is how many events verified.

    A checkpoint fails when its signature does not verify, when it was signed by a key other
    than `trusted` (the organisation's public keys, current and retired, when known), or when
    the chain no
    longer reaches its signed hash: history up to it was rewritten, even if every later hash
    was recomputed to match.
    """
    if isinstance(trusted, bytes):
        trusted = {trusted}
    elif trusted is not None:
        trusted = set(trusted)
    report = []
    for checkpoint in list_checkpoints(session):
        problems = []
        raw = base64.b64decode(checkpoint.public_key)
        if fingerprint(raw) != checkpoint.key_fingerprint:
            problems.append("its public key does not match its fingerprint")
        try:
            Ed25519PublicKey.from_public_bytes(raw).verify(
                base64.b64decode(checkpoint.signature),
                canonical(checkpoint_statement(checkpoint)),
            )
        except (InvalidSignature, ValueError):
            problems.append("its signature does not verify (the checkpoint row was edited)")
        if trusted is not None and raw not in trusted:
            problems.append("it was not signed with one of the organisation's signing keys")
        if checkpoint.last_event_id is not None:
            found = hashes.get(checkpoint.last_event_id)
            if found is None:
                problems.append(
                    f"event {checkpoint.last_event_id} it names was not reached by the "
                    f"verified chain ({checked} events verified)"
                )
            elif found != checkpoint.chain_hash:
                problems.append(
                    f"the chain up to event {checkpoint.last_event_id} no longer hashes to the "
                    "signed chain hash: history before the checkpoint was rewritten"
                )
        report.append(
            {
                "id": checkpoint.id,
                "last_event_id": checkpoint.last_event_id,
                "events": checkpoint.events,
                "chain_hash": checkpoint.chain_hash,
                "created_at": utc_iso(checkpoint.created_at),
                "key_fingerprint": checkpoint.key_fingerprint,
                "reason": checkpoint.reason,
                "ok": not problems,
                "problems": problems,
            }
        )
    return report


# --- signed files ------------------------------------------------------------------------------


def sign_file(
    session: Session, key: Ed25519PrivateKey, content: bytes, content_type: str, file_name: str
) -> dict[str, Any]:
    """The signed envelope of one file, with the chain head signed inside it (nothing is
    written: stored checkpoints come from `flask --app wsgi checkpoint`)."""
    checkpoint = head_statement(session, key)
    raw = raw_public(key)
    statement = {
        "fileName": file_name,
        "contentType": content_type,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "signedAt": utc_iso(now()),
        "keyFingerprint": fingerprint(raw),
        "checkpoint": checkpoint,
    }
    return {
        "type": ENVELOPE,
        "version": 1,
        "statement": statement,
        "signature": _b64(key.sign(canonical(statement))),
        "publicKey": _b64(raw),
        "document": _b64(content),
        "verify": "python3 verify_evidence.py THIS_FILE --keys trace-keys.json "
        "(saved from the exporter's /.well-known/trace-keys.json)",
    }


def check_on_instance(session: Session, envelope: dict[str, Any], key_path: Path) -> list[str]:
    """What is wrong with `envelope` as evidence of this instance, beyond the file's own
    signature (which `tools/verify_evidence.py` checks): the key must be one this instance
    signs or signed with, used within its period; the checkpoint inside must be one this
    instance made, and its hash chain must still reach it."""
    from .audit import verify as verify_chain

    statement = envelope.get("statement") if isinstance(envelope, dict) else None
    if not isinstance(statement, dict):
        return ["the file holds no signed statement"]
    problems = []
    keys = {e["fingerprint"]: e for e in published_keys(key_path)}
    named = statement.get("keyFingerprint")
    entry = keys.get(named)
    if entry is None:
        problems.append(
            f"it was signed with key {named}, which is not one of this instance's signing keys "
            f"({', '.join(sorted(keys)) or 'none yet'})"
        )
    elif envelope.get("publicKey") != entry["publicKey"]:
        problems.append(f"its embedded public key is not this instance's key {named}")
    else:
        signed_at = str(statement.get("signedAt") or "")
        if signed_at < (entry["validFrom"] or "") or (
            entry["validUntil"] is not None and signed_at > entry["validUntil"]
        ):
            until = entry["validUntil"] or "now"
            problems.append(
                f"it says it was signed at {signed_at}, outside the period key {named} signed "
                f"in ({entry['validFrom']} to {until})"
            )
    point = statement.get("checkpoint")
    if isinstance(point, dict) and point.get("id") is None and "lastEventId" in point:
        # A head signed on the fly (a signed export stores nothing): the event it names must
        # still carry the chain hash it states, and the chain must hold up to now.
        problems += _head_problems(session, point, key_path)
        return problems
    kept = session.get(Checkpoint, point.get("id")) if isinstance(point, dict) else None
    if kept is None or {**checkpoint_statement(kept), "signature": kept.signature} != point:
        ident = point.get("id") if isinstance(point, dict) else None
        problems.append(f"its checkpoint {ident} is not one this instance's database holds")
    else:
        result = verify_chain(session, trusted_keys(key_path))
        mine = next((c for c in result["checkpoints"] if c["id"] == kept.id), None)
        if mine is None or not mine["ok"]:
            why = "; ".join(mine["problems"]) if mine else "it was not checked"
            problems.append(
                f"this instance's hash chain no longer holds checkpoint {kept.id}: {why}"
            )
        elif not result["ok"]:
            problems.append(
                f"this instance's hash chain is broken: {result['first_broken']['reason']}"
            )
    return problems


def _head_problems(session: Session, point: dict[str, Any], key_path: Path) -> list[str]:
    """What is wrong with a chain head signed on the fly, as this instance's database sees it."""
    from .audit import verify as verify_chain

    result = verify_chain(session, trusted_keys(key_path))
    if not result["ok"]:
        return [f"this instance's hash chain is broken: {result['first_broken']['reason']}"]
    last = point.get("lastEventId")
    event = session.get(Event, last) if isinstance(last, int) and 0 < last < 2**63 else None
    if event is None or event.hash != point.get("chainHash"):
        return [
            f"its chain head (event {last}) is not one this instance's hash chain holds: the "
            "chain was rewritten after the file was signed"
        ]
    counted = session.execute(
        sql_select(func.count()).select_from(Event).where(col(Event.id) <= last)
    ).scalar_one()
    if counted != point.get("events"):
        return [
            f"it counts {point.get('events')} events up to event {last}; the chain has {counted}"
        ]
    return []
