"""The words of the domain's vocabularies of places and treatments (trace/domain/markets.py) and
of event kinds (trace/domain/vocabulary.py) as both kinds of page show them: the staff pages
(trace/web/words.py) and the public pages (trace/lookup/words.py) name the same kinds of place,
treatments and events with one table.

Each word is translated when a page shows it, through the catalogue of the page being drawn
(trace/web/translations or trace/lookup/translations): both extract these words, marked N_,
from the domain. A page reads a table with `trace.domain.vocabulary.word`.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from trace.domain import vocabulary
from trace.domain.markets import LOCATION_KINDS, TREATMENTS

PLACES = {code: _l(word) for code, word in LOCATION_KINDS.items()}

# A treatment as said in the middle of a sentence ("needs fumigation").
TREATMENT_NAMES = {code: _l(word) for code, word in TREATMENTS.items()}

# The event kinds both pages word alike; each page's EVENTS adds the others.
EVENTS = {kind: _l(word) for kind, word in vocabulary.EVENTS.items()}
