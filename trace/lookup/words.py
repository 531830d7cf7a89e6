"""The words a page needs for the codes the data holds (event kinds, methods, commodities) and
the sentences that say what is wrong with a code, in the reader's language.

Markers here are extracted by `make translations` (pybabel) like those in the templates.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from trace.domain.commodities import COMMODITIES as COMMODITY_NAMES
from trace.domain.markets import LOCATION_KINDS, TREATMENTS
from trace.services.lookup import Problem

EVENTS = {
    "harvest": _l("Harvested"),
    "receive": _l("Received at the packing house"),
    "cool": _l("Cooled"),
    "treat": _l("Treated against pests"),
    "wash": _l("Washed"),
    "grade": _l("Graded by size"),
    "store": _l("Kept in cold storage"),
    "inspect": _l("Inspected"),
    "pack": _l("Packed into cartons"),
    "palletise": _l("Put on a pallet"),
    "load": _l("Loaded for export"),
    "ship": _l("Departed"),
    "cross": _l("Crossed the border"),
    "arrive": _l("Arrived"),
}

METHODS = {code: _l(word) for code, word in TREATMENTS.items()}

# The commodities' own words (trace.domain.commodities); the catalogues translate each name.
COMMODITIES = {key: _l(name) for name in COMMODITY_NAMES for key in (name, name.replace(" ", "_"))}

# Where a lot's produce grew, by its commodity's group: lychee in an orchard, carrots in a field.
GROWN_IN = {"fruit": _l("Orchard"), "vegetable": _l("Field")}

PLACES = {code: _l(word) for code, word in LOCATION_KINDS.items()}

CODES = {
    "PUC": _l("Growing-area code"),
    "PHC": _l("Packing-house code"),
    "TFC": _l("Treatment-facility code"),
    "GACC": _l("China customs (GACC) registration"),
}

KEYS = {
    "GTIN": _l("product number (GTIN)"),
    "SSCC": _l("pallet number (SSCC)"),
    "GLN": _l("location number (GLN)"),
    "lot": _l("lot number"),
    "serial": _l("serial number"),
}


def word(table: dict, key: str | None) -> str:
    """The reader's word for a code, or the code itself when we have no word for it."""
    if key is None:
        return ""
    found = table.get(key)
    return str(found) if found is not None else key.replace("_", " ")


# kind (trace/domain/kinds.py) → its sentence, from the params (escaped) and the key's word.
SENTENCES = {
    "gs1.check_digit": lambda p, key: gettext(
        "The last digit of the %(key)s %(value)s does not match the others: it should be "
        "%(expected)s. A digit was probably mistyped or misread.",
        key=key,
        value=p["value"],
        expected=p["expected"],
    ),
    "gs1.length": lambda p, key: gettext(
        "The %(key)s %(value)s has %(found)s digits; it should have %(expected)s.",
        key=key,
        value=p["value"],
        found=p["found"],
        expected=p["expected"].replace(" or ", "/"),
    ),
    "gs1.not_digits": lambda p, key: gettext(
        "The %(key)s may only contain digits 0-9, but it contains “%(char)s”.",
        key=key,
        char=p["char"],
    ),
    "gs1.character": lambda p, key: gettext(
        "The %(key)s contains “%(char)s”, a character that GS1 codes do not allow.",
        key=key,
        char=p["char"],
    ),
    "gs1.too_long": lambda p, key: gettext(
        "The %(key)s has %(found)s characters; at most %(expected)s are allowed.",
        key=key,
        found=p["found"],
        expected=p["expected"],
    ),
    "gs1.empty": lambda p, key: gettext("The %(key)s is empty.", key=key),
    "gs1.order": lambda p, key: gettext(
        "The parts of the code are in the wrong order: the lot (10) must come before the "
        "serial number (21)."
    ),
    "gs1.qualifier": lambda p, key: gettext(
        "After %(key)s the code has “%(found)s”, which does not belong there.",
        key=p["key"],
        found=p["found"],
    ),
    "gs1.repeated": lambda p, key: gettext(
        "The part %(found)s appears twice in the code.", found=p["found"]
    ),
    "gs1.missing_value": lambda p, key: gettext(
        "The code ends after %(found)s: the value that should follow it is missing.",
        found=p["found"],
    ),
    "gs1.no_key": lambda p, key: gettext(
        "This is not a product, pallet or location code we can read."
    ),
    "gs1.sequence": lambda p, key: gettext(
        "The parts of the code are in the wrong order: they must come in the order %(expected)s.",
        expected=p["expected"],
    ),
    "gs1.empty_segment": lambda p, key: gettext(
        "The code has an empty part (two slashes in a row): a part is missing."
    ),
    "gs1.unknown_ai": lambda p, key: gettext(
        "The code gives a value for %(found)s, which is not a GS1 Application Identifier.",
        found=p["found"],
    ),
    "gs1.not_attribute": lambda p, key: gettext(
        "%(found)s cannot be given after “?” in this code.", found=p["found"]
    ),
    "gs1.in_path": lambda p, key: gettext(
        "%(found)s belongs in the path of the code (/%(found)s/…), not after “?”.",
        found=p["found"],
    ),
    "gs1.needs": lambda p, key: gettext(
        "%(found)s is only valid together with %(expected)s, which the code does not have.",
        found=p["found"],
        expected=p["expected"],
    ),
    "gs1.excludes": lambda p, key: gettext(
        "%(found)s and %(other)s cannot be used together.",
        found=p["found"],
        other=p["other"],
    ),
    "gs1.value": lambda p, key: gettext(
        "The value “%(value)s” given for %(found)s is not valid for it.",
        value=p["value"],
        found=p["found"],
    ),
    "gs1.date": lambda p, key: gettext(
        "The date %(value)s (%(found)s) is not a date in the form YYMMDD.",
        value=p["value"],
        found=p["found"],
    ),
    "gs1.compressed": lambda p, key: gettext(
        "This compressed code cannot be read: it was cut short or misread."
    ),
    "gs1.unreadable": lambda p, key: gettext("This code cannot be read."),
}


def problem_text(problem: Problem) -> Markup:
    """One or two sentences saying what is wrong with a code and how to fix it (a kind without
    a sentence: that the code cannot be read; the page shows the English detail below)."""
    make = SENTENCES.get(problem.kind)
    if make is None:
        return Markup(escape(gettext("This code cannot be read.")))
    p = {k: escape(v) for k, v in problem.params.items()}
    return Markup(make(p, word(KEYS, problem.params.get("key"))))
