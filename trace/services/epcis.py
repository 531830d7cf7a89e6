"""EPCIS 2.0: the log exported as documents, documents captured into the log, queries answered.

The mapping itself is pure (`trace.domain.epcis`); this module gathers what it needs from the
database, and keeps captured events: validated against GS1's JSON schema, all or nothing,
chained into the log like every event, linked to our lots and pallets where they name them.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy import and_, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from trace.db.graph import walk
from trace.db.models import (
    CaptureJob,
    CartonSerial,
    Event,
    EventRef,
    EventUri,
    LabelJob,
    Location,
    LocationCode,
    Lot,
    Pallet,
    Product,
    Shipment,
    User,
    node,
)
from trace.domain import epcis, epcis_rules
from trace.domain.epcis import CaptureError, Lookup, Names, Query
from trace.domain.epcis_context import Sent, kept_context
from trace.domain.errors import DomainError, Invalid, NotFound
from trace.domain.events import KINDS, offset_of
from trace.gs1.serials import is_random_serial, numbered_serial

from . import masterdata
from .common import CLOCK_SKEW, append_events, bulk_insert, lock_chain, now, unit_of_work
from .shipments import get_shipment

CHUNK = 500  # identifiers per IN (…) clause


class CaptureRefused(DomainError):
    """A document that cannot be captured; `errors` name each event (index) and why."""

    def __init__(self, message: str, errors: list[dict] | None = None, status: int = 400):
        super().__init__(message)
        self.errors = errors or []
        self.status = status


# --- the official schema -----------------------------------------------------------------------


@lru_cache(maxsize=4)
def _schema(path: str) -> dict:
    try:
        return json.loads(Path(path).read_text())
    except OSError as error:
        raise CaptureRefused(
            f"the EPCIS JSON schema is not at {path} (set TRACE_EPCIS_SCHEMA_PATH): {error}",
            status=503,
        ) from None


@lru_cache(maxsize=4)
def _fast_validator(path: str):
    # fastjsonschema compiles the schema to Python once: ~50 µs an event instead of ~1 ms with
    # the reference `jsonschema`, which agrees with it (tests/epcis/test_schema.py) and still
    # writes the messages when a document fails. `format: uri` is not enforced, as `jsonschema`
    # does not without rfc3987: the FSMA 204 examples carry non-URI top-level comment keys.
    import fastjsonschema

    return fastjsonschema.compile(_schema(path), formats={"uri": lambda _value: True})


def _reference_validator(path: str):
    import jsonschema

    return jsonschema.Draft7Validator(
        _schema(path), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def event_list(document: dict) -> list:
    """The events of an EPCISDocument or EPCISQueryDocument (REST binding: capture takes both)."""
    body = document.get("epcisBody") if isinstance(document, dict) else None
    if not isinstance(body, dict):
        return []
    if isinstance(body.get("eventList"), list):
        return body["eventList"]
    results = (body.get("queryResults") or {}).get("resultsBody") or {}
    return results.get("eventList") if isinstance(results.get("eventList"), list) else []


def schema_errors(document: dict, schema_path: str) -> list[dict]:
    """What is wrong with `document` against EPCIS-JSON-Schema.json: `[]`, or one entry per
    failing event (`index`, `reason`) and for the envelope (`index: None`)."""
    import fastjsonschema

    if not isinstance(document, dict) or document.get("type") not in (
        "EPCISDocument",
        "EPCISQueryDocument",
    ):
        return [{"index": None, "reason": "send an EPCISDocument or EPCISQueryDocument"}]
    try:
        _fast_validator(schema_path)(document)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    import jsonschema

    reference = _reference_validator(schema_path)
    errors = []
    events = event_list(document)
    for index, event in enumerate(events):
        problem = jsonschema.exceptions.best_match(reference.iter_errors(_alone(event, document)))
        if problem is not None:
            errors.append({"index": index, "reason": _reason(problem)})
    if not errors:
        problem = jsonschema.exceptions.best_match(reference.iter_errors(document))
        errors.append(
            {"index": None, "reason": _reason(problem) if problem else "does not match the schema"}
        )
    return errors


def _alone(event, document: dict):
    """An event checked on its own, as the schema checks events (they need an @context)."""
    if isinstance(event, dict) and "@context" not in event:
        return {"@context": document.get("@context", []), **event}
    return event


def _reason(error) -> str:
    where = "/".join(str(p) for p in error.absolute_path)
    message = error.message if len(error.message) < 300 else error.message[:300] + "…"
    return f"{where}: {message}" if where else message


# --- gathering what the mapping needs ----------------------------------------------------------


def _chunks(values: Iterable, size: int = CHUNK) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def record_of(event: Event) -> dict:
    return {
        "event_id": event.event_id,
        "type": event.type,
        "epcis_type": event.epcis_type,
        "action": event.action,
        "biz_step": event.biz_step,
        "disposition": event.disposition,
        "event_time": event.event_time,
        "tz_offset": event.tz_offset,
        "record_time": event.record_time,
        "read_point_id": event.read_point_id,
        "biz_location_id": event.biz_location_id,
        "data": event.data,
        "corrects_id": event.corrects_id,
    }


def lookup(session: Session, events: list[Event]) -> Lookup:
    """The lots, places and shipments `events` name."""
    codes, place_ids, shipment_ids = set(), set(), set()
    for event in events:
        data = event.data or {}
        place_ids |= {event.read_point_id, event.biz_location_id}
        for key in ("quantities", "inputs", "outputs", "children"):
            codes |= {item["lot"] for item in data.get(key, []) if item.get("lot")}
        for key in ("sources", "destinations"):
            place_ids |= {item.get("location_id") for item in data.get(key, [])}
        if data.get("shipment_id"):
            shipment_ids.add(data["shipment_id"])
    look = Lookup()
    for chunk in _chunks(shipment_ids):
        for shipment in session.exec(select(Shipment).where(Shipment.id.in_(chunk))):
            pallets = session.exec(
                select(Pallet.sscc).where(Pallet.shipment_id == shipment.id).order_by(Pallet.id)
            ).all()
            look.shipments[shipment.id] = epcis.ShipInfo(
                id=shipment.id,
                pallets=tuple(pallets),
                market=shipment.market,
                exporter_id=shipment.exporter_id,
                consignee_id=shipment.consignee_id,
                container_no=shipment.container_no,
                seal_no=shipment.seal_no,
                bill_of_lading=shipment.bill_of_lading,
                phyto_certificate_no=shipment.phyto_certificate_no,
            )
            place_ids |= {shipment.exporter_id, shipment.consignee_id}
    for chunk in _chunks(codes):
        rows = session.exec(
            select(Lot, Product.gtin)
            .join(Product, Product.id == Lot.product_id, isouter=True)
            .where(Lot.code.in_(chunk))
        )
        for lot, gtin in rows:
            look.lots[lot.code] = epcis.LotInfo(lot.code, gtin, lot.kind)
    look.places.update(places(session, place_ids))
    return look


def places(session: Session, ids: Iterable[int | None]) -> dict[int, epcis.Place]:
    ids = {i for i in ids if i is not None}
    out: dict[int, epcis.Place] = {}
    codes: dict[int, list[dict]] = defaultdict(list)
    for chunk in _chunks(ids):
        for code in session.exec(
            select(LocationCode)
            .where(LocationCode.location_id.in_(chunk))
            .order_by(LocationCode.id)
        ):
            codes[code.location_id].append(
                {
                    "scheme": code.scheme,
                    "value": code.value,
                    "market": code.market,
                    "status": code.status,
                }
            )
        for place in session.exec(select(Location).where(Location.id.in_(chunk))):
            out[place.id] = epcis.Place(
                id=place.id,
                kind=place.kind,
                name=place.name,
                gln=place.gln,
                address=dict(place.address or {}),
                codes=tuple(codes[place.id]),
                phone=place.phone,
            )
    return out


def place_of(ident: int, state: Mapping) -> epcis.Place:
    """A master-data version of a place (`trace.domain.masterdata.location_state`) as the
    mappings see places."""
    return epcis.Place(
        id=ident,
        kind=state["kind"],
        name=state["name"],
        gln=state.get("gln"),
        address=dict(state.get("address") or {}),
        codes=tuple(
            {k: c[k] for k in ("scheme", "value", "market", "status")} for c in state["codes"]
        ),
        phone=state.get("phone"),
    )


class PlaceHistory:
    """Places as they were at a moment: their versions fetched once (`masterdata.history`),
    each version made a Place once however many events name it."""

    def __init__(self, session: Session, ids: Iterable[int | None]):
        self.history = masterdata.history(session, ids)
        self._made: dict[int, epcis.Place] = {}

    def at(self, ident: int | None, moment: datetime | None) -> epcis.Place | None:
        state = self.history.location(ident, moment)
        if state is None:
            return None
        place = self._made.get(id(state))
        if place is None:
            place = self._made[id(state)] = place_of(ident, state)
        return place

    def view(self, current: Mapping[int, epcis.Place], moment: datetime) -> Mapping:
        return _PlacesAt(self, current, moment)


class _PlacesAt(Mapping):
    """`look.places` as they were at one moment (what the mapping of one event reads)."""

    def __init__(self, history: PlaceHistory, current: Mapping[int, epcis.Place], moment):
        self.history, self.current, self.moment = history, current, moment

    def __getitem__(self, ident):
        return self.history.at(ident, self.moment) or self.current[ident]

    def __iter__(self):
        return iter(self.current)

    def __len__(self) -> int:
        return len(self.current)


def as_of(look: Lookup, history: PlaceHistory, moment: datetime) -> Lookup:
    """`look` with its places as they were at `moment`."""
    return Lookup(
        lots=look.lots, places=history.view(look.places, moment), shipments=look.shipments
    )


def corrections_of(session: Session, ids: Iterable[int]) -> dict[int, list[Event]]:
    out: dict[int, list[Event]] = defaultdict(list)
    for chunk in _chunks(ids):
        for fix in session.exec(
            select(Event).where(Event.corrects_id.in_(chunk)).order_by(Event.id)
        ):
            out[fix.corrects_id].append(fix)
    return out


def to_epcis(
    session: Session,
    events: list[Event],
    names: Names,
    look: Lookup | None = None,
    sizes: list[int] | None = None,
) -> list[dict]:
    """`events` (no corrections among them) as EPCIS events. A corrected event carries an
    errorDeclaration and is followed by its corrective events, each declaring the next. A
    captured event its sender declared erroneous carries the sender's errorDeclaration as sent
    (the sender's corrective events are captured events of their own)."""
    fixes = corrections_of(session, [e.id for e in events])
    look = look or lookup(session, [*events, *(f for group in fixes.values() for f in group)])
    history = PlaceHistory(session, look.places)
    current = look
    out = []
    for event in events:
        # A past event names its places as they were then (a renamed orchard, a code added
        # since, a changed GLN do not rewrite it).
        look = as_of(current, history, event.event_time)
        record = record_of(event)
        group = fixes.get(event.id, [])
        chain = [f for f in group if "errorDeclaration" not in f.data]
        sent = [f.data["errorDeclaration"] for f in group if "errorDeclaration" in f.data]
        mapped = epcis.map_event(record, look, names)
        data = dict(event.data)
        versions = []
        for fix in chain:
            data = epcis.corrected_data(event.type, data, fix.data.get("changes", {}))
            versions.append(epcis.corrective_event(record, record_of(fix), data, look, names))
        for i, fix in enumerate(chain):
            earlier = mapped if i == 0 else versions[i - 1]
            declared = epcis.declare_error(
                earlier, fix.event_time, [fix.event_id], fix.data.get("reason", "")
            )
            if i == 0:
                mapped = declared
            else:
                versions[i - 1] = declared
        if sent:  # the sender's word on its own event stands over a doubt recorded here
            mapped = {**mapped, "errorDeclaration": sent[0]}
        context = data.get("context") if event.type == "captured" else None
        if context:  # every version speaks its sender's vocabulary
            mapped, versions = Sent(mapped, context), [Sent(v, context) for v in versions]
        out.append(mapped)
        out.extend(versions)
        if sizes is not None:  # how many EPCIS events each row became
            sizes.append(1 + len(versions))
    return out


# --- export ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Which events a document or a spreadsheet holds (docs/epcis.md, "What an export holds")."""

    lot: str | None = None
    shipment: int | None = None
    start: datetime | None = None  # inclusive
    end: datetime | None = None  # exclusive

    def label(self) -> str:
        parts = []
        if self.lot:
            parts.append(f"lot-{self.lot}")
        if self.shipment:
            parts.append(f"shipment-{self.shipment}")
        if self.start:
            parts.append(f"from-{self.start:%Y%m%d}")
        if self.end:
            parts.append(f"to-{self.end:%Y%m%d}")
        return "_".join(parts).replace("/", "-") or "all"


def scope_events(session: Session, scope: Scope, actor: User | None = None) -> list[Event]:
    """The events in `scope`, in the order they happened, corrections left out (they travel
    with the event they correct).

    - `lot`: the lot's whole trace graph, upstream (harvest lots, orchards) and downstream
      (pallets, shipments), with every event that concerns any lot, pallet or shipment in it
      (captured events too, where they name one of them);
    - `shipment`: the shipment and everything upstream of it, without the events of other
      lots, pallets and shipments its lots also went into (an importer: its own shipment
      only);
    - `start`/`end`: events that happened in the range (alone, or narrowing the above).
    """
    query = select(Event).where(Event.type != "correct")
    if scope.lot or scope.shipment:
        if scope.lot:
            found = session.exec(select(Lot.id).where(Lot.code == scope.lot)).first()
            if found is None:
                raise NotFound(f"no lot with code {scope.lot!r}", kind="lot.unknown", lot=scope.lot)
            start = node("lot", found)
            edges = [*walk(session, [start], "backward"), *walk(session, [start], "forward")]
        else:
            shipment = get_shipment(session, scope.shipment, actor)
            start = node("shipment", shipment.id)
            edges = walk(session, [start], "backward")
        nodes = {start} | {e.src for e in edges} | {e.dst for e in edges}
        nodes = sorted(n for n in nodes if not n.startswith("location:"))
        query = query.where(Event.id.in_(select(EventRef.event_id).where(EventRef.node.in_(nodes))))
        if scope.shipment:
            # The lots upstream went into other lots, pallets and shipments too: their events
            # (a sibling lot packed from the same harvest, a pallet built for another consignee,
            # its loading, its departure) are not this shipment's story, and another party's
            # business.
            elsewhere = select(EventRef.event_id).where(
                or_(
                    EventRef.node.like("lot:%"),
                    EventRef.node.like("pallet:%"),
                    EventRef.node.like("shipment:%"),
                ),
                EventRef.node.not_in(nodes),
            )
            query = query.where(Event.id.not_in(elsewhere))
    if scope.start:
        query = query.where(Event.event_time >= scope.start)
    if scope.end:
        query = query.where(Event.event_time < scope.end)
    return list(session.exec(query.order_by(Event.event_time, Event.id)))


def export_document(
    session: Session, scope: Scope, names: Names, namespace: str, actor: User | None = None
) -> dict:
    """An EPCISDocument of every event in `scope` (EPCIS 2.0 §9.2)."""
    events = to_epcis(session, scope_events(session, scope, actor), names)
    return epcis.epcis_document(events, namespace, now(), f"urn:uuid:{uuid.uuid4()}")


# --- capture -----------------------------------------------------------------------------------


@contextmanager
def no_gc() -> Iterator[None]:
    """The cyclic garbage collector off for one bulk operation: a large document is hundreds of
    thousands of live objects that every collection would walk again (the pauses cost more
    than the hashing); reference counting still frees what the operation drops."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def capture(
    session: Session,
    actor: User | None,
    document: dict,
    names: Names,
    schema_path: str,
    limit: int,
    max_text: int = 8192,
) -> CaptureJob:
    """Keep every event of an EPCISDocument, or none (EPCIS 2.0 §8.2.2, REST binding
    `POST /capture` with `GS1-Capture-Error-Behaviour: rollback`).

    Each event keeps the sender's eventID (one is generated when absent); an exact re-send of
    an event already held is ignored; the same event re-sent with an errorDeclaration declares
    it erroneous (EPCIS 2.0 §7.4.1.2: kept as a `correct` event of it, never a change to it);
    any other event under a held eventID is refused. Events are appended to the hash chain in
    document order and linked (event_ref) to the lots and pallets whose identifiers they name.
    An importer's events may name only what its own shipments carried (docs/epcis.md, "Who may
    capture what").

    Raises:
        CaptureRefused: the errors, each naming the event's index and the reason; nothing was
            written (status 400; 403 for an importer beyond its shipments; 413 too many).
    """
    with no_gc():
        return _capture(session, actor, document, names, schema_path, limit, max_text)


@dataclass(frozen=True)
class _Declared:
    """A later occurrence of an eventID in the document: its first occurrence re-sent with an
    errorDeclaration (EPCIS 2.0 §7.4.1.2)."""

    event_id: str
    declaration: dict
    declared_at: datetime  # the declarationTime as sent (with its offset)


def _capture(
    session: Session,
    actor: User | None,
    document: dict,
    names: Names,
    schema_path: str,
    limit: int,
    max_text: int,
) -> CaptureJob:
    events = event_list(document)
    if len(events) > limit:
        raise CaptureRefused(
            f"{len(events)} events in one document; this repository captures at most {limit} "
            "at a time: split the document",
            status=413,
        )
    _within_bounds(document, events, max_text)
    errors = schema_errors(document, schema_path)
    if errors:
        raise CaptureRefused(_summary(errors), errors)
    errors = _vocabulary_errors(document, events)
    if errors:
        raise CaptureRefused(_summary(errors), errors)
    kept_ctx = kept_context(document.get("@context"))
    received = now()
    read: list[epcis.Captured | _Declared | None] = []
    seen: dict[str, int] = {}
    declared_here: dict[str, dict] = {}
    latest = received + CLOCK_SKEW
    for index, event in enumerate(events):
        try:
            item = epcis.read_captured(event, index)
            if item.event_time > latest:
                raise CaptureError(
                    index, f"eventTime {event['eventTime']} is in the future; capture what happened"
                )
            if item.event_id in seen:
                item = _repeated(read, seen[item.event_id], item, index, received, declared_here)
            elif item.event_id:
                seen[item.event_id] = index
        except CaptureError as error:
            errors.append({"index": error.index, "reason": error.reason})
            item = None
        read.append(item)
    if errors:
        raise CaptureRefused(_summary(errors), errors)
    capture_id = f"c{uuid.uuid4().hex}"
    with unit_of_work(session):
        head = lock_chain(session)
        held, row_ids = _held_for(session, actor, list(seen))
        declared = _declarations(session, [e.id for e in held.values() if e.type == "captured"])
        # What to write, in document order: (index, a captured event, None) or
        # (index, a declaration, the event it declares: held, or the index of a fresh one).
        writes: list[tuple[int, epcis.Captured | _Declared, Event | int | None]] = []
        fresh_at: dict[str, int] = {}
        forbidden: list[dict] = []
        notices: list[dict] = []  # eventIDs another organisation holds: kept beside theirs
        duplicates = 0
        for index, item in enumerate(read):
            if item is None:
                duplicates += 1
                continue
            if isinstance(item, _Declared):
                if item.event_id in fresh_at:  # declares an event of this same document
                    writes.append((index, item, fresh_at[item.event_id]))
                else:  # the first occurrence was a re-send of a held event
                    kept = held[item.event_id]
                    duplicates += _declare_held(
                        session, actor, index, item, kept, declared, writes, errors, forbidden
                    )
                continue
            kept = held.get(item.event_id)
            if kept is None:
                if item.event_id:
                    fresh_at[item.event_id] = index
                if item.event_id in row_ids:
                    other = row_ids[item.event_id][1]
                    sent = other.data.get("epcis") if other.type == "captured" else None
                    if sent is not None and epcis.same_event(sent, item.event):
                        duplicates += 1  # the same event, whoever sent it first
                        continue
                    if sent is not None and epcis.declaration_of(sent, item.event) is not None:
                        forbidden.append(
                            {
                                "index": index,
                                "reason": f"eventID {item.event_id} was captured by another "
                                "party: only they may declare it erroneous",
                            }
                        )
                        continue
                    notices.append(_clash_notice(index, item.event_id, row_ids[item.event_id][0]))
                writes.append((index, item, None))
                continue
            if kept.type == "captured":
                if epcis.same_event(kept.data["epcis"], item.event):
                    duplicates += 1
                    continue
                declaration = epcis.declaration_of(kept.data["epcis"], item.event)
                if declaration is not None:
                    try:
                        declared_item = _declared(item.event_id, declaration, index, received)
                    except CaptureError as error:
                        errors.append({"index": index, "reason": error.reason})
                        continue
                    duplicates += _declare_held(
                        session, actor, index, declared_item, kept, declared, writes, errors,
                        forbidden,
                    )  # fmt: skip
                    continue
            errors.append({"index": index, "reason": _rewrite_refused(item.event_id, kept)})
        if errors:
            errors.sort(key=lambda e: e["index"])
            raise CaptureRefused(_summary(errors), errors)
        row_ids = {event_id: held_as for event_id, (held_as, _) in row_ids.items()}
        kept_events = [item for _, item, target in writes if target is None]
        canonical = [epcis.identifiers(item.event) for item in kept_events]  # canonical already
        nodes = resolve_nodes(session, set().union(*canonical), names) if canonical else {}
        unknown = _unknown_places(session, writes, nodes, names)
        if unknown:
            raise CaptureRefused(_summary(unknown), unknown, status=422)
        if actor is not None and actor.role == "importer" and nodes:
            forbidden += _outside_importer_scope(session, actor, writes, canonical, nodes)
        if forbidden:
            forbidden.sort(key=lambda e: e["index"])
            raise CaptureRefused(_summary(forbidden), forbidden, status=403)
        _store(
            session, head, actor, writes, canonical, nodes, capture_id, received, kept_ctx,
            row_ids,
        )  # fmt: skip
        job = CaptureJob(
            capture_id=capture_id,
            created_at=received,
            finished_at=now(),
            running=False,
            success=True,
            events=len(events),
            stored=len(writes),
            duplicates=duplicates,
            errors=notices,
            user_id=actor.id if actor else None,
        )
        session.add(job)
    return job


def _within_bounds(document: dict, events: list, max_text: int) -> None:
    """Refuse non-finite numbers (400) and texts longer than `max_text` (422), naming where."""
    if not isinstance(document, dict):
        return  # not a document at all: the schema check says so
    envelope = {k: v for k, v in document.items() if k != "epcisBody"}
    places = [(None, envelope), *enumerate(events)]
    for index, part in places:
        found = epcis_rules.non_finite(part)
        if found:
            errors = [
                {
                    "index": index,
                    "reason": f"{found} is not a finite number: NaN, Infinity and numbers "
                    "beyond a double (1E400) are no EPCIS decimal",
                }
            ]
            raise CaptureRefused(_summary(errors), errors)
    for index, part in places:
        found = epcis_rules.too_long(part, max_text)
        if found:
            path, length = found
            errors = [
                {
                    "index": index,
                    "reason": f"{path} is {length} characters long; a captured text is at most "
                    f"{max_text} (EPCIS_CAPTURE_MAX_TEXT)",
                }
            ]
            raise CaptureRefused(_summary(errors), errors, status=422)


@lru_cache(maxsize=1)
def epcis_terms() -> frozenset[str]:
    """The terms EPCIS 2.0's own @context defines (its prefixes: gs1, cbv, xsd, …)."""
    path = Path(__file__).resolve().parents[1] / "standards" / "epcis-context.jsonld"
    context = json.loads(path.read_text())["@context"]
    items = context if isinstance(context, list) else [context]
    return frozenset(k for item in items if isinstance(item, dict) for k in item)


def _vocabulary_errors(document: dict, events: list) -> list[dict]:
    """What GS1's schema lets through and no consumer can read (`epcis_rules`): a prefix
    declared twice, CBV values that are neither a CBV word nor a URI, extension fields
    without a namespace, event types beyond the five."""
    clashes = epcis_rules.context_clashes(document.get("@context"))
    if clashes:
        return [
            {
                "index": None,
                "reason": f"the @context declares {', '.join(map(repr, clashes))} twice with "
                "different IRIs: one prefix, one namespace",
            }
        ]
    declared = epcis_rules.prefixes(document.get("@context"))
    terms = epcis_terms()
    errors = []
    for index, event in enumerate(events):
        local = event.get("@context")
        if local is not None and declared is not None:
            mine = epcis_rules.prefixes(local) or {}
            clash = [k for k, v in mine.items() if k in declared and declared[k] != v]
            if clash:
                errors.append(
                    {
                        "index": index,
                        "reason": f"@context: {', '.join(map(repr, clash))} means another IRI "
                        "than in the document's @context",
                    }
                )
                continue
        problems = [
            *epcis_rules.cbv_problems(event),
            *epcis_rules.extension_problems(event, declared, terms),
        ]
        errors.extend({"index": index, "reason": f"{where}: {why}"} for where, why in problems)
    return errors


def _repeated(
    read: list,
    first_index: int,
    item: epcis.Captured,
    index: int,
    received: datetime,
    declared_here: dict[str, dict],
) -> _Declared | None:
    """A second occurrence of an eventID in one document: the same event again (kept once,
    None), or the first re-sent with an errorDeclaration; anything else is refused."""
    first = read[first_index].event
    if epcis.same_event(first, item.event):
        return None
    declaration = epcis.declaration_of(first, item.event)
    if declaration is None:
        raise CaptureError(
            index, f"eventID {item.event_id} is also event {first_index}, with different content"
        )
    earlier = declared_here.get(item.event_id)
    if earlier == declaration:
        return None
    if earlier is not None:
        raise CaptureError(
            index, f"eventID {item.event_id} is declared erroneous twice, with different content"
        )
    declared_here[item.event_id] = declaration
    return _declared(item.event_id, declaration, index, received)


def _declared(event_id: str, declaration: dict, index: int, received: datetime) -> _Declared:
    moment = epcis.parse_time(declaration["declarationTime"])  # read_captured checked it parses
    if moment > received + CLOCK_SKEW:
        raise CaptureError(
            index,
            f"errorDeclaration.declarationTime {declaration['declarationTime']} is in the "
            "future; declare what has been found",
        )
    return _Declared(event_id, declaration, moment)


def _declare_held(
    session: Session,
    actor: User | None,
    index: int,
    item: _Declared,
    kept: Event,
    declared: dict[int, dict],
    writes: list,
    errors: list[dict],
    forbidden: list[dict],
) -> int:
    """Plan the declaration of `kept`, a captured event held already; 1 if it is a re-send of
    the declaration held already (a duplicate), else 0."""
    if kept.type != "captured":
        errors.append({"index": index, "reason": _rewrite_refused(item.event_id, kept)})
        return 0
    earlier = declared.get(kept.id)
    if earlier == item.declaration:
        return 1
    if earlier is not None:
        errors.append(
            {
                "index": index,
                "reason": f"eventID {item.event_id} was declared erroneous already "
                f"(declarationTime {earlier.get('declarationTime')}) with another "
                "errorDeclaration; a declaration is never rewritten",
            }
        )
        return 0
    if (
        actor is not None
        and actor.role == "importer"
        and not _captured_by_own(session, actor, kept)
    ):
        forbidden.append(
            {
                "index": index,
                "reason": f"eventID {item.event_id} was captured by another party: only they "
                "may declare it erroneous",
            }
        )
        return 0
    declared[kept.id] = item.declaration
    writes.append((index, item, kept))
    return 0


def _unknown_places(
    session: Session, writes: list, nodes: dict[str, str], names: Names
) -> list[dict]:
    """Places and parties named by URIs under our own base (`{base}/id/location/…`) that we
    do not hold: refused, naming the URI (a foreign URI is the partner's own identifier)."""
    prefix = f"{names.base_url}/id/location/"
    named: list[tuple[int, str, str]] = []
    for index, item, target in writes:
        if target is not None:
            continue
        event = item.event
        for key in ("readPoint", "bizLocation"):
            where = event.get(key)
            if isinstance(where, dict) and isinstance(where.get("id"), str):
                named.append((index, key, where["id"]))
        for key, field in (("sourceList", "source"), ("destinationList", "destination")):
            for i, entry in enumerate(event.get(key) or []):
                if isinstance(entry, dict) and isinstance(entry.get(field), str):
                    named.append((index, f"{key}[{i}].{field}", entry[field]))
    ours = {uri for _, _, uri in named if uri.startswith(prefix)}
    missing = ours - nodes.keys()
    if missing:  # sources and destinations are not among an event's identifiers
        missing -= resolve_nodes(session, missing, names).keys()
    return [
        {
            "index": index,
            "reason": f"{where} {uri} is under this repository's own base, but no place or "
            "party of ours has that identifier",
        }
        for index, where, uri in named
        if uri in missing
    ]


def _captured_by_own(session: Session, actor: User, event: Event) -> bool:
    """Whether `event` was captured by a user of the importer `actor` works for."""
    if event.user_id == actor.id:
        return True
    author = session.get(User, event.user_id) if event.user_id else None
    return author is not None and author.location_id == actor.location_id


def _rewrite_refused(event_id: str, kept: Event) -> str:
    if kept.type != "captured":
        return (
            f"eventID {event_id} is held already as one of our events; an event is never "
            "rewritten (ours are corrected through /api/v1/events/{id}/corrections)"
        )
    return (
        f"eventID {event_id} is held already as another captured event with different "
        "content; an event is never rewritten: to declare it erroneous, re-send it unchanged "
        "with an errorDeclaration (EPCIS 2.0 §7.4.1.2), and send the corrective event under a "
        "new eventID"
    )


def _declarations(session: Session, ids: list[int]) -> dict[int, dict]:
    """The errorDeclarations held for captured events `ids` (their senders' declarations)."""
    out = {}
    for event_id, fixes in corrections_of(session, ids).items():
        for fix in fixes:
            if fix.data.get("errorDeclaration"):
                out.setdefault(event_id, fix.data["errorDeclaration"])
    return out


def _outside_importer_scope(
    session: Session,
    actor: User,
    writes: list,
    canonical: list[set[str]],
    nodes: dict[str, str],
) -> list[dict]:
    """What an importer's events may not name (docs/epcis.md, "Who may capture what"): our lots
    and pallets other than those of the shipments consigned to it (and upstream of them, what
    it may export), and, as readPoint or bizLocation, our places other than its own and ports.
    """
    shipments = [
        node("shipment", ident)
        for ident in session.exec(
            select(Shipment.id).where(Shipment.consignee_id == actor.location_id)
        )
    ]
    edges = walk(session, shipments, "backward")
    things = set(shipments) | {e.src for e in edges} | {e.dst for e in edges}
    ports = session.exec(select(Location.id).where(Location.kind == "port")).all()
    own_places = {actor.location_id, *ports}
    kept = iter(canonical)
    out = []
    for index, item, target in writes:
        if target is not None:
            continue
        uris = next(kept)
        reason = None
        for uri in sorted(uris):
            found = nodes.get(uri)
            if found is None or found.startswith("location:") or found in things:
                continue
            what = "lot" if found.startswith("lot:") else "pallet"
            reason = (
                f"names {uri}, one of our {what}s that is not on a shipment consigned to you: "
                "an importer captures events about its own shipments only"
            )
            break
        for key in ("readPoint", "bizLocation"):
            place = _place_id(item.event.get(key), nodes)
            if reason is None and place is not None and place not in own_places:
                name = session.get(Location, place).name
                reason = (
                    f"its {key} {item.event[key]['id']} is {name}, not your place: an importer "
                    "captures events at its own place (or a port)"
                )
        if reason:
            out.append({"index": index, "reason": reason})
    return out


def _summary(errors: list[dict]) -> str:
    first = errors[0]
    where = "the document" if first["index"] is None else f"event {first['index']}"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"nothing was captured: {where}: {first['reason']}{more}"


def organisation(session: Session, user: User | None) -> str:
    """Whose eventIDs a user's events are: an importer's, its company's (`location:{id}`);
    staff's and ours, this repository's (`trace`)."""
    if user is not None and user.role == "importer" and user.location_id is not None:
        return f"location:{user.location_id}"
    return "trace"


def scoped_id(org: str, event_id: str) -> str:
    """The id an organisation's event is held under when another organisation holds its
    eventID already: the same for every re-send (a name-based UUID)."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{org} {event_id}')}"


def _held_for(
    session: Session, actor: User | None, event_ids: list[str]
) -> tuple[dict[str, Event], dict[str, tuple[str, Event]]]:
    """The events this actor's organisation holds under `event_ids` (an eventID is unique per
    capturing organisation: docs/epcis.md, "eventIDs"), and for the eventIDs only another
    organisation holds, the id this organisation's event is to be held under and the other's
    event."""
    org = organisation(session, actor)
    scoped = {event_id: scoped_id(org, event_id) for event_id in event_ids}
    rows = _held(session, [*event_ids, *scoped.values()])
    owners: dict[int | None, str] = {}
    held: dict[str, Event] = {}
    row_ids: dict[str, tuple[str, Event]] = {}
    for event_id in event_ids:
        mine = rows.get(scoped[event_id])
        if mine is not None:
            held[event_id] = mine
            continue
        plain = rows.get(event_id)
        if plain is None:
            continue
        owner = "trace"
        if plain.type == "captured":
            if plain.user_id not in owners:
                author = session.get(User, plain.user_id) if plain.user_id else None
                owners[plain.user_id] = organisation(session, author)
            owner = owners[plain.user_id]
        if owner == org:
            held[event_id] = plain
        else:
            row_ids[event_id] = (scoped[event_id], plain)
    return held, row_ids


def _clash_notice(index: int, event_id: str, held_as: str) -> dict:
    return {
        "index": index,
        "reason": f"eventID {event_id} is held already as another organisation's event: yours "
        f"is kept beside it (held as {held_as}); queries answer each under the eventID its "
        "sender gave",
    }


def _held(session: Session, event_ids: list[str]) -> dict[str, Event]:
    held = {}
    for chunk in _chunks(event_ids):
        for event in session.exec(select(Event).where(Event.event_id.in_(chunk))):
            held[event.event_id] = event
    return held


def _store(
    session: Session,
    head,
    actor: User | None,
    writes: list,
    canonical: list[set[str]],
    nodes: dict[str, str],
    capture_id: str,
    received: datetime,
    context: list | None = None,
    row_ids: dict[str, str] | None = None,
) -> None:
    """Append `writes` to the chain in document order: each captured event as a `captured` row
    (linked to our lots and pallets, its identifiers kept for queries), each declaration as a
    `correct` row of the event it declares, carrying the errorDeclaration as sent."""
    user_id = actor.id if actor else None
    held_refs: dict[int, list[str]] = defaultdict(list)
    declared_ids = [target.id for _, _, target in writes if isinstance(target, Event)]
    for chunk in _chunks(declared_ids):
        for ref in session.exec(select(EventRef).where(EventRef.event_id.in_(chunk))):
            held_refs[ref.event_id].append(ref.node)
    rows: list[dict] = []  # not yet appended
    ids: list[int] = []  # the ids of the rows appended so far, in order
    at_row: dict[int, int] = {}  # document index → row number
    linked: list[list[str]] = []  # row number → event_ref nodes
    places: list[int | None] = []  # row number → bizLocation (one of our places)
    uri_rows: list[tuple[str, int]] = []
    uris_of: list[set[str] | None] = []
    kept = iter(canonical)
    ours = any(n.startswith("location:") for n in nodes.values())  # places of ours named
    for index, item, target in writes:
        if target is None:
            uris = next(kept)
            event = item.event
            if not item.event_id:
                event = {**event, "eventID": f"urn:uuid:{uuid.uuid4()}"}
            held_as = (row_ids or {}).get(item.event_id)
            at_row[index] = len(linked)
            if nodes:
                links = {nodes[uri] for uri in uris if uri in nodes}
                linked.append(sorted(n for n in links if not n.startswith("loc")))
            else:
                linked.append([])
            uris_of.append(uris)
            places.append(_place_id(event.get("bizLocation"), nodes) if ours else None)
            rows.append(
                {
                    "event_id": held_as or event["eventID"],
                    "type": "captured",
                    "epcis_type": item.epcis_type,
                    "action": item.action,
                    "biz_step": item.biz_step,
                    "disposition": item.disposition,
                    "event_time": item.event_time,
                    "tz_offset": item.tz_offset,
                    "record_time": received,
                    "read_point_id": _place_id(event.get("readPoint"), nodes) if ours else None,
                    "biz_location_id": places[-1],
                    "data": {"epcis": event, "capture": capture_id}
                    | ({"context": context} if context else {})
                    | ({"held_as": held_as} if held_as else {}),
                    "corrects_id": None,
                    "user_id": user_id,
                }
            )
            continue
        if isinstance(target, Event):
            original_id, location, refs = target.id, target.biz_location_id, held_refs[target.id]
        else:  # an event of this document: appended first, to know its id
            row = at_row[target]
            if row >= len(ids):
                ids += append_events(session, head, rows)
                rows = []
            original_id, location, refs = ids[row], places[row], linked[row]
        reason = item.declaration.get("reason")
        linked.append(refs)
        places.append(location)
        uris_of.append(None)
        rows.append(
            {
                "event_id": f"urn:uuid:{uuid.uuid4()}",
                "type": "correct",
                "epcis_type": KINDS["correct"].epcis_type,
                "action": KINDS["correct"].action,
                "biz_step": None,
                "disposition": None,
                "event_time": item.declared_at.astimezone(UTC),
                "tz_offset": offset_of(item.declared_at),
                "record_time": received,
                "read_point_id": location,
                "biz_location_id": location,
                "data": {
                    "corrects": item.event_id,
                    "reason": "declared erroneous by its sender"
                    + (f" ({reason})" if reason else ""),
                    "changes": {},
                    "before": {},
                    "errorDeclaration": item.declaration,
                    "capture": capture_id,
                },
                "corrects_id": original_id,
                "user_id": user_id,
            }
        )
    ids += append_events(session, head, rows)
    refs = [(ident, name) for ident, names_ in zip(ids, linked, strict=True) for name in names_]
    for ident, uris in zip(ids, uris_of, strict=True):
        if uris:
            uri_rows.extend((uri, ident) for uri in sorted(uris))
    bulk_insert(session, "event_ref", ("event_id", "node"), refs)
    bulk_insert(session, "event_uri", ("uri", "event_id"), uri_rows)


def _place_id(where, nodes: dict[str, str]) -> int | None:
    if not isinstance(where, dict) or not where.get("id"):
        return None
    found = nodes.get(epcis.canonical_id(where["id"]), "")
    return int(found.split(":")[1]) if found.startswith("location:") else None


def _lot_of_serial(session: Session, gtin: str, serial: str) -> int | None:
    """The lot whose carton was printed with `serial` (a random serial, or an old job's number
    in its one spelling)."""
    if is_random_serial(serial):
        return session.exec(
            select(CartonSerial.lot_id)
            .join(Product, Product.id == CartonSerial.product_id)
            .where(Product.gtin == gtin, CartonSerial.serial == serial)
        ).first()
    number = numbered_serial(serial)
    if number is None:
        return None
    return session.exec(
        select(LabelJob.lot_id)
        .join(Product, Product.id == LabelJob.product_id)
        .where(
            Product.gtin == gtin,
            LabelJob.kind == "carton",
            LabelJob.random_serials.is_(False),
            LabelJob.serial_first <= number,
            LabelJob.serial_last >= number,
            LabelJob.lot_id.is_not(None),
        )
    ).first()


def resolve_nodes(session: Session, uris: Iterable[str], names: Names) -> dict[str, str]:
    """Which of our lots, pallets and places canonical identifiers name: `{uri: node}`.

    A lot by its Digital Link (GTIN + lot) or our own lot URI; a carton (GTIN + serial) by
    the label job that printed its serial; a pallet by its SSCC; a place by its GLN or our own
    location URI.
    """
    lots: dict[tuple[str, str], list[str]] = defaultdict(list)
    serials: dict[tuple[str, str], list[str]] = defaultdict(list)
    own_lots: dict[str, list[str]] = defaultdict(list)
    ssccs: dict[str, list[str]] = defaultdict(list)
    glns: dict[str, list[str]] = defaultdict(list)
    own_places: dict[int, list[str]] = defaultdict(list)
    out: dict[str, str] = {}
    gs1, after = f"{epcis.GS1}/", len(epcis.GS1) + 1
    for uri in uris:
        if uri.startswith(gs1):
            parts = uri[after:].split("/")
            if parts[0] == "01" and len(parts) == 4 and parts[2] == "10":
                lots[(parts[1], unquote(parts[3]))].append(uri)
            elif parts[0] == "01" and len(parts) == 4 and parts[2] == "21":
                serials[(parts[1], unquote(parts[3]))].append(uri)
            elif parts[0] == "00" and len(parts) == 2:
                ssccs[parts[1]].append(uri)
            elif parts[0] in ("414", "417") and len(parts) == 2:
                glns[parts[1]].append(uri)
        else:
            own = names.own(uri)
            if own and own[0] == "lot":
                own_lots[own[1]].append(uri)
            elif own and own[0] == "location" and own[1].isdigit() and len(own[1]) < 10:
                own_places[int(own[1])].append(uri)
    if lots or serials:  # only a GTIN of one of our products can name our lot or carton
        gtins = set(session.exec(select(Product.gtin).where(Product.gtin.is_not(None))))
        lots = {key: found for key, found in lots.items() if key[0] in gtins}
        serials = {key: found for key, found in serials.items() if key[0] in gtins}
    codes = {code for _, code in lots} | set(own_lots)
    for chunk in _chunks(codes):
        for lot_id, code, gtin in session.exec(
            select(Lot.id, Lot.code, Product.gtin)
            .join(Product, Product.id == Lot.product_id, isouter=True)
            .where(Lot.code.in_(chunk))
        ):
            for uri in lots.get((gtin, code), []) + own_lots.get(code, []):
                out[uri] = node("lot", lot_id)
    for (gtin, serial), found in serials.items():
        lot_id = _lot_of_serial(session, gtin, serial)
        if lot_id:
            out.update(dict.fromkeys(found, node("lot", lot_id)))
    for chunk in _chunks(ssccs):
        for pallet_id, sscc in session.exec(
            select(Pallet.id, Pallet.sscc).where(Pallet.sscc.in_(chunk))
        ):
            out.update(dict.fromkeys(ssccs[sscc], node("pallet", pallet_id)))
    for chunk in _chunks(own_places):  # only a place we hold: an id is no proof of one
        for place_id in session.exec(select(Location.id).where(Location.id.in_(chunk))):
            out.update(dict.fromkeys(own_places[place_id], node("location", place_id)))
    for chunk in _chunks(glns):
        for place_id, gln in session.exec(
            select(Location.id, Location.gln).where(Location.gln.in_(chunk))
        ):
            out.update(dict.fromkeys(glns[gln], node("location", place_id)))
    return out


def capture_job(session: Session, capture_id: str, actor: User | None = None) -> CaptureJob:
    job = session.exec(select(CaptureJob).where(CaptureJob.capture_id == capture_id)).first()
    if job is None or (
        actor is not None and actor.role not in ("admin", "inspector") and job.user_id != actor.id
    ):
        raise NotFound(f"no capture job {capture_id!r}", kind="capture.unknown_job", id=capture_id)
    return job


# --- query -------------------------------------------------------------------------------------


def query_events(
    session: Session,
    query: Query,
    names: Names,
    *,
    after: int = 0,
    count: int = 100,
) -> tuple[list[dict], int | None]:
    """Events answering `query`, oldest record first, from after event row `after`: at most
    `count` of them, and where to go on from (the last row used) when more answer.

    The database narrows (type, time, bizStep, the identifiers' events); `epcis.matches`
    decides on the events as EPCIS shows them. A corrected event comes with its corrective
    events and is never split from them.
    """
    base = select(Event).where(Event.type != "correct")
    if query.event_types:
        base = base.where(Event.epcis_type.in_(query.event_types))
    if query.ge_event_time:
        base = base.where(Event.event_time >= query.ge_event_time)
    if query.lt_event_time:
        base = base.where(Event.event_time < query.lt_event_time)
    if query.ge_record_time or query.lt_record_time:
        base = base.where(_recorded(query.ge_record_time, query.lt_record_time))
    if query.actions:
        base = base.where(Event.action.in_(query.actions))
    if query.biz_steps:
        forms = [form for step in query.biz_steps for form in epcis.cbv_forms(step)]
        base = base.where(Event.biz_step.in_(forms))
    if query.dispositions:
        forms = [f for d in query.dispositions for f in epcis.cbv_forms(d, "disposition")]
        fix = aliased(Event)  # a correction may change a disposition (an inspection's result)
        corrected = select(fix.corrects_id).where(fix.corrects_id.is_not(None))
        base = base.where(or_(Event.disposition.in_(forms), Event.id.in_(corrected)))
    for values in (
        query.match_epc,
        query.match_any_epc,
        query.match_epc_class,
        query.match_any_epc_class,
    ):
        if values and not any(_is_pattern(v) for v in values):
            base = base.where(Event.id.in_(_naming(session, values, names)))
    if query.biz_locations:
        base = base.where(_at(session, query.biz_locations, names))
    found: list[dict] = []
    last = after
    while True:
        batch = list(session.exec(base.where(Event.id > last).order_by(Event.id).limit(200)))
        if not batch:
            return found, None
        sizes: list[int] = []
        mapped = to_epcis(session, batch, names, sizes=sizes)
        groups = _group(batch, mapped, sizes)
        for event, group in groups:
            hits = [e for e in group if epcis.matches(e, query)]
            if hits and len(found) + len(hits) > count and found:
                return found, last
            found.extend(hits)
            last = event.id
            if len(found) >= count:
                more = session.exec(base.where(Event.id > last).limit(1)).first()
                return found, (last if more is not None else None)


def _group(
    batch: list[Event], mapped: list[dict], sizes: list[int]
) -> list[tuple[Event, list[dict]]]:
    """Pair each row with its EPCIS events (itself, then its corrective events): by position,
    as `to_epcis` counted them (two organisations' events may share an eventID)."""
    groups, start = [], 0
    for event, size in zip(batch, sizes, strict=True):
        groups.append((event, mapped[start : start + size]))
        start += size
    return groups


def _recorded(start: datetime | None, end: datetime | None):
    """Rows recorded in [start, end), or whose corrections (declarations) were: a correction is
    news about the event it corrects, and travels with it."""

    def within(column):
        bounds = []
        if start:
            bounds.append(column >= start)
        if end:
            bounds.append(column < end)
        return and_(*bounds)

    fix = aliased(Event)
    later = select(fix.corrects_id).where(fix.corrects_id.is_not(None), within(fix.record_time))
    return or_(within(Event.record_time), Event.id.in_(later))


def _is_pattern(value: str) -> bool:
    return value.endswith("/*") or (value.startswith(f"{epcis.GS1}/01/") and value.count("/") == 4)


def _naming(session: Session, uris: tuple[str, ...], names: Names):
    """The ids of events that name any of `uris`: captured ones by their identifiers, ours by
    the lots and pallets the identifiers resolve to."""
    nodes = [n for n in resolve_nodes(session, uris, names).values() if not n.startswith("loc")]
    by_uri = select(EventUri.event_id).where(EventUri.uri.in_(uris))
    by_node = select(EventRef.event_id).where(EventRef.node.in_(nodes or [""]))
    return by_uri.union(by_node)


def _at(session: Session, uris: tuple[str, ...], names: Names):
    places = [
        int(n.split(":")[1])
        for n in resolve_nodes(session, uris, names).values()
        if n.startswith("location:")
    ]
    return or_(
        Event.biz_location_id.in_(places or [-1]),
        Event.id.in_(select(EventUri.event_id).where(EventUri.uri.in_(uris))),
    )


def page_token(after: int, left: int | None, fingerprint: str) -> str:
    raw = json.dumps({"after": after, "left": left, "q": fingerprint}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def read_token(token: str, fingerprint: str) -> tuple[int, int | None]:
    """The position a nextPageToken points at; refused if it belongs to another query."""
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        after, left = int(data["after"]), data.get("left")
        ok = data.get("q") == fingerprint and after >= 0
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise Invalid(
            "nextPageToken",
            "this token does not belong to this query: start again",
            kind="query.page_token",
        )
    return after, (None if left is None else int(left))


def fingerprint(params: dict) -> str:
    """A short digest of a query's parameters (a page token is valid for its query only)."""
    text = json.dumps(params, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
