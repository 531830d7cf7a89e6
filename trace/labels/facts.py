"""What the database knows about a lot or a pallet, for its labels: plain, frozen values.

PURE (the standard library only). The service layer fills these facts from the database;
`trace.labels.content` turns them into what a label says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Treatment:
    """A phytosanitary treatment the lot went through.

    Attributes:
        facility_code: The treatment facility's code (TFC) for the market.
        batch: The treatment batch number.
    """

    facility_code: str
    batch: str


@dataclass(frozen=True)
class LotFacts:
    """What the database knows about a packed lot, for its carton labels.

    Attributes:
        names: Product names by language, e.g. ``{"vi": "Vải thiều Thanh Hà",
            "en": "Thanh Ha lychee", "ja": "タンハー・ライチ"}``; ``"vi"`` is required.
        gtin: The product's GTIN (8-14 digits), or None for a product without one.
        variety: The variety, e.g. ``"Thanh Hà"``.
        net_weight_kg: Net weight of one carton in kilograms.
        lot: The traceability lot code (AI 10).
        pack_date: The day the lot was packed (AI 13).
        growing_areas: Growing-area codes (PUC) of the orchards in the lot.
        packing_house: The packing-house code (PHC) for the market, if any.
        treatment: The treatment, if the lot was treated.
        market: Destination market, two letters: ``"JP"``, ``"US"``, ``"AU"``,
            ``"EU"``, ``"KR"``…
        base_url: Public base URL of trace's resolver, e.g. ``"https://trace.example.vn"``.
        stamps: Extra lines the market requires, added after the market's own.
        contact: The exporter's consumer contact (``phone``, ``email``, ``website``), if it
            keeps one: its phone (else e-mail) and web site are printed.
        packer: The packing house's name and address (for a market's "Packer" line).
        consignee_country: Where the lot's consignee is, when it is shipped (for a market
            whose labels speak the consignee's language).
    """

    names: Mapping[str, str]
    gtin: str | None
    variety: str
    net_weight_kg: Decimal | float | int
    lot: str
    pack_date: date
    growing_areas: tuple[str, ...]
    packing_house: str | None
    treatment: Treatment | None
    market: str
    base_url: str
    stamps: tuple[str, ...] = ()
    contact: Mapping[str, str] | None = None
    packer: str = ""
    consignee_country: str | None = None


@dataclass(frozen=True)
class Party:
    """A sender or receiver on a logistic label.

    Attributes:
        name: Company name (and address line, if wanted).
        country: Country name or ISO code.
    """

    name: str
    country: str


@dataclass(frozen=True)
class PalletLine:
    """One lot on a pallet.

    Attributes:
        gtin: The cartons' GTIN, or None for a product without one.
        lot: The lot code.
        cartons: How many cartons of that lot are on the pallet.
    """

    gtin: str | None
    lot: str
    cartons: int


@dataclass(frozen=True)
class PalletFacts:
    """What the database knows about a pallet, for its logistic label, in the order the
    label reads top to bottom (GS1 Logistic Label Guideline: from, to, then the data).

    Attributes:
        ship_from: The sender (exporter or packing house).
        ship_to: The consignee.
        market: Destination market, two letters.
        sscc: The pallet's SSCC, 18 digits.
        contents: The lots on it; one entry means the pallet holds one lot.
        company_prefix: The GS1 company prefix inside the SSCC, if known: the
            human-readable SSCC is then grouped as extension digit, prefix, serial
            reference and check digit.
    """

    ship_from: Party
    ship_to: Party
    market: str
    sscc: str
    contents: tuple[PalletLine, ...]
    company_prefix: str | None = None


__all__ = ["LotFacts", "PalletFacts", "PalletLine", "Party", "Treatment"]
