"""Master data as evidence: the state of a place (with its codes) or a product, written the
same way everywhere it is recorded, compared or hashed, and a change described in words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from .events import utc_iso

LOCATION_FIELDS = ("kind", "name", "gln", "phone", "address", "methods")
CODE_FIELDS = ("id", "scheme", "value", "market", "status", "issuer", "season")
PRODUCT_FIELDS = ("gtin", "name", "commodity", "variety", "unit", "net_weight_kg")


def location_state(row: Mapping[str, Any], codes: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """A place's whole state: its columns and its codes (in the order they were added)."""
    state = {key: row.get(key) for key in LOCATION_FIELDS}
    state["address"] = dict(state["address"] or {})
    state["methods"] = list(state["methods"] or [])
    if row.get("contact"):  # only when set: the versions kept before contacts existed still hold
        state["contact"] = dict(row["contact"])
    state["codes"] = [
        {key: code.get(key) for key in CODE_FIELDS} for code in sorted(codes, key=lambda c: c["id"])
    ]
    return state


def product_state(row: Mapping[str, Any]) -> dict[str, Any]:
    state = {key: row.get(key) for key in PRODUCT_FIELDS}
    state["name"] = dict(state["name"] or {})
    if state["net_weight_kg"] is not None:
        state["net_weight_kg"] = float(state["net_weight_kg"])
    return state


def version_content(
    entity: str,
    entity_id: int,
    change: str,
    valid_from: datetime,
    user_id: int | None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
) -> dict[str, Any]:
    """What a master-data version's hash covers: every column but the row id and the hashes."""
    return {
        "entity": entity,
        "entity_id": entity_id,
        "change": change,
        "valid_from": utc_iso(valid_from),
        "user_id": user_id,
        "before": before,
        "after": after,
    }


def _code_name(code: Mapping[str, Any]) -> str:
    return f"{code['scheme']} {code['value']} ({code['market']})"


def describe_change(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> str:
    """`name: 'A' → 'B'; code PUC VN-1 (JP) suspended`: what changed, for the chain's readers."""
    if before is None:
        return "created"
    parts = []
    for key in dict.fromkeys([*after, *before]):  # a key removed (a contact) is a change too
        if key == "codes" or before.get(key) == after.get(key):
            continue
        parts.append(f"{key}: {before.get(key)!r} → {after.get(key)!r}")
    old = {c["id"]: c for c in before.get("codes", [])}
    for code in after.get("codes", []):
        was = old.get(code["id"])
        if was is None:
            parts.append(f"code {_code_name(code)} added ({code['status']})")
        elif was["status"] != code["status"]:
            verb = "reactivated" if code["status"] == "active" else code["status"]
            parts.append(f"code {_code_name(code)} {verb}")
        elif was != code:
            parts.append(f"code {_code_name(was)} → {_code_name(code)}")
    return "; ".join(parts)[:500] or "unchanged"
