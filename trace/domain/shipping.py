"""What refuses loading pallets into a shipment: a pallet that shipped already (a pallet ships
once), a lot on hold, and what the market's profile refuses (places in the chain without its
active code, a consignee outside its countries, a lot without the treatment it needs); and the
order of its journey (loaded, departed, across the border by truck, arrived).

PURE: each rule reads plain facts (`Loading`, gathered by trace/services/shipments.py) and
returns or raises the `RuleViolation` with its kind. The shipment service raises the first
refusal; the staff page's market check shows them all before anything is recorded, asking the
same `loading_refusals`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .errors import RuleViolation
from .markets import Market


@dataclass(frozen=True)
class Place:
    """An orchard, packing house or treatment facility in the chain, with the (scheme, market)
    pairs of the codes it holds active."""

    kind: str
    name: str
    active: frozenset[tuple[str, str]]


@dataclass(frozen=True)
class LotFacts:
    """A lot to be shipped: its commodity and the treatments it and its sources had."""

    code: str
    commodity: str
    treatments: frozenset[str]


@dataclass(frozen=True)
class Consignee:
    name: str
    country: str | None


@dataclass(frozen=True)
class Loading:
    """What loading asks about: each pallet's SSCC with the shipment it is in (None: none
    yet), the lots on them, the lots on hold among those and their sources, the places of the
    chain, the consignee."""

    pallets: tuple[tuple[str, int | None], ...]
    lots: tuple[LotFacts, ...]
    held: tuple[str, ...]
    places: tuple[Place, ...]
    consignee: Consignee | None


def shipped_elsewhere(
    pallets: Iterable[tuple[str, int | None]], own: int | None = None
) -> list[RuleViolation]:
    """A pallet ships once: each pallet already in a shipment other than `own`."""
    return [
        RuleViolation(
            f"pallet {sscc} is already in shipment {shipment} (a pallet ships once)",
            kind="shipment.pallet_shipped",
            sscc=sscc,
            shipment=shipment,
        )
        for sscc, shipment in pallets
        if shipment not in (None, own)
    ]


def on_hold(held: Iterable[str], doing: str) -> RuleViolation | None:
    """Lots whose latest inspection failed (or that came from one) are not `doing` ("pack",
    "ship"): the refusal naming them, else None."""
    lots = sorted(held)
    if not lots:
        return None
    return RuleViolation(
        f"cannot {doing}: lot {', '.join(lots)} is on hold (its latest inspection failed); "
        "record a passing inspection first",
        kind="hold.on_hold",
        lots=lots,
        doing=doing,
    )


def refuse_held(held: Iterable[str], doing: str) -> None:
    refusal = on_hold(held, doing)
    if refusal is not None:
        raise refusal


def missing_codes(places: Iterable[Place], profile: Market) -> list[dict[str, str]]:
    """Each place without the active code the market's profile asks of its kind:
    ``{"kind", "name", "scheme", "issuer", "market"}``."""
    missing = []
    for place in places:
        needed = profile.scheme_for(place.kind)
        if needed is not None and (needed.scheme, profile.code) not in place.active:
            missing.append(
                {
                    "kind": place.kind,
                    "name": place.name,
                    "scheme": needed.scheme,
                    "issuer": needed.issuer,
                    "market": profile.code,
                }
            )
    return missing


def gap_text(gap: dict[str, str]) -> str:
    """`orchard 'A' has no active PUC for US`: one missing code, in English."""
    kind = gap["kind"].replace("_", " ")
    return f"{kind} {gap['name']!r} has no active {gap['scheme']} for {gap['market']}"


def codes_missing(places: Iterable[Place], profile: Market) -> RuleViolation | None:
    """Every place of the chain without its market code, in one refusal, else None."""
    missing = missing_codes(places, profile)
    if not missing:
        return None
    return RuleViolation(
        f"cannot ship to {profile.code}: " + "; ".join(gap_text(g) for g in missing),
        kind="market.codes_missing",
        market=profile.code,
        missing=missing,
    )


def consignee_outside(profile: Market, consignee: Consignee) -> RuleViolation | None:
    """A consignee outside the market's countries: the refusal naming both, else None."""
    country = consignee.country
    if country in profile.consignee_countries:
        return None
    return RuleViolation(
        f"a shipment to {profile.code} ({profile.name}) cannot be consigned to "
        f"{consignee.name!r}, which is in {country or 'no country (its address has none)'}",
        kind="market.consignee_outside",
        market=profile.code,
        consignee=consignee.name,
        country=country,
    )


def treatment_gap(lot: LotFacts, profile: Market) -> RuleViolation | None:
    """A lot whose commodity the market does not take, or which lacks a treatment it needs."""
    about = {"market": profile.code, "lot": lot.code, "commodity": lot.commodity}
    if lot.commodity not in profile.treatments:
        taken = ", ".join(profile.commodities) or "nothing"
        return RuleViolation(
            f"{profile.code} ({profile.name}) takes no {lot.commodity} (lot {lot.code}); "
            f"its profile lists {taken}",
            kind="market.commodity_not_taken",
            **about,
        )
    needs = profile.treatments[lot.commodity]
    if not needs or lot.treatments & set(needs):
        return None
    had = sorted(lot.treatments)
    return RuleViolation(
        f"lot {lot.code}: {lot.commodity} for {profile.code} needs "
        f"{' or '.join(needs)}; it had {', '.join(had) or 'no treatment'}",
        kind="market.treatment_missing",
        needs=list(needs),
        had=had,
        **about,
    )


def market_refusals(loading: Loading, profile: Market) -> list[RuleViolation]:
    """Everything the market's profile refuses, in the order loading reports it: missing
    codes, the consignee's country, treatments (by lot code)."""
    found = [
        codes_missing(loading.places, profile),
        consignee_outside(profile, loading.consignee) if loading.consignee else None,
        *(treatment_gap(lot, profile) for lot in sorted(loading.lots, key=lambda lot: lot.code)),
    ]
    return [refusal for refusal in found if refusal is not None]


def loading_refusals(
    loading: Loading, profile: Market, own: int | None = None
) -> list[RuleViolation]:
    """Everything that refuses this loading, first what the service raises first: pallets in
    another shipment than `own`, lots on hold, then the market's refusals."""
    held = on_hold(loading.held, "ship")
    return [
        *shipped_elsewhere(loading.pallets, own),
        *([held] if held else []),
        *market_refusals(loading, profile),
    ]


def refuse_departure(shipment: int, status: str) -> None:
    """A shipment departs once, when it is loaded."""
    if status != "loaded":
        raise RuleViolation(
            f"shipment {shipment} has {status} already",
            kind="shipment.departed",
            id=shipment,
            status=status,
        )


def refuse_crossing(shipment: int, status: str, conveyance: str, crossed: bool) -> None:
    """Only a truck crosses a border gate: once, after its departure."""
    if conveyance != "road":
        raise RuleViolation(
            f"shipment {shipment} goes by {conveyance}: only a truck crosses a border gate",
            kind="shipment.not_by_road",
            shipment=shipment,
        )
    if crossed or status != "departed":
        where = "crossed" if crossed else status
        raise RuleViolation(
            f"shipment {shipment} has {where}: a truck crosses once, after its departure",
            kind="shipment.cross_order",
            shipment=shipment,
            status=where,
        )


def refuse_arrival(shipment: int, status: str, conveyance: str, crossed: bool) -> None:
    """A shipment arrives once, after its departure (by road, after its crossing)."""
    if status == "arrived":
        raise RuleViolation(
            f"shipment {shipment} has arrived already", kind="shipment.arrived", id=shipment
        )
    if status != "departed":
        raise RuleViolation(
            f"shipment {shipment} has not departed yet: record its departure first",
            kind="shipment.not_departed",
            id=shipment,
        )
    if conveyance == "road" and not crossed:
        raise RuleViolation(
            f"shipment {shipment} has not crossed the border yet: record its crossing first",
            kind="shipment.not_crossed",
            shipment=shipment,
        )


__all__ = [
    "Consignee",
    "Loading",
    "LotFacts",
    "Place",
    "codes_missing",
    "consignee_outside",
    "gap_text",
    "loading_refusals",
    "market_refusals",
    "missing_codes",
    "on_hold",
    "refuse_arrival",
    "refuse_crossing",
    "refuse_departure",
    "refuse_held",
    "shipped_elsewhere",
    "treatment_gap",
]
