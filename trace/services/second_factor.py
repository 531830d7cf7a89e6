"""The staff pages' second factor: TOTP (RFC 6238, any authenticator app) and recovery codes.

Setting one up is two steps: a new key is kept as pending and shown (as text and as a QR code
for the app); a code from the app confirms it, which makes it the user's key and gives ten
recovery codes, shown once (the database keeps their SHA-256; each works once). A code from
the app works once too: the last time step used is kept, and only a later one is taken. An admin may
require a second factor of a user: until they set one up, their pages send them to do so.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

import pyotp
from sqlmodel import Session

from trace.db.models import User
from trace.domain.errors import Invalid, RuleViolation

from .common import unit_of_work
from .users import stored

ISSUER = "trace"
RECOVERY_CODES = 10


def _wrong_code() -> Invalid:
    """The same refusal wherever a code from the authenticator app is checked."""
    return Invalid(
        "code",
        "the code is wrong or too old: type the one the app shows now",
        kind="second_factor.wrong_code",
    )


def _digest(code: str) -> str:
    return hashlib.sha256(_plain(code).encode()).hexdigest()


def _plain(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def enabled(user: User) -> bool:
    return bool(user.totp_secret)


def start(session: Session, user: User) -> str:
    """A new pending key for the user's authenticator app (their current one keeps working)."""
    with unit_of_work(session):
        row = stored(session, user)
        row.totp_pending = pyotp.random_base32()
        session.add(row)
    return row.totp_pending


def setup_uri(user: User) -> str:
    """otpauth://totp/trace:name?secret=…&issuer=trace, as the app reads it from a QR code."""
    return pyotp.TOTP(user.totp_pending or "").provisioning_uri(name=user.name, issuer_name=ISSUER)


def _step(secret: str | None, code: str, after: int | None = None) -> int | None:
    """The time step (30 s) whose code `code` is, this one or a neighbour (a phone's clock is
    a little off), and later than `after`: a code that was used is never taken again."""
    code = "".join((code or "").split())
    if not secret or not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(datetime.now(UTC))
    for step in (current - 1, current, current + 1):
        if step > (after if after is not None else -1) and hmac.compare_digest(
            totp.generate_otp(step), code
        ):
            return step
    return None


def _use(row: User, secret: str | None, code: str) -> bool:
    """A right code from the app, marked as used (the caller commits)."""
    step = _step(secret, code, row.totp_last_step)
    if step is None:
        return False
    row.totp_last_step = step
    return True


def confirm(session: Session, user: User, code: str) -> list[str]:
    """The pending key becomes the user's once a code from it is right; the recovery codes."""
    row = stored(session, user)
    if not row.totp_pending:
        raise RuleViolation("no second factor is being set up", kind="second_factor.not_started")
    step = _step(row.totp_pending, code)
    if step is None:
        raise _wrong_code()
    with unit_of_work(session):
        row.totp_secret, row.totp_pending = row.totp_pending, None
        row.totp_last_step = step
        codes = _new_codes(row)
        row.session_epoch += 1  # other sessions were opened without the second factor
        session.add(row)
    return codes


def _new_codes(row: User) -> list[str]:
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    row.recovery_codes = " ".join(_digest(c) for c in codes)
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def new_recovery_codes(session: Session, user: User, code: str) -> list[str]:
    """Ten new recovery codes (the old ones stop working), with a code from the app."""
    row = stored(session, user)
    if not _use(row, row.totp_secret, code):
        raise _wrong_code()
    with unit_of_work(session):
        codes = _new_codes(row)
        session.add(row)
    return codes


def check(session: Session, user: User, code: str) -> bool:
    """A code from the app, or an unused recovery code (then used up)."""
    row = stored(session, user)
    if _use(row, row.totp_secret, code):
        with unit_of_work(session):
            session.add(row)
        return True
    kept = (row.recovery_codes or "").split()
    digest = _digest(code or "")
    if not code or digest not in kept:
        return False
    with unit_of_work(session):
        row.recovery_codes = " ".join(c for c in kept if c != digest)
        session.add(row)
    return True


def turn_off(session: Session, user: User, code: str) -> None:
    row = stored(session, user)
    if row.totp_required:
        raise RuleViolation(
            "an admin requires a second factor of this user", kind="second_factor.required"
        )
    if not check(session, row, code):
        raise _wrong_code()
    with unit_of_work(session):
        row.totp_secret = row.totp_pending = row.recovery_codes = None
        session.add(row)


def require(session: Session, user: User, required: bool) -> User:
    """An admin's demand (or not) that the user logs in with a second factor."""
    with unit_of_work(session):
        row = stored(session, user)
        row.totp_required = required
        session.add(row)
    return row


def remaining_codes(user: User) -> int:
    return len((user.recovery_codes or "").split())
