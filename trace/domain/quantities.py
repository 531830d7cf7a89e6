"""Mass balance: what a lot has left, and what a receipt, a packing, a pallet or a correction may
take of it. Pure: the use cases (trace/services/lots.py, packing.py, corrections.py) and the
staff pages' previews (trace/web/) ask these same functions, so what a form says before it is
sent is what the use case decides.

A rule takes the lot as it stands (anything with the fields of `Counted`: a `Lot` row, or a
`Planned` lot a form is about to create) and what is asked of it; it returns nothing, or raises
`RuleViolation` with its kind and the params trace/domain/kinds.py lists for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn, Protocol

from .errors import RuleViolation
from .kinds import KINDS

# Kilograms are added up as floats: a sum may overshoot what it balances by this much.
EPSILON = 1e-9


class Counted(Protocol):
    code: str
    kind: str  # "harvest" or "packed"
    unit: str
    quantity: float  # harvested, or packed (net kg)
    received: float  # of a harvest lot, at packing houses so far
    used: float  # packed into other lots so far
    cartons: int | None  # of a packed lot
    cartons_palletised: int


@dataclass
class Planned:
    """A harvest lot as a form would create it (nothing received, used or packed yet)."""

    quantity: float
    code: str = ""
    kind: str = "harvest"
    unit: str = "kg"
    received: float = 0.0
    used: float = 0.0
    cartons: int | None = None
    cartons_palletised: int = 0


def fmt_qty(value: float) -> str:
    """1180.0 → '1180', 12.5 → '12.5' (messages and labels)."""
    return f"{value:g}" if abs(value) < 1e15 else str(value)


def held(lot: Counted) -> float:
    """What a lot has had to give: a harvest lot what was received of it, a packed lot its kg."""
    return lot.received if lot.kind == "harvest" else lot.quantity


def left(lot: Counted) -> float:
    """What a lot still has to give to a packing."""
    return held(lot) - lot.used


def cartons_left(lot: Counted) -> int:
    """A packed lot's cartons not on a pallet yet."""
    return (lot.cartons or 0) - lot.cartons_palletised


# The English message of each refusal, from its params (numbers as `fmt_qty` writes them).
_SAYS = {
    "mass_balance.unit": "lot {lot} is counted in {unit}, not {asked_unit}",
    "receipt.packed_lot": "lot {lot} is a packed lot: pallets move packed lots",
    "mass_balance.received_exceeds_harvested": (
        "lot {lot}: {harvested} {unit} harvested, {received} received already; only {left} "
        "{unit} can still be received, not {asked}"
    ),
    "mass_balance.packed_exceeds_received": (
        "lot {lot} has only {left} {unit} left ({held} in, {used} used); cannot pack {asked} {unit}"
    ),
    "mass_balance.cartons_exceed_inputs": (
        "{cartons} cartons of {each} kg hold {net} kg but the inputs give only {total} kg"
    ),
    "pallet.harvest_lot": "lot {lot} is a harvest lot: pack it into cartons first",
    "mass_balance.palletised_exceeds_packed": (
        "lot {lot} has {left} cartons left ({packed} packed, {on} on pallets); cannot "
        "palletise {asked}"
    ),
    "correction.harvest_below_received": (
        "lot {lot} has {received} {unit} received already; its harvest cannot be corrected "
        "to {asked}"
    ),
    "correction.receipts_exceed_harvest": (
        "lot {lot}: receipts would total {received} {unit}, more than the {harvested} harvested"
    ),
    "correction.receipts_below_packed": (
        "lot {lot}: {used} {unit} were packed already; receipts cannot be corrected to {received}"
    ),
}


def _shown(value: Any) -> Any:
    return (
        fmt_qty(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
    )


def _facts(lot: Counted, **more: Any) -> dict[str, Any]:
    """What a refusal about `lot` may name; each kind takes the params kinds.py lists."""
    return {
        "lot": lot.code,
        "unit": lot.unit,
        "harvested": lot.quantity,
        "received": lot.received,
        "used": lot.used,
        "held": held(lot),
        "left": left(lot),
        "packed": lot.cartons,
        "on": lot.cartons_palletised,
        **more,
    }


def _refuse(*, kind: str, **facts: Any) -> NoReturn:
    params = {name: facts[name] for name in KINDS[kind].params}
    shown = {name: _shown(value) for name, value in params.items()}
    raise RuleViolation(_SAYS[kind].format(**shown), kind=kind, **params)


def require_unit(lot: Counted, unit: str) -> None:
    """A lot is counted in one unit; a quantity in another is refused, not converted."""
    if unit != lot.unit:
        _refuse(kind="mass_balance.unit", **_facts(lot, asked_unit=unit))


def require_receivable(lot: Counted, asked: float, unit: str) -> None:
    """A receipt of a harvest lot: all receipts together ≤ what was harvested."""
    if lot.kind != "harvest":
        _refuse(kind="receipt.packed_lot", **_facts(lot))
    require_unit(lot, unit)
    rest = lot.quantity - lot.received
    if asked > rest + EPSILON:
        _refuse(
            kind="mass_balance.received_exceeds_harvested", **_facts(lot, left=rest, asked=asked)
        )


def require_packable(lot: Counted, asked: float, unit: str) -> None:
    """What a packing takes of a lot: ≤ what it has left (received, or packed, less used)."""
    require_unit(lot, unit)
    if asked > left(lot) + EPSILON:
        _refuse(kind="mass_balance.packed_exceeds_received", **_facts(lot, asked=asked))


def require_cartons_fit(cartons: int, each: float | None, total: float) -> float:
    """Cartons × their net weight ≤ the kilograms the packing used; the cartons' net kg."""
    net = (each or 0) * cartons
    if net > total + EPSILON:
        _refuse(
            kind="mass_balance.cartons_exceed_inputs",
            cartons=cartons,
            each=each,
            net=net,
            total=total,
        )
    return net


def require_cartons(lot: Counted) -> None:
    """Pallets carry cartons: a harvest lot is packed first."""
    if lot.kind != "packed":
        _refuse(kind="pallet.harvest_lot", **_facts(lot))


def require_palletisable(lot: Counted, asked: int) -> None:
    """Cartons of a packed lot onto a pallet: ≤ its cartons not on a pallet yet."""
    rest = cartons_left(lot)
    if asked > rest:
        _refuse(
            kind="mass_balance.palletised_exceeds_packed", **_facts(lot, left=rest, asked=asked)
        )


def require_harvest_correction(lot: Counted, harvested: float) -> None:
    """A harvest corrected: never below what was received of it already."""
    if harvested < lot.received - EPSILON:
        _refuse(kind="correction.harvest_below_received", **_facts(lot, asked=harvested))


def require_receipts_correction(lot: Counted, received: float) -> None:
    """Receipts corrected to total `received`: ≤ harvested, ≥ what was packed of them."""
    if received > lot.quantity + EPSILON:
        _refuse(kind="correction.receipts_exceed_harvest", **_facts(lot, received=received))
    if received < lot.used - EPSILON:
        _refuse(kind="correction.receipts_below_packed", **_facts(lot, received=received))
