"""Time order: nothing is recorded as happening before the things it uses existed (a shipment
loaded before its pallets were built, a lot packed before it was received, a shipment departing
before it was loaded). Pure: the services say what an event uses and since when."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, tzinfo

from .errors import Invalid, RuleViolation


def too_early(moment: datetime, since: datetime, by_day: tzinfo | None = None) -> bool:
    """Whether `moment` comes before `since`; by the local date in `by_day` when `moment` is
    known only by its day (a packing recorded with its day and no time)."""
    if by_day is not None:
        return moment.astimezone(by_day).date() < since.astimezone(by_day).date()
    return moment < since


def require_order(
    moment: datetime,
    doing: str,
    uses: Iterable[tuple[str, datetime]],
    by_day: tzinfo | None = None,
) -> None:
    """Refuse (409) an event at `moment` that comes before any of `uses` existed: each a
    (what and how it came to be, when) pair, e.g. ("pallet 0893… was built", its time).

    The message names both times, each in the event's own time zone."""
    for what, since in uses:
        if too_early(moment, since, by_day):
            zone = moment.tzinfo
            shown = since.astimezone(zone) if zone is not None else since
            when = moment.date().isoformat() if by_day is not None else moment.isoformat()
            raise RuleViolation(
                f"cannot record {doing} at {when}: {what} at {shown.isoformat()}, later; "
                "nothing happens to something before it exists",
                kind="time.before_existing",
                doing=doing,
                at=moment,
                what=what,
                since=shown,
            )


def require_from_day(
    moment: datetime, day: date, zone: tzinfo, field: str, lot: str, what: str
) -> None:
    """Refuse (422 on `field`) what happens to lot `lot` at `moment` before the day it was
    harvested or packed (`what`): `day`, a date in `zone`."""
    if moment.astimezone(zone).date() < day:
        raise Invalid(
            field,
            f"{moment.isoformat()} is before lot {lot} was {what} ({day.isoformat()})",
            kind="time.before_lot",
            at=moment,
            lot=lot,
            what=what,
            day=day,
        )
