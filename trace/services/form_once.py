"""One-time form tokens of the staff pages: the first submission with a token is recorded, a
repeat (a second tap, a reload) learns where the first one led and records nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from trace.db.models import FormOnce

from .common import now

KEEP_TOKENS = timedelta(days=2)


def claim(session: Session, token: str, user_id: int) -> bool:
    """True when this is the first submission with `token` (kept from now on, committed)."""
    try:
        session.add(FormOnce(token=token, user_id=user_id, created_at=now()))
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def forget_old(session: Session) -> None:
    """Forget the tokens of forms sent long ago."""
    session.execute(delete(FormOnce).where(col(FormOnce.created_at) < now() - KEEP_TOKENS))
    session.commit()


def outcome(session: Session, token: str) -> tuple[bool, str | None]:
    """Whether `token` is still held, and the page its first submission led to (None while
    that submission is still being recorded)."""
    session.expire_all()
    row = session.get(FormOnce, token)
    return row is not None, row.result if row is not None else None


def settle(session: Session, token: str, result: str | None) -> None:
    """The first submission ended: at `result`, or failed (None) and may be sent again."""
    row = session.get(FormOnce, token)
    if row is not None:
        if result is None:
            session.delete(row)
        else:
            row.result = result
            session.add(row)
        session.commit()
