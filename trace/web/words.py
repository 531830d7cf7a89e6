"""Names of the codes the data holds (event kinds, places, roles, states) in the reader's
language. Extracted by `make translations` like the templates' texts; the words of places and
treatments come from their one definition, trace/domain/markets.py, through the table the
public pages use too (trace/page_words.py)."""

from __future__ import annotations

from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l

from trace import page_words
from trace.domain.markets import TREATMENTS
from trace.domain.vocabulary import word as word  # the pages' `words.word(table, code)`
from trace.page_words import PLACES as PLACES  # shared with the public pages
from trace.page_words import TREATMENT_NAMES as TREATMENT_NAMES

EVENTS = {
    **page_words.EVENTS,
    "receive": _l("Received"),
    "treat": _l("Treated"),
    "pack": _l("Packed"),
    "palletise": _l("Palletised"),
    "load": _l("Loaded"),
    "correct": _l("Corrected"),
    "capture": _l("Captured (EPCIS)"),
    "masterdata": _l("Master data (a place, its codes or a product)"),
}

CONVEYANCES = {
    "sea": _l("Sea (container)"),
    "air": _l("Air"),
    "road": _l("Road (truck through a border gate)"),
}

NODES = {
    "orchard": _l("Orchards"),
    "harvest_lot": _l("Harvest lots"),
    "packed_lot": _l("Packed lots"),
    "pallet": _l("Pallets"),
    "shipment": _l("Shipments"),
}

ROLES = {
    "admin": _l("Administrator"),
    "worker": _l("Worker"),
    "inspector": _l("Inspector"),
    "importer": _l("Importer"),
}

STATUSES = {
    "active": _l("active"),
    "suspended": _l("suspended"),
    "revoked": _l("revoked"),
    "loaded": _l("loaded"),
    "departed": _l("departed"),
    "arrived": _l("arrived"),
    "crossed": _l("across the border"),
}

# The public page writes a treatment mid-sentence ("fumigation"); a staff page's list starts
# with a capital.
METHODS = {
    code: LazyString(lambda word=word: gettext(word).capitalize())
    for code, word in TREATMENTS.items()
}
# … and in the middle of a sentence ("needs fumigation"): TREATMENT_NAMES.

LABEL_KINDS = {
    "carton": _l("Carton labels"),
    "pallet": _l("Pallet label"),
    "sticker": _l("QR stickers"),
}

LABEL_SIZES = {
    "100x150mm": _l("100 × 150 mm (thermal)"),
    "4x6in": _l("4 × 6 in (thermal)"),
    "50x30mm": _l("50 × 30 mm sticker"),
    "a4-24": _l("A4 sheet of 24 (office printer)"),
}

LABEL_FORMATS = {"pdf": _l("PDF (any printer)"), "zpl": _l("ZPL (Zebra printer)")}


# The fields a correction may change (trace.domain.events.CORRECTABLE), as a form names them.
FIELDS = {
    "quantity": _l("Quantity"),
    "variety": _l("Variety"),
    "harvested_on": _l("Harvest day"),
    "crew": _l("Crew"),
    "temperature_c": _l("Temperature (°C)"),
    "humidity_pct": _l("Relative humidity (%)"),
    "duration_h": _l("Duration (hours)"),
    "method": _l("Method"),
    "batch_no": _l("Batch number"),
    "certificate_no": _l("Certificate number"),
    "result": _l("Result"),
    "notes": _l("Notes"),
}
