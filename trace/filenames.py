"""The one way trace names a download (RFC 6266): `filename` in safe ASCII for every client,
and `filename*` (RFC 8187, UTF-8) with the name as it is, for those that read it.

A name is made of what a user typed (a lot code, a shipment's label), so nothing in it may end
the header's parameter or start another: quotes, semicolons, backslashes and control
characters never reach the header as they are.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f/\\]")


def content_disposition(name: str, disposition: str = "attachment") -> str:
    """`attachment; filename="recall_A_n_x.csv"; filename*=UTF-8''recall_A%22%3Bn%3Dx.csv`."""
    if disposition not in ("attachment", "inline"):
        raise ValueError(disposition)
    cleaned = _CONTROL.sub("-", name)[:200] or "download"
    ascii_name = unicodedata.normalize("NFKD", cleaned).encode("ascii", "ignore").decode()
    ascii_name = _UNSAFE_ASCII.sub("_", ascii_name).strip("._") or "download"
    utf8 = quote(cleaned, safe="")
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{utf8}"
