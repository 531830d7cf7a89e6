"""Users, API tokens and web passwords. A token is shown once; the database keeps its SHA-256
only. A password is kept as werkzeug's salted scrypt hash (slow on purpose: passwords are
guessable, tokens are not)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from functools import cache

from sqlmodel import Session, col, select
from werkzeug.security import check_password_hash, generate_password_hash

from trace.db.models import ApiToken, Location, User
from trace.domain.errors import Invalid, RuleViolation

from .common import now, unit_of_work

ROLES = ("admin", "worker", "inspector", "importer")


def _digest(token: str) -> str:
    # Tokens are 256 random bits: a fast hash is enough (no dictionary to guess from).
    return hashlib.sha256(token.encode()).hexdigest()


def create(
    session: Session,
    name: str,
    role: str,
    location_id: int | None = None,
    password: str | None = None,
) -> tuple[User, str]:
    """A new user and its first API token (returned in clear, once); with `password`, the user
    may also log in to the staff web pages."""
    if role not in ROLES:
        raise Invalid(
            "role",
            f"role must be one of {', '.join(ROLES)}, not {role!r}",
            kind="user.role",
            role=role,
            roles=list(ROLES),
        )
    if not name.strip() or len(name) > 64:
        raise Invalid("name", "a user name has 1 to 64 characters", kind="user.name_length")
    password_hash = _hash(password, name) if password is not None else None
    with unit_of_work(session):
        if session.exec(select(User).where(User.name == name)).first():
            raise RuleViolation(
                f"a user called {name!r} exists already", kind="user.exists", name=name
            )
        if role == "importer":
            place = session.get(Location, location_id) if location_id else None
            if place is None or place.kind != "importer":
                raise Invalid(
                    "location",
                    "an importer user needs the id of its importer location",
                    kind="user.importer_location",
                )
        user = User(
            name=name,
            role=role,
            location_id=location_id,
            created_at=now(),
            password_hash=password_hash,
        )
        session.add(user)
        session.flush()
        token = _issue(session, user)
    return user, token


def stored(session: Session, user: User) -> User:
    """The user's row in `session` (the user was loaded or flushed, so the row exists)."""
    row = session.get(User, user.id)
    assert row is not None and row.id is not None, "a loaded or flushed user has a row"
    return row


def _issue(session: Session, user: User, expires_at: datetime | None = None) -> str:
    token = secrets.token_urlsafe(32)
    assert user.id is not None, "a token is issued to a flushed user"
    session.add(
        ApiToken(
            user_id=user.id, token_hash=_digest(token), created_at=now(), expires_at=expires_at
        )
    )
    return token


def issue_token(session: Session, user: User, expires_at: datetime | None = None) -> str:
    with unit_of_work(session):
        return _issue(session, user, expires_at)


def authenticate(session: Session, token: str) -> User | None:
    """The user a bearer token belongs to, or None if it is unknown, revoked or expired."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= now():
        return None
    return session.get(User, row.user_id)


def revoke(session: Session, token: str) -> bool:
    with unit_of_work(session):
        row = session.exec(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at = now()
        session.add(row)
    return True


# --- web passwords ---------------------------------------------------------------------------

MIN_PASSWORD = 12
MAX_PASSWORD = 200


@cache
def _unknown() -> str:
    """Checked when the name is unknown, so a wrong name costs as long as a wrong password."""
    return generate_password_hash("not the password of anyone")


@cache
def _common() -> frozenset[str]:
    """The 30,000 most common passwords of leaked password lists, as zxcvbn ships them."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, name: str | None = None) -> Invalid | None:
    """Why a new password is refused, or None (ASVS 2.1: length, and not a known one)."""
    if len(password) < MIN_PASSWORD:
        return Invalid(
            "password",
            f"a password needs at least {MIN_PASSWORD} characters",
            kind="password.too_short",
            n=MIN_PASSWORD,
        )
    if len(password) > MAX_PASSWORD:
        return Invalid(
            "password",
            f"a password has at most {MAX_PASSWORD} characters",
            kind="password.too_long",
            n=MAX_PASSWORD,
        )
    folded = password.casefold()
    if folded in _common() or (name and folded == name.casefold()):
        return Invalid(
            "password",
            "this password is one of the most common ones: choose another",
            kind="password.common",
        )
    return None


def _hash(password: str, name: str | None = None) -> str:
    problem = password_problem(password, name)
    if problem:
        raise problem
    return generate_password_hash(password)


def set_password(session: Session, user: User, password: str | None) -> User:
    """Set (or with None remove) the user's web password, ending every open session of theirs;
    API tokens are not touched."""
    password_hash = _hash(password, user.name) if password is not None else None
    with unit_of_work(session):
        row = stored(session, user)
        row.password_hash = password_hash
        row.session_epoch += 1
        session.add(row)
    return row


def change_password(session: Session, user: User, old: str, new: str) -> User:
    """The user's own change: only with the password they have now."""
    row = stored(session, user)
    if not row.password_hash or not check_password_hash(row.password_hash, old or ""):
        raise Invalid("old_password", "the current password is wrong", kind="password.wrong")
    return set_password(session, row, new)


def end_sessions(session: Session, user: User) -> User:
    """Every session of the user ends, wherever its cookie was copied to (logout, revocation)."""
    with unit_of_work(session):
        row = stored(session, user)
        row.session_epoch += 1
        session.add(row)
    return row


def authenticate_password(session: Session, name: str, password: str) -> User | None:
    """The user called `name` if `password` is theirs, else None (also for a user without a
    web password)."""
    user = session.exec(select(User).where(User.name == name)).first()
    if user is None or not user.password_hash:
        check_password_hash(_unknown(), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def get(session: Session, ident: int) -> User | None:
    return session.get(User, ident)


def get_by_name(session: Session, name: str) -> User | None:
    return session.exec(select(User).where(User.name == name)).first()


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(User.name)))


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """A user's API tokens, newest first (their hashes only: tokens are never kept)."""
    return list(
        session.exec(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(col(ApiToken.id).desc())
        )
    )


def revoke_by_id(session: Session, user: User, token_id: int) -> bool:
    """Revoke one of `user`'s tokens by its id (an admin page never sees the token itself)."""
    with unit_of_work(session):
        row = session.get(ApiToken, token_id)
        if row is None or row.user_id != user.id or row.revoked_at is not None:
            return False
        row.revoked_at = now()
        session.add(row)
    return True
