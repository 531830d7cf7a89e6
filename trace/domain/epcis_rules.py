"""What a captured EPCIS document must be beyond GS1's JSON schema. PURE.

GS1's schema lets through what no consumer can read: it checks `format: uri` nowhere, so a
bizStep `transforming`, a disposition `in_transport`, an ilmd key `lotColour` or an event type
`ObjectEventInvalid` pass it, and JSON numbers beyond a double (`1E400`) parse as infinity.
The checks here are the standards' own words (docs/epcis.md, "What capture checks"):

- CBV values (bizStep, disposition, persistentDisposition, bizTransaction type,
  source/destination type, errorDeclaration reason) are a CBV 2.0 word or an absolute URI; a
  CBV URI (`urn:epcglobal:cbv:…`, `https://ref.gs1.org/cbv/…`) names a CBV word;
- an event is one of the five EPCIS 2.0 event types;
- an extension field (of the event, its ilmd, readPoint, bizLocation, errorDeclaration) is
  named by a namespace: `prefix:name` with the prefix declared in the document's `@context`,
  or an absolute IRI;
- every number is finite; every text is at most `max_text` characters.

References: EPCIS 2.0 §7.4 (event types), §9.1 (user extensions named by a namespace); CBV 2.0
§7.2 bizStep, §7.3 disposition, §7.4 business transaction types, §7.5 source/destination
types, §7.9 error reasons; JSON-LD 1.1 §4.1.5 (compact IRIs).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from typing import Any

from .epcis_context import EPCIS_CONTEXTS
from .epcis_ids import _CBV_FORMS, CBV_DISPOSITIONS

EVENT_TYPES = frozenset(
    {"ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent",
     "AssociationEvent"}
)  # fmt: skip

# CBV 2.0 §7.2 (the words GS1's schema enumerates).
CBV_BIZ_STEPS = frozenset(
    {
        "accepting", "arriving", "assembling", "collecting", "commissioning", "consigning",
        "creating_class_instance", "cycle_counting", "decommissioning", "departing",
        "destroying", "disassembling", "dispensing", "encoding", "entering_exiting", "holding",
        "inspecting", "installing", "killing", "loading", "other", "packing", "picking",
        "receiving", "removing", "repackaging", "repairing", "replacing", "reserving",
        "retail_selling", "shipping", "staging_outbound", "stock_taking", "stocking", "storing",
        "transporting", "unloading", "unpacking", "void_shipping", "sensor_reporting",
        "sampling",
    }
)  # fmt: skip
CBV_BIZ_TRANSACTION_TYPES = frozenset(
    {"bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma",
     "testprd", "testres", "upevt"}
)  # fmt: skip
CBV_SOURCE_DEST_TYPES = frozenset({"owning_party", "possessing_party", "location"})
CBV_ERROR_REASONS = frozenset({"did_not_occur", "incorrect_data"})

STANDARD_KEYS = frozenset(
    {
        "@context", "type", "eventTime", "recordTime", "eventTimeZoneOffset", "eventID",
        "certificationInfo", "errorDeclaration", "action", "epcList", "quantityList",
        "bizStep", "disposition", "persistentDisposition", "readPoint", "bizLocation",
        "bizTransactionList", "sourceList", "destinationList", "sensorElementList", "ilmd",
        "parentID", "childEPCs", "childQuantityList", "inputEPCList", "inputQuantityList",
        "outputEPCList", "outputQuantityList", "transformationID",
    }
)  # fmt: skip
# Where an extension field may sit besides the event itself, and the standard keys there.
_NESTED_KEYS = {
    "readPoint": frozenset({"id"}),
    "bizLocation": frozenset({"id"}),
    "errorDeclaration": frozenset({"declarationTime", "reason", "correctiveEventIDs"}),
    "ilmd": frozenset(),
}

# An absolute URI: a scheme, a colon, something after it (RFC 3986 §3; a compact IRI has the
# same shape and is read against the @context).
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
_WEB = ("http://", "https://", "urn:")


def _word(value: Any, words: frozenset[str], kind: str | None) -> str | None:
    """Why `value` is not a CBV word of `words` or an absolute URI; None when it is."""
    if not isinstance(value, str):
        return None  # the schema says what type it must be
    if value in words:
        return None
    if kind:
        for form in _CBV_FORMS[kind]:
            if value.startswith(form):
                word = value[len(form) :]
                return None if word in words else f"{value!r} names no CBV word ({word!r})"
    if _ABSOLUTE.fullmatch(value):
        return None
    return f"{value!r} is neither a CBV word nor an absolute URI"


def cbv_problems(event: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """`(field, why)` for each CBV value of `event` that is no CBV word and no URI."""
    if event.get("type") not in EVENT_TYPES:
        yield (
            "type",
            (
                f"{event.get('type')!r} is not an EPCIS event type (ObjectEvent, AggregationEvent, "
                "TransactionEvent, TransformationEvent, AssociationEvent)"
            ),
        )
    checks: list[tuple[str, Any, frozenset[str], str | None]] = [
        ("bizStep", event.get("bizStep"), CBV_BIZ_STEPS, "bizStep"),
        ("disposition", event.get("disposition"), CBV_DISPOSITIONS, "disposition"),
    ]
    persistent = event.get("persistentDisposition")
    if isinstance(persistent, Mapping):
        for key in ("set", "unset"):
            for i, value in enumerate(persistent.get(key) or []):
                checks.append(
                    (f"persistentDisposition.{key}[{i}]", value, CBV_DISPOSITIONS, "disposition")
                )
    for i, item in enumerate(event.get("bizTransactionList") or []):
        if isinstance(item, Mapping) and "type" in item:
            checks.append(
                (f"bizTransactionList[{i}].type", item["type"], CBV_BIZ_TRANSACTION_TYPES, None)
            )
    for name in ("sourceList", "destinationList"):
        for i, item in enumerate(event.get(name) or []):
            if isinstance(item, Mapping) and "type" in item:
                checks.append((f"{name}[{i}].type", item["type"], CBV_SOURCE_DEST_TYPES, None))
    declaration = event.get("errorDeclaration")
    if isinstance(declaration, Mapping) and "reason" in declaration:
        checks.append(("errorDeclaration.reason", declaration["reason"], CBV_ERROR_REASONS, None))
    for where, value, words, kind in checks:
        if value is None:
            continue
        why = _word(value, words, kind)
        if why:
            yield where, why


def prefixes(context: Any) -> dict[str, object] | None:
    """The terms a `@context` declares (`{prefix: IRI or term definition}`); None when it
    names a remote context other than EPCIS's (whose terms cannot be known here)."""
    items = context if isinstance(context, list) else [context]
    out: dict[str, object] = {}
    known = True
    for item in items:
        if isinstance(item, Mapping):
            out.update(item)
        elif isinstance(item, str) and item not in EPCIS_CONTEXTS:
            known = False
    return out if known else None


def context_clashes(context: Any) -> list[str]:
    """The prefixes a document's `@context` declares twice with different meanings."""
    items = context if isinstance(context, list) else [context]
    seen: dict[str, object] = {}
    out = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        for key, value in item.items():
            if key in seen and seen[key] != value and key not in out:
                out.append(key)
            seen.setdefault(key, value)
    return out


def extension_problems(
    event: Mapping[str, Any], declared: Mapping[str, Any] | None, epcis_terms: frozenset[str]
) -> Iterator[tuple[str, str]]:
    """`(field, why)` for each extension key of `event` not named by a namespace: neither
    `prefix:name` with a declared prefix (or one of EPCIS's own) nor an absolute IRI.
    `declared` None: the document names a context whose terms are not known here; then
    only the shape (`something:name`) is checked."""
    where: list[tuple[str, Mapping[str, Any], frozenset[str]]] = [("", event, STANDARD_KEYS)]
    for key, standard in _NESTED_KEYS.items():
        if isinstance(event.get(key), Mapping):
            where.append((f"{key}.", event[key], standard))
    local = event.get("@context")
    terms = dict(declared or {})
    if local is not None and declared is not None:
        more = prefixes(local)
        if more is None:
            declared = None
        else:
            terms.update(more)
    for path, values, standard in where:
        for key in values:
            if key in standard:
                continue
            why = _unnamespaced(key, terms if declared is not None else None, epcis_terms)
            if why:
                yield f"{path}{key}", why


def _unnamespaced(
    key: Any, terms: Mapping[str, Any] | None, epcis_terms: frozenset[str]
) -> str | None:
    if not isinstance(key, str) or key.startswith(_WEB):
        return None
    prefix, colon, name = key.partition(":")
    if not colon or not prefix or not name:
        return (
            f"the extension field {key!r} has no namespace: name it prefix:{key} with the "
            "prefix declared in the @context (EPCIS 2.0 §9.1)"
        )
    if terms is not None and prefix not in terms and prefix not in epcis_terms:
        return f"the prefix {prefix!r} of {key!r} is not declared in the @context"
    return None


def non_finite(value: Any, path: str = "") -> str | None:
    """The path of the first number in `value` that is not finite (NaN, ±Infinity, or a
    literal beyond a double such as `1E400`), or None."""
    if isinstance(value, float):
        return None if math.isfinite(value) else (path or "the value")
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = non_finite(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = non_finite(item, f"{path}[{i}]")
            if found:
                return found
    return None


def too_long(value: Any, limit: int, path: str = "") -> tuple[str, int] | None:
    """The path and length of the first text (value or key) in `value` longer than `limit`."""
    if isinstance(value, str):
        return (path or "the value", len(value)) if len(value) > limit else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and len(key) > limit:
                return (f"{here} (its name)", len(key))
            found = too_long(item, limit, here)
            if found:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = too_long(item, limit, f"{path}[{i}]")
            if found:
                return found
    return None
