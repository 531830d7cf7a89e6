"""A page's word for a code the data holds (an event kind, a place kind, a treatment, a role):
one rule for the staff pages (trace/web/words.py) and the public pages (trace/lookup/words.py),
whose tables give the words in their reader's language. Pure."""

from __future__ import annotations

from collections.abc import Mapping


def word(table: Mapping[str, object], key: str | None) -> str:
    """The table's word for `key`, or the code itself (underscores as spaces) when it has none;
    nothing for no code."""
    if key is None:
        return ""
    found = table.get(key)
    return str(found) if found is not None else key.replace("_", " ")
