"""The one list of error kinds: what a refused request's `kind` may be, and its `params`.

Every `DomainError` (and `GS1Error`) raised in trace names one of these kinds with exactly
these params, beside its English `message`. The API sends `kind` and `params` (the OpenAPI
document lists the kinds: docs/errors.md); the staff pages (trace/web/messages.py) and the
public pages (trace/lookup/words.py) write their own sentence from them in the reader's
language. `pages` says where a person may meet the kind, hence which table needs a sentence
for it; tests/test_error_kinds.py checks both ways, and lists kinds without a sentence.

Params hold numbers as numbers, dates and times as `date`/`datetime` (ISO 8601 in JSON),
codes and names as text, lists as lists.
"""

from __future__ import annotations

from typing import NamedTuple


class Kind(NamedTuple):
    params: tuple[str, ...]
    pages: str = "staff"  # "staff", "public", both ("staff public"), or "" (API, commands)


def _kinds(**groups: dict[str, Kind]) -> dict[str, Kind]:
    return {
        f"{group}.{name}": kind for group, names in groups.items() for name, kind in names.items()
    }


K = Kind
KINDS: dict[str, Kind] = _kinds(
    mass_balance={
        "received_exceeds_harvested": K(("lot", "harvested", "received", "left", "asked", "unit")),
        "packed_exceeds_received": K(("lot", "left", "held", "used", "asked", "unit")),
        "cartons_exceed_inputs": K(("cartons", "each", "net", "total")),
        "palletised_exceeds_packed": K(("lot", "left", "packed", "on", "asked")),
        "graded_exceeds_received": K(("lot", "left", "graded", "unit")),
        "unit": K(("lot", "unit", "asked_unit")),
    },
    receipt={
        "packed_lot": K(("lot",)),
        "not_received": K(("lot", "here")),
        "elsewhere": K(("lot", "here", "there")),
    },
    hold={
        "on_hold": K(("lots", "doing")),
        "lift_forbidden": K(("lot",)),
    },
    time={
        "future": K(("at",)),
        "future_day": K(("day",)),
        "not_on_day": K(("at", "day")),
        "before_lot": K(("at", "lot", "what", "day")),
        "before_existing": K(("doing", "at", "what", "since")),
    },
    treatment={"method": K(("facility", "method", "methods"))},
    lot={
        "unknown": K(("lot",)),
        "listed_twice": K(("lot",)),
        "code_taken": K(("lot",)),
    },
    pallet={
        "unknown": K(("sscc",)),
        "harvest_lot": K(("lot",)),
        "sscc_exhausted": K(("prefix", "extension")),
        "unreadable_sscc": K(("sscc", "error"), ""),
    },
    shipment={
        "unknown": K(("id",)),
        "not_consignee": K(("id",)),
        "pallet_twice": K(("sscc",)),
        "pallet_shipped": K(("sscc", "shipment")),
        "departed": K(("id", "status")),
        "arrived": K(("id",)),
        "not_departed": K(("id",)),
        "arrival_before_departure": K(("at", "departed")),
        "not_by_road": K(("shipment",)),
        "cross_order": K(("shipment", "status")),
        "not_crossed": K(("shipment",)),
    },
    commodity={
        "unknown": K(("commodity",)),
        "step_not_for": K(("lot", "commodity", "step")),
        "size_class_unknown": K(("commodity", "size_class", "classes")),
        "unit": K(("commodity", "unit")),
    },
    grade={"packed_lot": K(("lot",))},
    market={
        # missing: [{kind, name, scheme, issuer, market}], one per place without the code
        "codes_missing": K(("market", "missing")),
        "consignee_outside": K(("market", "consignee", "country")),
        "treatment_missing": K(("market", "lot", "commodity", "needs", "had")),
        "commodity_not_taken": K(("market", "lot", "commodity")),
        "unknown": K(("market", "known")),
        "unknown_gate": K(("market", "gate")),
    },
    label={
        "harvest_lot": K(("lot",)),
        "cartons_exceeded": K(("lot", "cartons", "printed", "left", "asked")),
        "serial_unprinted": K(("serial", "lot")),
        "lot_market": K(("lot",)),
        "pallet_market": K(("sscc",)),
        "pallet_count": K(("n",)),
        "sticker_count": K(("n", "lot")),
        "codes_missing": K(("market", "lot", "missing")),
    },
    correction={
        "harvest_below_received": K(("lot", "received", "unit", "asked")),
        "receipts_exceed_harvest": K(("lot", "received", "unit", "harvested")),
        "receipts_below_packed": K(("lot", "used", "unit", "received")),
        "of_correction": K(("id",)),
        "inspector_scope": K(("id", "type")),
        "field": K(("type", "changed", "correctable")),
        "quantity": K(()),
        "result": K(()),
        "result_forbidden": K(()),
    },
    event={"unknown": K(("id",))},
    location={
        "unknown": K(("id",)),
        "wrong_kind": K(("id", "name", "is_kind", "wanted")),
        "unknown_code": K(("id", "code_id")),
        "gln_taken": K(("gln",)),
        "contact_not_exporter": K(("location_kind",)),
    },
    product={
        "unknown": K(("id",)),
        "unknown_gtin": K(("gtin",)),
        "gtin_taken": K(("gtin",)),
        "gtin_printed": K(("id",)),
    },
    user={
        "role": K(("role", "roles")),
        "name_length": K(()),
        "exists": K(("name",)),
        "importer_location": K(()),
    },
    password={
        "too_short": K(("n",)),
        "too_long": K(("n",)),
        "common": K(()),
        "wrong": K(()),
    },
    second_factor={
        "not_started": K(()),
        "wrong_code": K(()),
        "required": K(()),
    },
    # What a scanned or typed code names (trace/services/identify.py): scanning, search, trace.
    code={
        "empty": K(()),
        "unknown": K(("code",)),
        "product_only": K(("code",)),
        "lot_of_gtin": K(("lot", "gtin")),
    },
    export={
        "importer_scope": K((), ""),
        "scope_missing": K(()),
    },
    evidence={
        "no_key": K(("path",)),
        "key_exists": K(("path",), ""),
        "key_not_ed25519": K(("path",), ""),
    },
    capture={"unknown_job": K(("id",), "")},
    # `flask --app wsgi backup` / `restore`: said to an operator on the command line.
    backup={
        "unsupported": K(("engine",), ""),
        "in_memory": K((), ""),
        "not_trace": K((), ""),
        "database": K(("reason",), ""),
        "no_database": K(("path",), ""),
        "same_file": K((), ""),
        "quick_check": K(("path", "problem"), ""),
        "client_missing": K(("program",), ""),
        "client_failed": K(("program", "detail"), ""),
        "not_backup": K(("path",), ""),
        "other_engine": K(("path", "backup", "engine"), ""),
        "not_empty": K((), ""),
    },
    query={"page_token": K((), "")},
    # What is wrong with a GS1 code (trace/gs1): on the public page a phone opens, and beside a
    # staff page's scan field. `key` names the identifier (GTIN, SSCC, GLN, lot, serial).
    gs1={
        "check_digit": K(("key", "value", "expected"), "staff public"),
        "length": K(("key", "value", "expected", "found"), "staff public"),
        "not_digits": K(("key", "value", "char"), "staff public"),
        "character": K(("key", "value", "char"), "staff public"),
        "too_long": K(("key", "value", "expected", "found"), "staff public"),
        "empty": K(("key",), "staff public"),
        "order": K(("expected", "found", "previous"), "public"),
        "sequence": K(("expected", "found", "previous"), "public"),
        "qualifier": K(("key", "expected", "found"), "public"),
        "repeated": K(("found",), "public"),
        "missing_value": K(("found",), "public"),
        "empty_segment": K(("found",), "public"),
        "no_key": K((), "public"),
        "unknown_ai": K(("found",), "public"),
        "not_attribute": K(("found",), "public"),
        "in_path": K(("found",), "public"),
        "needs": K(("found", "expected"), "public"),
        "excludes": K(("found", "other"), "public"),
        "value": K(("found", "value", "reason"), "public"),
        "date": K(("found", "value", "reason"), "public"),
        "compressed": K((), "public"),
        "unreadable": K((), "public"),
        "not_text": K(("key",), ""),
        "sscc_part": K(("key",), ""),
        "base_url": K((), ""),
    },
)
