"""Instants as the clock showed them where they happened: events keep their UTC offset
(EPCIS's eventTimeZoneOffset, ``+07:00``); a page shows the time of that place. Pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache


@lru_cache(maxsize=64)  # a handful of offsets, read for every instant shown
def zone(offset: str) -> timezone:
    """``+07:00`` (or ``-05``) → the fixed-offset time zone."""
    sign = -1 if offset.startswith("-") else 1
    hours, _, minutes = offset.lstrip("+-").partition(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes or 0)))


def local(moment: datetime | None, offset: str = "+07:00") -> datetime | None:
    """An instant as the clock showed it where it happened (Vietnam unless the event says)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone(offset))
