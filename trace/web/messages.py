"""The use cases' messages (English, written for the API) in the reader's language, with a hint
of the form field each is about.

A message is matched against the patterns below, in order; its parts (lot codes, numbers,
names) are put into the translated sentence. A message no pattern knows is shown as it is:
the rule still holds, only its words stay English. `tests/web/test_messages.py` runs every
pattern against the service that writes it, so a reworded message is noticed.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

N = r"(?P<{}>-?[\d.e+]+)"


def _n(name: str) -> str:
    return N.format(name)


# (pattern, sentence, hint): the hint names what the message is about (a form maps it to a field).
PATTERNS = [
    (
        rf"lot (?P<lot>\S+): {_n('harvested')} (?P<unit>\w+) harvested, {_n('received')} "
        rf"received already; only {_n('left')} \w+ can still be received, not {_n('asked')}",
        _l(
            "Lot %(lot)s: %(harvested)s %(unit)s harvested, %(received)s received already; only "
            "%(left)s %(unit)s can still be received, not %(asked)s."
        ),
        "quantity",
    ),
    (
        rf"lot (?P<lot>\S+) has only {_n('left')} (?P<unit>\w+) left \({_n('held')} in, "
        rf"{_n('used')} used\); cannot pack {_n('asked')} \w+",
        _l(
            "Lot %(lot)s has only %(left)s %(unit)s left (%(held)s in, %(used)s used): it cannot "
            "give %(asked)s %(unit)s."
        ),
        "inputs",
    ),
    (
        rf"{_n('cartons')} cartons of {_n('each')} kg hold {_n('net')} kg but the inputs give "
        rf"only {_n('total')} kg",
        _l(
            "%(cartons)s cartons of %(each)s kg hold %(net)s kg, but the lots used give only "
            "%(total)s kg."
        ),
        "cartons",
    ),
    (
        rf"lot (?P<lot>\S+) has {_n('left')} cartons left \({_n('packed')} packed, "
        rf"{_n('on')} on pallets\); cannot palletise {_n('asked')}",
        _l(
            "Lot %(lot)s has %(left)s cartons left (%(packed)s packed, %(on)s on pallets): it "
            "cannot put %(asked)s on this pallet."
        ),
        "contents",
    ),
    (
        rf"lot (?P<lot>\S+) has {_n('cartons')} cartons and {_n('printed')} carton labels were "
        rf"printed already; {_n('left')} more can be printed, not {_n('asked')}",
        _l(
            "Lot %(lot)s has %(cartons)s cartons and %(printed)s carton labels were printed "
            "already: %(left)s more can be printed, not %(asked)s. Reprint a damaged label by "
            "its serial."
        ),
        "count",
    ),
    (
        r"lot (?P<lot>\S+) is on no shipment yet\b.*: say which market",
        _l("Lot %(lot)s is on no shipment yet: choose the market its cartons are for."),
        "market",
    ),
    (
        r"pallet (?P<sscc>\d+) is in no shipment yet: say which market",
        _l("Pallet %(sscc)s is on no shipment yet: choose the market it is for."),
        "market",
    ),
    (
        r"lot (?P<lot>\S+) is a harvest lot: carton labels are for packed lots",
        _l("Lot %(lot)s is a harvest lot: carton labels are for packed lots."),
        "lot",
    ),
    (
        r"lot (?P<lot>\S+) is a harvest lot: pack it into cartons first",
        _l("Lot %(lot)s is a harvest lot: pack it into cartons first."),
        "contents",
    ),
    (
        r"lot (?P<lot>\S+) is a packed lot: pallets move packed lots",
        _l("Lot %(lot)s is a packed lot: it is not received again."),
        "lot",
    ),
    (
        r"cannot (?P<doing>pack|ship): lot (?P<lot>.+) is on hold",
        _l(
            "Lot %(lot)s is on hold (its latest inspection failed): record a passing inspection "
            "first."
        ),
        "inputs",
    ),
    (
        r"lot (?P<lot>\S+) is not received anywhere yet, not at (?P<here>.+): record its "
        r"receipt there first",
        _l("Lot %(lot)s has not been received anywhere yet: receive it at %(here)s first."),
        "inputs",
    ),
    (
        r"lot (?P<lot>\S+) is at (?P<there>.+), not at (?P<here>.+): record its receipt there "
        r"first",
        _l("Lot %(lot)s is at %(there)s, not at %(here)s: receive it here first."),
        "inputs",
    ),
    (
        r"pallet (?P<sscc>\d+) is already in shipment (?P<shipment>\d+) \(a pallet ships once\)",
        _l("Pallet %(sscc)s is already in shipment %(shipment)s (a pallet ships once)."),
        "pallets",
    ),
    (
        r"no pallet with SSCC (?P<sscc>\d+)",
        _l("No pallet has the SSCC %(sscc)s."),
        "pallets",
    ),
    (
        r"pallet (?P<sscc>\d+) is listed twice",
        _l("Pallet %(sscc)s is scanned twice."),
        "pallets",
    ),
    (
        r"shipment (?P<id>\d+) has not departed yet",
        _l("Shipment %(id)s has not departed yet: record its departure first."),
        "time",
    ),
    (
        r"shipment (?P<id>\d+) has arrived already",
        _l("Shipment %(id)s has arrived already."),
        "time",
    ),
    (
        r"shipment (?P<id>\d+) has (?P<status>\w+) already",
        _l("Shipment %(id)s has departed already."),
        "time",
    ),
    (
        r"a shipment cannot arrive before it departed",
        _l("A shipment cannot arrive before it departed."),
        "time",
    ),
    (
        r"(?P<when>\S+) is in the future; record what has happened",
        _l("That time is in the future: record what has happened."),
        "time",
    ),
    (
        r"(?P<day>\d{4}-\d\d-\d\d) is in the future",
        _l("That day is in the future: record what has happened."),
        "time",
    ),
    (
        r"(?P<when>\S+) is before lot (?P<lot>\S+) was (?P<what>harvested|packed) "
        r"\((?P<day>[\d-]+)\)",
        _l("That time is before lot %(lot)s was harvested or packed (%(day)s)."),
        "time",
    ),
    (
        r"(?P<when>\S+) is not on (?P<day>[\d-]+)",
        _l("That time is not on the harvest day %(day)s."),
        "time",
    ),
    (
        r"(?P<facility>.+) does not treat by (?P<method>.+) \(it does: (?P<methods>.+)\)",
        _l("%(facility)s does not treat by %(method)s (it does: %(methods)s)."),
        "method",
    ),
    (
        r"no lot with code '(?P<lot>.+)'",
        _l("No lot has the code %(lot)s."),
        "lot",
    ),
    (
        r"lot (?P<lot>\S+) is listed twice",
        _l("Lot %(lot)s is listed twice."),
        "inputs",
    ),
    (
        r"lot code (?P<lot>\S+) is taken; choose another",
        _l("The lot code %(lot)s is taken: choose another."),
        "lot_code",
    ),
    (
        r"a user called '(?P<name>.+)' exists already",
        _l("A user called %(name)s exists already."),
        "name",
    ),
    (
        r"a password needs at least (?P<n>\d+) characters",
        _l("A password needs at least %(n)s characters."),
        "password",
    ),
    (
        r"this password is one of the most common ones: choose another",
        _l("This password is one of the most common ones: choose another."),
        "password",
    ),
    (
        r"the current password is wrong",
        _l("The current password is wrong."),
        "old_password",
    ),
    (
        r"the code is wrong or too old: type the one the app shows now",
        _l("The code is wrong or too old: type the one the app shows now."),
        "code",
    ),
    (
        r"at most (?P<n>\d+) labels of one pallet per request",
        _l("At most %(n)s labels of one pallet at a time."),
        "count",
    ),
    (
        r"at most (?P<n>\d+) stickers for lot (?P<lot>\S+)",
        _l("At most %(n)s stickers for lot %(lot)s (one per carton)."),
        "count",
    ),
    (
        r"GLN (?P<gln>\d+) belongs to another location already",
        _l("The GLN %(gln)s belongs to another location already."),
        "gln",
    ),
    (
        r"GTIN (?P<gtin>\d+) belongs to another product already",
        _l("The GTIN %(gtin)s belongs to another product already."),
        "gtin",
    ),
    (
        r"nothing was scanned",
        _l("Nothing was scanned: scan the code again."),
        "scan",
    ),
    (
        r"this barcode holds the product, not the lot",
        _l("This barcode holds the product only: scan the carton's QR code or its lot barcode."),
        "scan",
    ),
    (
        r"nothing is known by '(?P<code>.*)'",
        _l("Nothing is known by %(code)s."),
        "scan",
    ),
    (
        r"(?P<kind>GTIN|GLN|SSCC) (?P<code>\d+): check digit should be (?P<digit>\d)",
        _l("%(kind)s %(code)s: the check digit should be %(digit)s."),
        "code",
    ),
    (
        r"consignee '(?P<name>.+)' is not located in China \(its address says (?P<country>.+)\): "
        r"a shipment to (?P<market>[A-Z]{2}) goes",
        _l(
            "Consignee %(name)s is not located in China (its address says %(country)s): a "
            "shipment to %(market)s goes to an importer in China."
        ),
        "consignee_id",
    ),
    (
        r"shipment (?P<id>\d+) has not crossed the border yet",
        _l("Shipment %(id)s has not crossed the border yet: record its crossing first."),
        "arrived_at",
    ),
]
_COMPILED = [(re.compile(pattern), sentence, hint) for pattern, sentence, hint in PATTERNS]

# "cannot ship to US: orchard 'A' has no active PUC for US; packing house 'B' has …"
_GAPS = re.compile(r"cannot ship to (?P<market>[A-Z]{2}): (?P<gaps>.+)")
_GAP = re.compile(
    r"(?P<kind>orchard|packing house|treatment facility) '(?P<name>.+)' has no active "
    r"(?P<scheme>PUC|PHC|TFC|GACC) for (?P<market>[A-Z]{2})"
)


def gap_text(gap: str) -> str:
    """One market gap (`shipments.market_gaps`) in the reader's language."""
    match = _GAP.fullmatch(gap)
    if match is None:
        return gap
    parts = match.groupdict()
    if parts["scheme"] == "GACC":
        return str(_l("%(kind)s %(name)s has no active GACC registration for %(market)s.")) % (
            parts | {"kind": gettext_kind(parts["kind"])}
        )
    sentence = {
        "orchard": _l("Orchard %(name)s has no active growing-area code (PUC) for %(market)s."),
        "packing house": _l(
            "Packing house %(name)s has no active packing-house code (PHC) for %(market)s."
        ),
        "treatment facility": _l(
            "Treatment facility %(name)s has no active treatment code (TFC) for %(market)s."
        ),
    }[parts["kind"]]
    return str(sentence) % parts


def gettext_kind(kind: str) -> str:
    """orchard / packing house / treatment facility, capitalised, in the reader's language."""
    return str(
        {
            "orchard": _l("Orchard"),
            "packing house": _l("Packing house"),
            "treatment facility": _l("Treatment facility"),
        }[kind]
    )


def translate(message: str) -> tuple[str, str | None]:
    """The message in the reader's language and what it is about (a hint, or None)."""
    gaps = _GAPS.match(message)
    if gaps:
        parts = [gap_text(g) for g in gaps["gaps"].split("; ")]
        head = _("Cannot ship to %(market)s:", market=gaps["market"])
        return " ".join([head, *parts]), "market"
    for pattern, sentence, hint in _COMPILED:
        match = pattern.match(message)
        if match:
            return str(sentence) % match.groupdict(), hint
    return message, None
