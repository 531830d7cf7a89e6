#!/usr/bin/env python3
"""Check a signed evidence file from trace, offline: `python3 verify_evidence.py FILE --keys K`.

Needs Python 3.9+ and the `cryptography` package (pip install cryptography); nothing else, no
access to trace. Copy this one file to the laptop that checks.

    python3 verify_evidence.py recall_P260611-0002.pdf.signed.json \
        --keys trace-keys.json --extract recall.pdf

A signature proves only that whoever holds a key signed the file, so the file is VALID only
against a key you trust, given by one of:
  --keys FILE       the exporter's published keys, saved from its /.well-known/trace-keys.json
                    (current and retired keys, each with the period it signed in);
  --keys-url URL    the same, fetched from the exporter's site (https://…) now;
  --public-key PEM  the exporter's public key, as it gave it to you;
  --fingerprint HEX the SHA-256 fingerprint of the exporter's key, pinned (e.g. read aloud).
Without one it says so and exits 1; the fingerprint it trusted is printed.

It checks, and says which of these fails:
  1. the file is a trace signed-evidence envelope (version 1);
  2. the embedded public key matches the fingerprint the statement names, and is a key you
     trust (from --keys/--keys-url: signing within that key's period);
  3. the Ed25519 signature over the statement (canonical JSON: sorted keys, no spaces, UTF-8);
  4. the document's size and SHA-256 against the signed statement (any change to the file);
  5. the checkpoint of the exporter's hash chain inside it, signed by the same key.
Exit status 0 when everything holds, 1 when something fails, 2 when a file cannot be read.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import sys
import urllib.request
from pathlib import Path
from typing import NamedTuple

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


class Anchor(NamedTuple):
    """A key you trust: its fingerprint, and (from a keys file) the period it signed in."""

    fingerprint: str
    source: str
    valid_from: str | None = None
    valid_until: str | None = None


def anchors_from_keys(document: dict, source: str) -> list[Anchor]:
    """The keys of a saved /.well-known/trace-keys.json, each checked against its fingerprint."""
    if not isinstance(document, dict) or document.get("type") != "trace-signing-keys":
        raise ValueError(f"{source} is not a trace-keys.json document")
    anchors = []
    for entry in document.get("keys") or []:
        raw = base64.b64decode(entry["publicKey"], validate=True)
        _public_key(raw)
        if hashlib.sha256(raw).hexdigest() != entry.get("fingerprint"):
            raise ValueError(f"{source}: a key does not match its fingerprint")
        anchors.append(
            Anchor(entry["fingerprint"], source, entry.get("validFrom"), entry.get("validUntil"))
        )
    return anchors


def verify(envelope: dict, anchors: list[Anchor] | None = None):
    """Check an envelope against the keys you trust (`anchors`). Returns (ok, lines, document
    bytes or None); each line says what was checked and whether it holds."""
    anchors = anchors or []
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
    chosen = [a for a in anchors if a.fingerprint == found]
    if not anchors:
        check(
            False,
            "no key you trust was given (--keys, --keys-url, --public-key or --fingerprint): "
            "a valid signature alone proves nothing about who signed",
        )
    elif not chosen:
        check(
            False,
            f"the key {found} that signed it is NOT one you trust "
            f"({', '.join(sorted({a.source for a in anchors}))})",
        )
    else:
        anchor = chosen[0]
        signed_at = str(statement.get("signedAt") or "")
        within = (anchor.valid_from is None or signed_at >= anchor.valid_from) and (
            anchor.valid_until is None or signed_at <= anchor.valid_until
        )
        period = (
            f" (it signed from {anchor.valid_from} to {anchor.valid_until or 'now'})"
            if anchor.valid_from
            else ""
        )
        check(
            within,
            f"trusted key {found} from {anchor.source}{period}"
            if within
            else f"signed at {signed_at}, outside the period of trusted key {found}{period}",
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


def _anchors(args) -> list[Anchor]:
    anchors = []
    if args.public_key:
        raw = raw_from_pem(args.public_key.read_bytes())
        anchors.append(Anchor(hashlib.sha256(raw).hexdigest(), f"--public-key {args.public_key}"))
    if args.fingerprint:
        pinned = args.fingerprint.lower().replace(":", "").strip()
        anchors.append(Anchor(pinned, "--fingerprint"))
    if args.keys:
        anchors += anchors_from_keys(json.loads(args.keys.read_bytes()), str(args.keys))
    if args.keys_url:
        if not args.keys_url.startswith(("https://", "http://")):
            raise ValueError("--keys-url takes an https:// address")
        with urllib.request.urlopen(args.keys_url, timeout=30) as answer:
            anchors += anchors_from_keys(json.loads(answer.read()), args.keys_url)
    return anchors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="a *.signed.json file from trace")
    parser.add_argument("--keys", type=Path, help="the exporter's trace-keys.json, saved")
    parser.add_argument("--keys-url", help="the exporter's /.well-known/trace-keys.json address")
    parser.add_argument("--public-key", type=Path, help="the exporter's public key (PEM)")
    parser.add_argument("--fingerprint", help="the exporter's key fingerprint (SHA-256, hex)")
    parser.add_argument("--extract", type=Path, help="write the signed document here")
    args = parser.parse_args(argv)
    try:
        envelope = json.loads(args.file.read_bytes())
        anchors = _anchors(args)
    except (OSError, ValueError, KeyError, binascii.Error) as error:
        print(f"cannot read: {error}", file=sys.stderr)
        return 2
    ok, lines, document = verify(envelope, anchors)
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
