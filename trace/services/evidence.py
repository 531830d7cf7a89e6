"""Signed evidence: the organisation's Ed25519 key, signed checkpoints of the hash chain, and
signed files (EPCIS documents, recall reports) an inspector checks offline.

The private key lives in a file (TRACE_SIGNING_KEY_PATH), never in the database; the public
key and its fingerprint (SHA-256 of the raw 32-byte key, hex) are what inspectors are given.

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
import os
from datetime import UTC
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import func
from sqlalchemy import select as sql_select
from sqlmodel import Session, select

from trace.db.models import ChainHead, Checkpoint, Event
from trace.domain.errors import RuleViolation
from trace.domain.events import canonical, utc_iso

from .common import lock_chain, now, unit_of_work

ENVELOPE = "trace-signed-evidence"


# --- the key -----------------------------------------------------------------------------------


def public_path(key_path: Path) -> Path:
    """Where the public key is written beside the private one: `signing-key.pub.pem`."""
    return key_path.with_name(key_path.stem + ".pub.pem")


def create_key(key_path: Path, force: bool = False) -> Ed25519PrivateKey:
    """A new Ed25519 key: the private key to `key_path` (mode 0600), the public key beside it."""
    if key_path.exists() and not force:
        raise RuleViolation(
            f"a signing key exists at {key_path}; replacing it would orphan every signature "
            "made with it (use --force if that is what you want)"
        )
    key = Ed25519PrivateKey.generate()
    key_path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
    os.chmod(key_path, 0o600)
    public_path(key_path).write_bytes(public_pem(key.public_key()))
    return key


def load_key(key_path: Path) -> Ed25519PrivateKey | None:
    """The private key at `key_path`, or None when there is none."""
    if not key_path.exists():
        return None
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuleViolation(f"{key_path} holds a key that is not Ed25519")
    return key


def require_key(key_path: Path) -> Ed25519PrivateKey:
    key = load_key(key_path)
    if key is None:
        raise RuleViolation(
            f"no signing key at {key_path}: create one with `flask --app wsgi keys create`"
        )
    return key


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


def checkpoint_statement(checkpoint: Checkpoint) -> dict:
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


def head_statement(session: Session, key: Ed25519PrivateKey) -> dict:
    """The chain head as it is now, signed like a checkpoint but written nowhere (`id` None):
    what a signed export carries, so that no GET writes to the database. Head and count come
    from one statement, so they agree."""
    head = ChainHead.__table__
    counted = (
        sql_select(func.count())
        .select_from(Event)
        .where(Event.id <= head.c.last_event_id)
        .scalar_subquery()
    )
    row = session.execute(
        sql_select(head.c.last_event_id, head.c.last_hash, counted).where(head.c.id == 1)
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
    return list(session.exec(select(Checkpoint).order_by(Checkpoint.id)))


def check_checkpoints(
    session: Session, hashes: dict[int, str], checked: int, trusted: bytes | None = None
) -> list[dict]:
    """Each checkpoint against the recomputed chain: `hashes` maps the event ids checkpoints
    name to the hash the chain recomputed for them, `checked` is how many events verified.

    A checkpoint fails when its signature does not verify, when it was signed by a key other
    than `trusted` (the organisation's current public key, when known), or when the chain no
    longer reaches its signed hash: history up to it was rewritten, even if every later hash
    was recomputed to match.
    """
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
        if trusted is not None and raw != trusted:
            problems.append("it was not signed with the organisation's signing key")
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
) -> dict:
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
        "verify": "python3 tools/verify_evidence.py THIS_FILE --public-key exporter.pub.pem",
    }
