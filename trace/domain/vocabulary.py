"""A page's word for a code the data holds (an event kind, a place kind, a treatment, a role):
one rule for the staff pages (trace/web/words.py) and the public pages (trace/lookup/words.py),
whose tables give the words in their reader's language; the words of event kinds both use. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .markets import N_

# What became of a lot, in the words both the staff and the public pages use for these kinds of
# event (each page adds the kinds it words its own way); both catalogues extract them from here.
EVENTS = MappingProxyType(
    {
        "harvest": N_("Harvested"),
        "cool": N_("Cooled"),
        "wash": N_("Washed"),
        "grade": N_("Graded by size"),
        "store": N_("Kept in cold storage"),
        "inspect": N_("Inspected"),
        "ship": N_("Departed"),
        "cross": N_("Crossed the border"),
        "arrive": N_("Arrived"),
    }
)


def word(table: Mapping[str, object], key: str | None) -> str:
    """The table's word for `key`, or the code itself (underscores as spaces) when it has none;
    nothing for no code."""
    if key is None:
        return ""
    found = table.get(key)
    return str(found) if found is not None else key.replace("_", " ")
