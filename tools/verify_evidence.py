#!/usr/bin/env python3
"""Check a signed evidence file from trace, offline: `python3 verify_evidence.py FILE`.

Needs Python 3.9+ and the `cryptography` package (pip install cryptography); nothing else, no
network, no access to trace. Copy this one file to the laptop that checks.

    python3 verify_evidence.py recall_P260611-0002.pdf.signed.json \
        --public-key exporter.pub.pem --extract recall.pdf

It checks, and says which of these fails:
  1. the file is a trace signed-evidence envelope (version 1);
  2. the embedded public key matches the fingerprint the statement names, and, with
     --public-key/--fingerprint, is the exporter's key you were given (without them the
     signature proves only that the file was not changed since whoever holds that key signed
     it: compare the printed fingerprint with the one the exporter published);
  3. the Ed25519 signature over the statement (canonical JSON: sorted keys, no spaces, UTF-8);
  4. the document's size and SHA-256 against the signed statement (any change to the file);
  5. the checkpoint of the exporter's hash chain inside it, signed by the same key.
Exit status 0 when everything holds, 1 when something fails, 2 when the file cannot be read.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import sys
from pathlib import Path

ENVELOPE = "trace-signed-evidence"


def canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _public_key(raw: bytes):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return Ed25519PublicKey.from_public_bytes(raw)


def _verify(raw_key: bytes, signature_b64: str, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        _public_key(raw_key).verify(base64.b64decode(signature_b64, validate=True), message)
        return True
    except (InvalidSignature, ValueError, binascii.Error):
        return False


def raw_from_pem(pem: bytes) -> bytes:
    """The raw 32 bytes of an Ed25519 public key given as PEM (or as the raw key in base64)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    text = pem.strip()
    if not text.startswith(b"-----"):
        return base64.b64decode(text, validate=True)
    key = serialization.load_pem_public_key(text)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the public key given is not an Ed25519 key")
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def verify(envelope: dict, trusted: bytes | None = None, fingerprint: str | None = None):
    """Check an envelope. Returns (ok, lines, document bytes or None); each line says what
    was checked and whether it holds."""
    lines: list[tuple[bool, str]] = []

    def check(ok: bool, text: str) -> bool:
        lines.append((bool(ok), text))
        return bool(ok)

    if not isinstance(envelope, dict) or envelope.get("type") != ENVELOPE:
        check(False, f"not a {ENVELOPE} file")
        return False, lines, None
    check(
        envelope.get("version") == 1, f"envelope version {envelope.get('version')!r} (expected 1)"
    )
    statement = envelope.get("statement")
    if not isinstance(statement, dict):
        check(False, "the envelope has no statement")
        return False, lines, None
    try:
        raw = base64.b64decode(envelope.get("publicKey", ""), validate=True)
        _public_key(raw)
    except (ValueError, binascii.Error):
        check(False, "the embedded public key is not an Ed25519 key")
        return False, lines, None
    found = hashlib.sha256(raw).hexdigest()
    check(
        found == statement.get("keyFingerprint"),
        f"public key fingerprint {found} "
        + (
            "matches the statement"
            if found == statement.get("keyFingerprint")
            else f"differs from the statement's {statement.get('keyFingerprint')}"
        ),
    )
    if trusted is not None:
        check(
            raw == trusted,
            "signed with the exporter's key you gave"
            if raw == trusted
            else "NOT signed with the exporter's key you gave (--public-key)",
        )
    if fingerprint is not None:
        same = found == fingerprint.lower().replace(":", "")
        check(
            same,
            "fingerprint matches the one you gave"
            if same
            else f"fingerprint {found} is NOT the one you gave ({fingerprint})",
        )
    signed = _verify(raw, envelope.get("signature", ""), canonical(statement))
    check(
        signed,
        "signature over the statement is valid"
        if signed
        else "signature over the statement does NOT verify (the statement or the signature "
        "was changed)",
    )
    try:
        document = base64.b64decode(envelope.get("document", ""), validate=True)
    except (ValueError, binascii.Error):
        check(False, "the document is not valid base64 (the file was changed)")
        return False, lines, None
    digest = hashlib.sha256(document).hexdigest()
    check(
        len(document) == statement.get("size"),
        f"document size {len(document)} bytes "
        + (
            "as signed"
            if len(document) == statement.get("size")
            else f"but {statement.get('size')} were signed"
        ),
    )
    check(
        digest == statement.get("sha256"),
        f"document SHA-256 {digest} "
        + (
            "as signed"
            if digest == statement.get("sha256")
            else f"but {statement.get('sha256')} was signed: the document was changed"
        ),
    )
    point = statement.get("checkpoint")
    if isinstance(point, dict):
        signature = point.get("signature", "")
        body = {k: v for k, v in point.items() if k != "signature"}
        ok = point.get("keyFingerprint") == found and _verify(raw, signature, canonical(body))
        check(
            ok,
            f"checkpoint {point.get('id')} of the hash chain ({point.get('events')} events, "
            f"last event {point.get('lastEventId')}, chain hash {point.get('chainHash')}) "
            + ("is signed by the same key" if ok else "does NOT verify"),
        )
    else:
        check(False, "the statement names no checkpoint of the hash chain")
    return all(ok for ok, _ in lines), lines, document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="a *.signed.json file from trace")
    parser.add_argument("--public-key", type=Path, help="the exporter's public key (PEM)")
    parser.add_argument("--fingerprint", help="the exporter's key fingerprint (SHA-256, hex)")
    parser.add_argument("--extract", type=Path, help="write the signed document here")
    args = parser.parse_args(argv)
    try:
        envelope = json.loads(args.file.read_bytes())
        trusted = raw_from_pem(args.public_key.read_bytes()) if args.public_key else None
    except (OSError, ValueError) as error:
        print(f"cannot read: {error}", file=sys.stderr)
        return 2
    ok, lines, document = verify(envelope, trusted, args.fingerprint)
    statement = envelope.get("statement") if isinstance(envelope, dict) else None
    if isinstance(statement, dict):
        print(
            f"{args.file}: {statement.get('fileName')} ({statement.get('contentType')}), "
            f"signed {statement.get('signedAt')}"
        )
    for good, text in lines:
        print(f"  {'ok  ' if good else 'FAIL'} {text}")
    print("VALID: the document is exactly what was signed" if ok else "INVALID: see FAIL above")
    if ok and args.extract and document is not None:
        args.extract.write_bytes(document)
        print(f"document written to {args.extract}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
