"""What the EPCIS mapping needs to know beyond an event's row: plain values the services
gather (lots, places, shipments), so that the mapping can be read and tested without a
database. PURE.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LotInfo:
    code: str
    gtin: str | None
    kind: str = "harvest"


@dataclass(frozen=True)
class Place:
    id: int
    kind: str
    name: str
    gln: str | None = None
    address: Mapping[str, Any] = field(default_factory=dict)
    codes: tuple[Mapping[str, Any], ...] = ()  # ({"scheme", "value", "market", "status"}, …)
    phone: str | None = None


@dataclass(frozen=True)
class ShipInfo:
    id: int
    pallets: tuple[str, ...]
    market: str
    exporter_id: int
    consignee_id: int
    container_no: str | None = None
    seal_no: str | None = None
    bill_of_lading: str | None = None
    phyto_certificate_no: str | None = None


@dataclass
class Lookup:
    """What the mapping needs to know beyond the event row, gathered by the service."""

    lots: dict[str, LotInfo] = field(default_factory=dict)
    places: Mapping[int, Place] = field(default_factory=dict)
    shipments: dict[int, ShipInfo] = field(default_factory=dict)

    def place(self, ident: int | None) -> Place | None:
        return None if ident is None else self.places.get(ident)

    def shipment(self, ident: int | None) -> ShipInfo | None:
        return None if ident is None else self.shipments.get(ident)


# Business transaction types (CBV 2.0 §7.4) of what the log stores as `biz_transactions`.
DOCUMENT_NAMES = {
    "bol": "Bill of lading",
    "cert": "Certificate",
    "desadv": "Despatch advice",
    "inv": "Invoice",
    "po": "Purchase order",
    "prodorder": "Production order",
    "recadv": "Receiving advice",
}
