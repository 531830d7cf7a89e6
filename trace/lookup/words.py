"""The words a page needs for the codes the data holds (event kinds, methods, commodities) and
the sentences that say what is wrong with a code, in the reader's language.

Markers here are extracted by `make translations` (pybabel) like those in the templates.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from trace import page_words
from trace.domain.commodities import COMMODITIES as COMMODITY_NAMES
from trace.domain.vocabulary import word
from trace.page_words import PLACES as PLACES  # shared with the staff pages
from trace.page_words import TREATMENT_NAMES
from trace.services.lookup import Problem

EVENTS = {
    **page_words.EVENTS,
    "receive": _l("Received at the packing house"),
    "treat": _l("Treated against pests"),
    "pack": _l("Packed into cartons"),
    "palletise": _l("Put on a pallet"),
    "load": _l("Loaded for export"),
}

METHODS = TREATMENT_NAMES  # mid-sentence, as the staff pages' TREATMENT_NAMES

# The commodities' own words (trace.domain.commodities); the catalogues translate each name.
COMMODITIES = {key: _l(name) for name in COMMODITY_NAMES for key in (name, name.replace(" ", "_"))}

# Where a lot's produce grew, by its commodity's group: lychee in an orchard, carrots in a field.
GROWN_IN = {"fruit": _l("Orchard"), "vegetable": _l("Field")}

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


# kind (trace/domain/kinds.py) → its sentence: %(…)s are the error's params (escaped), %(key)s
# the reader's word for the code's part (KEYS) unless the params say which part as typed.
SENTENCES = {
    "gs1.check_digit": _l(
        "The last digit of the %(key)s %(value)s does not match the others: it should be "
        "%(expected)s. A digit was probably mistyped or misread."
    ),
    "gs1.length": _l("The %(key)s %(value)s has %(found)s digits; it should have %(expected)s."),
    "gs1.not_digits": _l("The %(key)s may only contain digits 0-9, but it contains “%(char)s”."),
    "gs1.character": _l(
        "The %(key)s contains “%(char)s”, a character that GS1 codes do not allow."
    ),
    "gs1.too_long": _l("The %(key)s has %(found)s characters; at most %(expected)s are allowed."),
    "gs1.empty": _l("The %(key)s is empty."),
    "gs1.order": _l(
        "The parts of the code are in the wrong order: the lot (10) must come before the "
        "serial number (21)."
    ),
    "gs1.qualifier": _l("After %(key)s the code has “%(found)s”, which does not belong there."),
    "gs1.repeated": _l("The part %(found)s appears twice in the code."),
    "gs1.missing_value": _l(
        "The code ends after %(found)s: the value that should follow it is missing."
    ),
    "gs1.no_key": _l("This is not a product, pallet or location code we can read."),
    "gs1.sequence": _l(
        "The parts of the code are in the wrong order: they must come in the order %(expected)s."
    ),
    "gs1.empty_segment": _l(
        "The code has an empty part (two slashes in a row): a part is missing."
    ),
    "gs1.unknown_ai": _l(
        "The code gives a value for %(found)s, which is not a GS1 Application Identifier."
    ),
    "gs1.not_attribute": _l("%(found)s cannot be given after “?” in this code."),
    "gs1.in_path": _l("%(found)s belongs in the path of the code (/%(found)s/…), not after “?”."),
    "gs1.needs": _l(
        "%(found)s is only valid together with %(expected)s, which the code does not have."
    ),
    "gs1.excludes": _l("%(found)s and %(other)s cannot be used together."),
    "gs1.value": _l("The value “%(value)s” given for %(found)s is not valid for it."),
    "gs1.date": _l("The date %(value)s (%(found)s) is not a date in the form YYMMDD."),
    "gs1.compressed": _l("This compressed code cannot be read: it was cut short or misread."),
    "gs1.unreadable": _l("This code cannot be read."),
}


def problem_text(problem: Problem) -> Markup:
    """One or two sentences saying what is wrong with a code and how to fix it (a kind without
    a sentence: that the code cannot be read; the page shows the English detail below)."""
    params = {k: escape(v) for k, v in problem.params.items()}
    if problem.kind == "gs1.length":  # "12 or 13 digits" said as "12/13"
        params["expected"] = params["expected"].replace(" or ", "/")
    if problem.kind != "gs1.qualifier":  # its key is the AI as it stands in the code
        params["key"] = word(KEYS, problem.params.get("key"))
    sentence = SENTENCES.get(problem.kind, SENTENCES["gs1.unreadable"])
    return Markup(str(sentence) % params)
