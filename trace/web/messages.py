"""A refused request in the reader's language, written from the error's kind and params (never
read back from the English message), with a hint of the form field it is about.

`SENTENCES` maps each kind a staff page may show (trace/domain/kinds.py) to its sentence and
hint. A kind without a sentence is shown in the API's English words, and logged:
`tests/test_error_kinds.py` lists such kinds, so one added elsewhere is noticed.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_datetime
from flask import current_app
from flask_babel import format_date, format_decimal, get_locale
from flask_babel import lazy_gettext as _l

from . import words

# kind → (sentence, hint): the hint names what the error is about (a form maps it to a field).
SENTENCES = {
    "mass_balance.received_exceeds_harvested": (
        _l(
            "Lot %(lot)s: %(harvested)s %(unit)s harvested, %(received)s received already; only "
            "%(left)s %(unit)s can still be received, not %(asked)s."
        ),
        "quantity",
    ),
    "mass_balance.packed_exceeds_received": (
        _l(
            "Lot %(lot)s has only %(left)s %(unit)s left (%(held)s in, %(used)s used): it cannot "
            "give %(asked)s %(unit)s."
        ),
        "inputs",
    ),
    "mass_balance.cartons_exceed_inputs": (
        _l(
            "%(cartons)s cartons of %(each)s kg hold %(net)s kg, but the lots used give only "
            "%(total)s kg."
        ),
        "cartons",
    ),
    "mass_balance.palletised_exceeds_packed": (
        _l(
            "Lot %(lot)s has %(left)s cartons left (%(packed)s packed, %(on)s on pallets): it "
            "cannot put %(asked)s on this pallet."
        ),
        "contents",
    ),
    "mass_balance.unit": (_l("Lot %(lot)s is counted in %(unit)s, not %(asked_unit)s."), "unit"),
    "receipt.packed_lot": (_l("Lot %(lot)s is a packed lot: it is not received again."), "lot"),
    "receipt.not_received": (
        _l("Lot %(lot)s has not been received anywhere yet: receive it at %(here)s first."),
        "inputs",
    ),
    "receipt.elsewhere": (
        _l("Lot %(lot)s is at %(there)s, not at %(here)s: receive it here first."),
        "inputs",
    ),
    "hold.on_hold": (
        _l(
            "Lot %(lots)s is on hold (its latest inspection failed): record a passing inspection "
            "first."
        ),
        "inputs",
    ),
    "hold.lift_forbidden": (
        _l("Lot %(lot)s is on hold: only an inspector or an administrator can lift the hold."),
        "result",
    ),
    "time.future": (_l("That time is in the future: record what has happened."), "time"),
    "time.future_day": (_l("That day is in the future: record what has happened."), "time"),
    "time.not_on_day": (_l("That time is not on the harvest day %(day)s."), "time"),
    "time.before_lot": (
        _l("That time is before lot %(lot)s was harvested or packed (%(day)s)."),
        "time",
    ),
    "time.before_existing": (
        _l(
            "That time (%(at)s) is before what it uses came to be (%(since)s): nothing happens "
            "to something before it exists."
        ),
        "time",
    ),
    "treatment.method": (
        _l("%(facility)s does not treat by %(method)s (it does: %(methods)s)."),
        "method",
    ),
    "lot.unknown": (_l("No lot has the code %(lot)s."), "lot"),
    "lot.listed_twice": (_l("Lot %(lot)s is listed twice."), "inputs"),
    "lot.code_taken": (_l("The lot code %(lot)s is taken: choose another."), "lot_code"),
    "pallet.unknown": (_l("No pallet has the SSCC %(sscc)s."), "pallets"),
    "pallet.harvest_lot": (
        _l("Lot %(lot)s is a harvest lot: pack it into cartons first."),
        "contents",
    ),
    "pallet.sscc_exhausted": (
        _l(
            "Hardly any SSCC is left under the company prefix %(prefix)s with the extension digit "
            "%(extension)s: an administrator sets another extension digit."
        ),
        None,
    ),
    "shipment.unknown": (_l("No shipment has the number %(id)s."), None),
    "shipment.not_consignee": (_l("Shipment %(id)s is not consigned to you."), None),
    "shipment.pallet_twice": (_l("Pallet %(sscc)s is scanned twice."), "pallets"),
    "shipment.pallet_shipped": (
        _l("Pallet %(sscc)s is already in shipment %(shipment)s (a pallet ships once)."),
        "pallets",
    ),
    "shipment.departed": (_l("Shipment %(id)s has departed already."), "time"),
    "shipment.arrived": (_l("Shipment %(id)s has arrived already."), "time"),
    "shipment.not_departed": (
        _l("Shipment %(id)s has not departed yet: record its departure first."),
        "time",
    ),
    "shipment.arrival_before_departure": (
        _l("A shipment cannot arrive before it departed."),
        "time",
    ),
    "label.harvest_lot": (
        _l("Lot %(lot)s is a harvest lot: carton labels are for packed lots."),
        "lot",
    ),
    "label.cartons_exceeded": (
        _l(
            "Lot %(lot)s has %(cartons)s cartons and %(printed)s carton labels were printed "
            "already: %(left)s more can be printed, not %(asked)s. Reprint a damaged label by "
            "its serial."
        ),
        "count",
    ),
    "label.serial_unprinted": (
        _l(
            "Serial %(serial)s was never printed for lot %(lot)s: only printed cartons can be "
            "reprinted."
        ),
        "serials",
    ),
    "label.lot_market": (
        _l("Lot %(lot)s is on no shipment yet: choose the market its cartons are for."),
        "market",
    ),
    "label.pallet_market": (
        _l("Pallet %(sscc)s is on no shipment yet: choose the market it is for."),
        "market",
    ),
    "label.pallet_count": (_l("At most %(n)s labels of one pallet at a time."), "count"),
    "label.sticker_count": (
        _l("At most %(n)s stickers for lot %(lot)s (one per carton)."),
        "count",
    ),
    "correction.harvest_below_received": (
        _l(
            "Lot %(lot)s has %(received)s %(unit)s received already: its harvest cannot be "
            "corrected to %(asked)s."
        ),
        "quantity",
    ),
    "correction.receipts_exceed_harvest": (
        _l(
            "Lot %(lot)s: the receipts would total %(received)s %(unit)s, more than the "
            "%(harvested)s harvested."
        ),
        "quantity",
    ),
    "correction.receipts_below_packed": (
        _l(
            "Lot %(lot)s: %(used)s %(unit)s were packed already; its receipts cannot be corrected "
            "to %(received)s."
        ),
        "quantity",
    ),
    "correction.of_correction": (
        _l("Event %(id)s is a correction: correct the original event."),
        None,
    ),
    "correction.inspector_scope": (
        _l("An inspector corrects inspections only; event %(id)s is another kind (%(type)s)."),
        None,
    ),
    "correction.field": (
        _l("%(changed)s cannot be corrected on this event; what can: %(correctable)s."),
        None,
    ),
    "correction.quantity": (_l("The quantity must be a number greater than 0."), "quantity"),
    "correction.result": (_l("The result must be pass or fail."), "result"),
    "correction.result_forbidden": (
        _l("Only an inspector or an administrator can change an inspection's result."),
        "result",
    ),
    "event.unknown": (_l("No event has the number %(id)s."), None),
    "location.unknown": (_l("No location has the number %(id)s."), None),
    "location.wrong_kind": (_l("%(name)s is: %(is_kind)s; this needs: %(wanted)s."), None),
    "location.unknown_code": (_l("Location %(id)s has no code numbered %(code_id)s."), None),
    "location.gln_taken": (_l("The GLN %(gln)s belongs to another location already."), "gln"),
    "location.contact_not_exporter": (
        _l("Only an exporter has a consumer contact: leave its boxes empty for this place."),
        "contact_name",
    ),
    "product.unknown": (_l("No product has the number %(id)s."), None),
    "product.unknown_gtin": (_l("No product has the GTIN %(gtin)s."), "gtin"),
    "product.gtin_taken": (_l("The GTIN %(gtin)s belongs to another product already."), "gtin"),
    "product.gtin_printed": (
        _l(
            "Product %(id)s has packed lots: its GTIN is printed on their labels and cannot "
            "change. Create a new product instead."
        ),
        "gtin",
    ),
    "user.role": (_l("The role must be one of: %(roles)s."), "role"),
    "user.name_length": (_l("A user name has 1 to 64 characters."), "name"),
    "user.exists": (_l("A user called %(name)s exists already."), "name"),
    "user.importer_location": (_l("An importer user needs its importer location."), "location"),
    "password.too_short": (_l("A password needs at least %(n)s characters."), "password"),
    "password.too_long": (_l("A password has at most %(n)s characters."), "password"),
    "password.common": (
        _l("This password is one of the most common ones: choose another."),
        "password",
    ),
    "password.wrong": (_l("The current password is wrong."), "old_password"),
    "second_factor.not_started": (_l("No second factor is being set up: start again."), "code"),
    "second_factor.wrong_code": (
        _l("The code is wrong or too old: type the one the app shows now."),
        "code",
    ),
    "second_factor.required": (
        _l("An administrator requires a second factor of this user: it stays on."),
        "code",
    ),
    "code.empty": (_l("Nothing was scanned: scan the code again."), "scan"),
    "code.unknown": (_l("Nothing is known by %(code)s."), "scan"),
    "code.product_only": (
        _l("This barcode holds the product only: scan the carton's QR code or its lot barcode."),
        "scan",
    ),
    "code.lot_of_gtin": (_l("There is no lot %(lot)s of the GTIN %(gtin)s."), "scan"),
    "export.scope_missing": (_l("Give a lot or a shipment."), None),
    "evidence.no_key": (
        _l("No signing key is set up yet: an administrator creates one first."),
        None,
    ),
    # A malformed code typed or scanned into a staff form.
    "gs1.check_digit": (_l("%(key)s %(value)s: the check digit should be %(expected)s."), "code"),
    "gs1.length": (
        _l("%(key)s %(value)s has %(found)s digits; it should have %(expected)s."),
        "code",
    ),
    "gs1.not_digits": (_l("%(key)s %(value)s may only hold digits 0-9, not “%(char)s”."), "code"),
    "gs1.character": (
        _l("%(key)s %(value)s holds “%(char)s”, a character GS1 codes do not allow."),
        "code",
    ),
    "gs1.too_long": (
        _l("%(key)s %(value)s has %(found)s characters; at most %(expected)s are allowed."),
        "code",
    ),
    "gs1.empty": (_l("The %(key)s is empty."), "code"),
    # The commodities' own steps (trace/domain/commodities.py).
    "mass_balance.graded_exceeds_received": (
        _l(
            "Lot %(lot)s has %(left)s %(unit)s received and not packed: %(graded)s %(unit)s "
            "cannot be graded."
        ),
        "grades",
    ),
    "commodity.step_not_for": (
        _l("Lot %(lot)s is %(commodity)s, which does not go through this step."),
        "lot",
    ),
    "commodity.unknown": (_l("trace knows no commodity %(commodity)s."), "commodity"),
    "commodity.size_class_unknown": (
        _l("%(size_class)s is not a size class of %(commodity)s (they are: %(classes)s)."),
        "grades",
    ),
    "commodity.unit": (_l("%(commodity)s is not counted in %(unit)s."), "unit"),
    "grade.packed_lot": (
        _l("Lot %(lot)s is a packed lot: harvest lots are graded before packing."),
        "lot",
    ),
    # What a market's profile (trace/domain/markets.py) refuses.
    "market.consignee_outside": (
        _l(
            "A shipment to %(market)s cannot be consigned to %(consignee)s, which is in "
            "%(country)s."
        ),
        "consignee_id",
    ),
    "market.treatment_missing": (
        _l("Lot %(lot)s (%(commodity)s) needs %(needs)s for %(market)s; it had %(had)s."),
        "market",
    ),
    "market.commodity_not_taken": (
        _l("The market %(market)s takes no %(commodity)s (lot %(lot)s)."),
        "market",
    ),
    "market.unknown": (_l("trace knows no market %(market)s: it ships to %(known)s."), "market"),
    "market.unknown_gate": (
        _l("%(gate)s is not a border gate of %(market)s: choose one of its gates."),
        "border_gate",
    ),
    # China by road: a truck crosses its border gate once, after departing, before arriving.
    "shipment.not_by_road": (
        _l("Shipment %(shipment)s does not go by road: only a truck crosses a border gate."),
        "crossed_at",
    ),
    "shipment.cross_order": (
        _l("Shipment %(shipment)s is %(status)s: a truck crosses once, after its departure."),
        "crossed_at",
    ),
    "shipment.not_crossed": (
        _l("Shipment %(shipment)s has not crossed the border yet: record its crossing first."),
        "arrived_at",
    ),
}

# Params that name a code of the data: shown in the reader's words.
_WORDS = {
    "method": words.METHODS,
    "methods": words.METHODS,
    "needs": words.TREATMENT_NAMES,
    "had": words.TREATMENT_NAMES,
    "is_kind": words.PLACES,
    "wanted": words.PLACES,
    "status": words.STATUSES,
    "type": words.EVENTS,
    "changed": words.FIELDS,
    "correctable": words.FIELDS,
    "role": words.ROLES,
    "roles": words.ROLES,
    "key": {"lot": _l("Lot code"), "serial": _l("Serial number")},
}
# Params that may be empty, and what the sentence says then.
_NONE = {"had": _l("no treatment"), "country": _l("no country")}
# Params that are identifiers, shown as they are written (never "1.234").
_IDENTIFIERS = {"id", "shipment", "serial", "code_id", "extension", "prefix"}


def shown(name: str, value) -> str:
    """One param in the reader's language: numbers and dates as it writes them, codes in its
    words, lists joined."""
    if name in _NONE and not value:
        return str(_NONE[name])
    if isinstance(value, list | tuple):
        return ", ".join(shown(name, item) for item in value)
    if name in _WORDS:
        return words.word(_WORDS[name], value)
    if name in _IDENTIFIERS or isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float):
        return format_decimal(round(value, 3))
    if isinstance(value, datetime):  # in its own time zone (the event's), as it was given
        return format_datetime(value, "short", tzinfo=value.tzinfo, locale=get_locale())
    if isinstance(value, date):
        return format_date(value)
    return str(value)


_GAPS = {
    "orchard": _l("Orchard %(name)s has no active growing-area code (%(scheme)s) for %(market)s."),
    "packing_house": _l(
        "Packing house %(name)s has no active packing-house code (%(scheme)s) for %(market)s."
    ),
    "treatment_facility": _l(
        "Treatment facility %(name)s has no active treatment code (%(scheme)s) for %(market)s."
    ),
}
# Kinds whose params list the missing codes: a head sentence, then one sentence per code.
MISSING = {
    "market.codes_missing": _l("Cannot ship to %(market)s:"),
    "label.codes_missing": _l("Cannot print labels of lot %(lot)s for %(market)s:"),
}


def gap_text(gap: dict) -> str:
    """One missing code (`shipments.missing_codes`' dict) in the reader's language."""
    return str(_GAPS[gap["kind"]]) % gap


def translate(error) -> tuple[str, str | None]:
    """A `DomainError` or `GS1Error` in the reader's language and what it is about (a hint, or
    None). A kind without a sentence here keeps the English message (and is logged)."""
    kind, params = getattr(error, "kind", None), getattr(error, "params", {})
    if kind in MISSING:
        head = str(MISSING[kind]) % {k: v for k, v in params.items() if k != "missing"}
        return " ".join([head, *(gap_text(g) for g in params["missing"])]), "market"
    found = SENTENCES.get(kind)
    if found is None:
        current_app.logger.warning("no sentence for the error kind %r", kind)
        return getattr(error, "message", str(error)), None
    sentence, hint = found
    return str(sentence) % {name: shown(name, value) for name, value in params.items()}, hint
