"""Tables. The event log (`event`) is the evidence; the other tables are its current state.

Nodes of the trace graph are named by strings, the same in `edge` and `event_ref`:
`location:<id>` (an orchard), `lot:<id>`, `pallet:<id>`, `shipment:<id>`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import JSON, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def node(kind: str, ident: int) -> str:
    """The graph name of a row: `node("lot", 12) == "lot:12"`."""
    return f"{kind}:{ident}"


class _Stored(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _Stored) -> int:
    """The id of a row already in the database (flushed or read): set by then, never None."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id until it is flushed")
    return row.id


class Location(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32, index=True)
    name: str = Field(max_length=200)
    gln: str | None = Field(default=None, max_length=13, unique=True)
    # FSMA 204 location description (21 CFR 1.1310): phone; street, commune, district, city,
    # region or province, postal_code and country (ISO 3166) in `address`.
    phone: str | None = Field(default=None, max_length=32)
    address: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    # A treatment facility's methods (fumigation, vapour_heat, irradiation…); empty: any.
    methods: list[str] = Field(default_factory=list, sa_type=JSON)
    # An exporter's consumer contact (name, phone, email, website): whom the public page of
    # its cartons tells a reader to contact; empty: the TRACE_LOOKUP_CONTACT_* settings.
    contact: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime


class LocationCode(SQLModel, table=True):
    """An official code a location holds for one market (PUC, PHC, TFC…)."""

    __tablename__ = "location_code"
    __table_args__ = (UniqueConstraint("location_id", "scheme", "market", "value"),)

    id: int | None = Field(default=None, primary_key=True)
    location_id: int = Field(foreign_key="location.id", index=True)
    scheme: str = Field(max_length=16)
    value: str = Field(max_length=64, index=True)
    market: str = Field(max_length=8)
    status: str = Field(default="active", max_length=16)
    issuer: str | None = Field(default=None, max_length=200)
    season: str | None = Field(default=None, max_length=16)


class Product(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    gtin: str | None = Field(default=None, max_length=14, unique=True)
    name: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    commodity: str = Field(max_length=64)
    variety: str | None = Field(default=None, max_length=64)
    unit: str = Field(default="kg", max_length=8)
    net_weight_kg: float | None = None
    created_at: datetime


class Lot(SQLModel, table=True):
    """A quantity of one product with one history: a harvest lot or a packed lot."""

    __table_args__ = (Index("ix_lot_kind_produced_on", "kind", "produced_on"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    kind: str = Field(max_length=16)  # harvest | packed
    product_id: int | None = Field(default=None, foreign_key="product.id", index=True)
    commodity: str = Field(max_length=64)
    variety: str | None = Field(default=None, max_length=64)
    orchard_id: int | None = Field(default=None, foreign_key="location.id", index=True)
    location_id: int | None = Field(default=None, foreign_key="location.id", index=True)
    unit: str = Field(default="kg", max_length=8)
    quantity: float  # harvested (harvest lot) or packed net weight (packed lot)
    received: float = 0  # harvest lot: sum of receipts
    used: float = 0  # given out to packings
    cartons: int | None = None  # packed lot: cartons packed
    cartons_palletised: int = 0
    produced_on: date  # harvested_on or packed_on
    on_hold: bool = False  # the latest inspection failed
    created_at: datetime


class Pallet(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    sscc: str = Field(max_length=18, unique=True)
    location_id: int = Field(foreign_key="location.id", index=True)
    shipment_id: int | None = Field(default=None, foreign_key="shipment.id", index=True)
    cartons: int
    created_at: datetime


class PalletContent(SQLModel, table=True):
    __tablename__ = "pallet_content"

    pallet_id: int = Field(foreign_key="pallet.id", primary_key=True)
    lot_id: int = Field(foreign_key="lot.id", primary_key=True, index=True)
    cartons: int


class Shipment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    exporter_id: int = Field(foreign_key="location.id")
    consignee_id: int = Field(foreign_key="location.id", index=True)
    market: str = Field(max_length=8, index=True)
    container_no: str | None = Field(default=None, max_length=16, index=True)
    seal_no: str | None = Field(default=None, max_length=32)
    bill_of_lading: str | None = Field(default=None, max_length=64, index=True)
    phyto_certificate_no: str | None = Field(default=None, max_length=64, index=True)
    status: str = Field(default="loaded", max_length=16)  # loaded | departed | arrived
    departed_at: datetime | None = None
    arrived_at: datetime | None = None
    # How it travels: sea | air (a container), road (a truck through a border gate).
    conveyance: str = Field(default="sea", max_length=8)
    truck_plate: str | None = Field(default=None, max_length=16, index=True)
    trailer_plate: str | None = Field(default=None, max_length=16)
    border_gate: str | None = Field(
        default=None, max_length=32
    )  # its market's (trace/domain/markets.py)
    crossed_at: datetime | None = None  # the `cross` event: when the truck crossed the border
    created_at: datetime


class Event(SQLModel, table=True):
    """One thing that happened. Append-only: never updated, never deleted.

    Columns map 1:1 to EPCIS 2.0: `epcis_type`, `action`, `biz_step`, `disposition`,
    `read_point_id`/`biz_location_id`, and `data` holding quantity lists (UN/ECE units),
    source/destination lists, business transactions, ILMD and our extension fields.
    `hash` is the SHA-256 of the canonical content, which includes `prev_hash`.
    """

    id: int | None = Field(default=None, primary_key=True)
    # EPCIS eventIDs are URIs: ours are urn:uuid:…, captured ones may be ni:///sha-256;… (92+).
    event_id: str = Field(max_length=255, unique=True)
    type: str = Field(max_length=16, index=True)
    epcis_type: str = Field(max_length=64)
    action: str | None = Field(default=None, max_length=8)
    biz_step: str | None = Field(default=None, max_length=255)
    disposition: str | None = Field(default=None, max_length=255)
    event_time: datetime = Field(index=True)  # UTC
    tz_offset: str = Field(max_length=6)  # the local offset it happened in, "+07:00"
    record_time: datetime  # UTC, the server's clock
    read_point_id: int | None = Field(default=None, foreign_key="location.id")
    biz_location_id: int | None = Field(default=None, foreign_key="location.id", index=True)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    corrects_id: int | None = Field(default=None, foreign_key="event.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class EventRef(SQLModel, table=True):
    """Which lots, pallets and shipments an event concerns (for their timelines)."""

    __tablename__ = "event_ref"
    # "Which events name these nodes (after this one)?" is read from the index alone.
    __table_args__ = (Index("ix_event_ref_node_event_id", "node", "event_id"),)

    event_id: int = Field(foreign_key="event.id", primary_key=True)
    node: str = Field(max_length=40, primary_key=True)


class Edge(SQLModel, table=True):
    """A step of the trace graph: `src` went (partly) into `dst` through `event_id`."""

    id: int | None = Field(default=None, primary_key=True)
    src: str = Field(max_length=40, index=True)
    dst: str = Field(max_length=40, index=True)
    event_id: int = Field(foreign_key="event.id")
    quantity: float | None = None
    uom: str | None = Field(default=None, max_length=8)


class ChainHead(SQLModel, table=True):
    """The single row every writer locks first: it serialises the hash chain."""

    __tablename__ = "chain_head"

    id: int = Field(default=1, primary_key=True)
    last_event_id: int | None = None
    last_hash: str = Field(max_length=64)
    writes: int = 0
    # The newest master-data version's hash (their own chain, `masterdata_version`).
    masterdata_hash: str = Field(default="0" * 64, max_length=64)


class MasterDataVersion(SQLModel, table=True):
    """One change of a place (its columns and codes) or a product: who, when, the whole state
    before and after. Append-only and hash-chained like the event log (its head is
    `chain_head.masterdata_hash`); what a past event's pages and exports say of a place or a
    product is the version valid at the event's time (trace/services/masterdata.py)."""

    __tablename__ = "masterdata_version"
    __table_args__ = (Index("ix_masterdata_version_entity", "entity", "entity_id", "valid_from"),)

    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=16)  # location | product
    entity_id: int
    change: str = Field(max_length=500)  # what changed, in words
    valid_from: datetime
    user_id: int | None = Field(default=None, foreign_key="user.id")
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    after: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class Counter(SQLModel, table=True):
    """Named sequences (SSCC serial references, lot numbers), taken under the chain lock."""

    name: str = Field(max_length=32, primary_key=True)
    value: int = 0


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    role: str = Field(max_length=16)  # admin | worker | inspector | importer
    location_id: int | None = Field(default=None, foreign_key="location.id")
    created_at: datetime
    # The staff web pages' password (werkzeug's scrypt hash); None: API tokens only.
    password_hash: str | None = Field(default=None, max_length=255)
    # Sessions of an older generation are over (logout, password change, an admin's revocation).
    session_epoch: int = 0
    # The second factor: the confirmed TOTP key, one being set up, an admin's demand for one,
    # and the SHA-256 of each unused recovery code (space-separated).
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_pending: str | None = Field(default=None, max_length=64)
    totp_required: bool = False
    totp_last_step: int | None = None  # the TOTP time step last used: a code works once
    recovery_codes: str | None = Field(default=None, max_length=1000)


class ApiToken(SQLModel, table=True):
    """A bearer token, stored as its SHA-256 (the token itself is shown once)."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None


class LabelJob(SQLModel, table=True):
    """Labels printed: who, when, what, and for cartons which serials (AI 21).

    Serials are numbered per product (GTIN), as GS1 requires of a GTIN + serial pair, so a
    serial names one carton of one lot; a reprint records the same serials again.
    """

    __tablename__ = "label_job"
    __table_args__ = (Index("ix_label_job_product_serials", "product_id", "serial_first"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # carton | pallet | sticker
    product_id: int | None = Field(default=None, foreign_key="product.id")
    lot_id: int | None = Field(default=None, foreign_key="lot.id", index=True)
    pallet_id: int | None = Field(default=None, foreign_key="pallet.id", index=True)
    size: str = Field(max_length=16)
    format: str = Field(max_length=8)
    count: int
    serial_first: int | None = None  # the cartons' numbers in the product's sequence
    serial_last: int | None = None
    reprint: bool = False
    # True: each carton's printed serial is a random one (`CartonSerial`); False (jobs printed
    # before random serials): the printed serial is the carton's number itself.
    random_serials: bool = False
    user_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime


class CartonSerial(SQLModel, table=True):
    """The random serial printed on one carton (`trace.gs1.serials`): which product, which of its
    numbered cartons (`LabelJob.serial_first`…`serial_last`), which lot and which job."""

    __tablename__ = "carton_serial"
    __table_args__ = (Index("ix_carton_serial_number", "product_id", "number", unique=True),)

    product_id: int = Field(foreign_key="product.id", primary_key=True)
    serial: str = Field(max_length=20, primary_key=True)
    number: int
    lot_id: int = Field(foreign_key="lot.id")
    label_job_id: int = Field(foreign_key="label_job.id", index=True)


class ScanCounter(SQLModel, table=True):
    """How many people opened the public page of one serialised carton (GTIN + lot + serial).

    `count` is the number of distinct client-days (`Scan`), bumped in the transaction that adds
    one; `first_at` and `last_at` the first and the latest of them. A read is one primary-key row,
    however often a copied label is scanned.
    """

    __tablename__ = "scan_counter"

    gtin: str = Field(max_length=14, primary_key=True)
    lot: str = Field(max_length=20, primary_key=True)
    serial: str = Field(max_length=20, primary_key=True)
    count: int = 0
    first_at: datetime
    last_at: datetime


class Scan(SQLModel, table=True):
    """One person's opening of a carton's page on one day: `client` is a hash of the address and
    user agent salted with that day's `ScanSalt` (never the address itself), so the same phone
    reopening, reloading or switching language that day adds nothing (insert-if-absent)."""

    __tablename__ = "scan"

    gtin: str = Field(max_length=14, primary_key=True)
    lot: str = Field(max_length=20, primary_key=True)
    serial: str = Field(max_length=20, primary_key=True)
    client: str = Field(max_length=32, primary_key=True)
    at: datetime


class ScanSalt(SQLModel, table=True):
    """The random salt of one UTC day's client hashes; salts older than yesterday are deleted,
    after which nobody can tell whose address a hash was."""

    __tablename__ = "scan_salt"

    day: date = Field(primary_key=True)
    salt: str = Field(max_length=64)


class EventUri(SQLModel, table=True):
    """The identifiers a captured EPCIS event names (EPCs, classes, parent, locations),
    canonical form (`https://id.gs1.org/…` for GS1 keys): what EPCIS queries look up."""

    __tablename__ = "event_uri"

    # The key starts with the URI: the one index a query by identifier needs.
    uri: str = Field(sa_type=Text, primary_key=True)
    event_id: int = Field(foreign_key="event.id", primary_key=True)


class CaptureJob(SQLModel, table=True):
    """One EPCIS capture (REST binding `/capture/{captureID}`): what was sent, what was kept."""

    __tablename__ = "capture_job"

    id: int | None = Field(default=None, primary_key=True)
    capture_id: str = Field(max_length=64, unique=True)
    created_at: datetime
    finished_at: datetime | None = None
    running: bool = False
    success: bool = True
    error_behaviour: str = Field(default="rollback", max_length=16)
    events: int = 0  # in the document
    stored: int = 0  # new events appended to the log
    duplicates: int = 0  # exact re-sends of events already held, ignored
    errors: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    user_id: int | None = Field(default=None, foreign_key="user.id")


class Checkpoint(SQLModel, table=True):
    """The chain head at a moment, signed with the organisation's Ed25519 key.

    Rewriting history before `last_event_id`, even with every later hash recomputed, no
    longer reaches `chain_hash`, and a new signature needs the private key (never stored here).
    """

    id: int | None = Field(default=None, primary_key=True)
    last_event_id: int | None = None
    events: int = 0
    chain_hash: str = Field(max_length=64)
    created_at: datetime
    key_fingerprint: str = Field(max_length=64)
    public_key: str = Field(max_length=64)  # raw Ed25519 public key, base64
    signature: str = Field(max_length=128)  # base64 over the checkpoint's canonical statement
    reason: str = Field(default="manual", max_length=32)


class FormOnce(SQLModel, table=True):
    """A staff page's one-time form token: the first submission is recorded, a repeat (a
    worker tapping twice) is answered with where the first one went, never recorded again."""

    __tablename__ = "form_once"

    token: str = Field(max_length=64, primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(index=True)
    result: str | None = Field(default=None, max_length=500)  # the page the first one led to


class IdempotencyKey(SQLModel, table=True):
    """An API request sent with an `Idempotency-Key` header, and the answer it got.

    The row is written in the same transaction as what the request records, so a retry after a
    lost answer or a crash finds it: the same key and body get the same answer and nothing new
    is recorded; the same key with another body is refused (trace/api/idempotency.py).
    """

    __tablename__ = "idempotency_key"

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    key: str = Field(max_length=255, primary_key=True)
    request_hash: str = Field(max_length=64)  # SHA-256 of method, path, query and body
    created_at: datetime = Field(index=True)
    status: int | None = None  # None: recorded, its answer not kept (the server stopped)
    mimetype: str | None = Field(default=None, max_length=100)
    location: str | None = Field(default=None, max_length=500)
    body: bytes | None = Field(default=None, sa_type=LargeBinary)
