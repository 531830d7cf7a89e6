"""Users and API tokens. A token is shown once; the database keeps its SHA-256 only."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlmodel import Session, select

from trace.db.models import ApiToken, Location, User
from trace.domain.errors import Invalid, RuleViolation

from .common import now, unit_of_work

ROLES = ("admin", "worker", "inspector", "importer")


def _digest(token: str) -> str:
    # Tokens are 256 random bits: a fast hash is enough (no dictionary to guess from).
    return hashlib.sha256(token.encode()).hexdigest()


def create(
    session: Session, name: str, role: str, location_id: int | None = None
) -> tuple[User, str]:
    """A new user and its first API token (returned in clear, once)."""
    if role not in ROLES:
        raise Invalid("role", f"role must be one of {', '.join(ROLES)}, not {role!r}")
    with unit_of_work(session):
        if session.exec(select(User).where(User.name == name)).first():
            raise RuleViolation(f"a user called {name!r} exists already")
        if role == "importer":
            place = session.get(Location, location_id) if location_id else None
            if place is None or place.kind != "importer":
                raise Invalid("location", "an importer user needs the id of its importer location")
        user = User(name=name, role=role, location_id=location_id, created_at=now())
        session.add(user)
        session.flush()
        token = _issue(session, user)
    return user, token


def _issue(session: Session, user: User, expires_at: datetime | None = None) -> str:
    token = secrets.token_urlsafe(32)
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
