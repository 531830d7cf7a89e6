"""The staff's clock: times typed and shown on the staff pages are Vietnam's unless an event
says otherwise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from trace.services.common import VIETNAM, now

LOCAL = VIETNAM  # the staff's clock: the season happens in Vietnam
INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # <input type="datetime-local">


def local_now() -> datetime:
    return now().astimezone(LOCAL).replace(second=0, microsecond=0)


def today():
    return local_now().date()


def aware(value: datetime | None) -> datetime | None:
    """A time typed on the page (no zone) is Vietnam's."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=LOCAL)


def shown_time(value: datetime | None, offset: str | None = None) -> str:
    """`2026-06-10 14:00` in the zone it happened in (`offset`, e.g. +09:00), else Vietnam's."""
    if value is None:
        return ""
    zone = LOCAL
    if offset:
        sign = 1 if offset[0] == "+" else -1
        hours, minutes = offset[1:].split(":")
        zone = timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")
