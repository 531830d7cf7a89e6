"""A captured EPCIS event read for storage, and how a re-sent one is told apart. PURE.

References: EPCIS 2.0 §7.4.1 (recordTime is the repository's), §7.4.1.2 (error declaration);
CBV 2.0 §7.9 (error reasons).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple

from .epcis_query import parse_time


class CaptureError(ValueError):
    """One event of a captured document cannot be kept: `index` in the eventList, `reason`."""

    def __init__(self, index: int, reason: str):
        super().__init__(f"event {index}: {reason}")
        self.index = index
        self.reason = reason


class Captured(NamedTuple):
    """A captured event, read: the columns of its row and the event as it will be kept (a
    named tuple: one is made for every event of a document)."""

    event_id: str | None
    epcis_type: str
    action: str | None
    biz_step: str | None
    disposition: str | None
    event_time: datetime
    tz_offset: str
    event: dict[str, Any]


_LIMITS = {"eventID": 255, "type": 64, "bizStep": 255, "disposition": 255}


def read_captured(event: Mapping[str, Any], index: int) -> Captured:
    """Read one event of a schema-valid EPCISDocument for storage; what the schema leaves
    open (date-times that parse, column sizes) is checked here.

    The stored event is the event as sent, without `recordTime` (EPCIS 2.0 §7.4.1: the
    repository sets it) and without a document-level `@context` repeated per event.

    Raises:
        CaptureError: naming `index` and what is wrong.
    """
    for key, limit in _LIMITS.items():
        value = event.get(key)
        if value is not None and len(value) > limit:
            raise CaptureError(index, f"{key} is {len(value)} characters long; at most {limit}")
    try:
        moment = parse_time(event["eventTime"])
    except (ValueError, TypeError) as error:
        raise CaptureError(index, f"eventTime {event.get('eventTime')!r}: {error}") from None
    declaration = event.get("errorDeclaration")
    if declaration:
        try:
            parse_time(declaration["declarationTime"])
        except (ValueError, TypeError) as error:
            raise CaptureError(
                index, f"errorDeclaration.declarationTime is not a date-time: {error}"
            ) from None
    kept = dict(event)
    kept.pop("recordTime", None)
    return Captured(
        event_id=event.get("eventID"),
        epcis_type=event["type"],
        action=event.get("action"),
        biz_step=event.get("bizStep"),
        disposition=event.get("disposition"),
        event_time=moment.astimezone(UTC),
        tz_offset=event["eventTimeZoneOffset"],
        event=kept,
    )


def declaration_of(kept: Mapping[str, Any], sent: Mapping[str, Any]) -> dict[str, Any] | None:
    """The errorDeclaration that `sent` adds to the event `kept`, if `sent` is `kept` re-sent as
    it was (recordTime aside) plus an errorDeclaration; else None.

    This is how EPCIS declares an event erroneous: the same event, same eventID, captured again
    with an errorDeclaration (its declarationTime, a reason, the corrective events' IDs).

    References: EPCIS 2.0 §7.4.1.2 (error declaration); CBV 2.0 §7.9 (error reasons).
    """
    declaration = sent.get("errorDeclaration")
    if not isinstance(declaration, Mapping) or "errorDeclaration" in kept:
        return None
    rest = {key: value for key, value in sent.items() if key != "errorDeclaration"}
    return dict(declaration) if same_event(kept, rest) else None


def same_event(kept: Mapping[str, Any], sent: Mapping[str, Any]) -> bool:
    """Whether a re-sent event is the one already kept (recordTime aside)."""
    return {k: v for k, v in kept.items() if k != "recordTime"} == {
        k: v for k, v in sent.items() if k != "recordTime"
    }
