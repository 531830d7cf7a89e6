"""The one exception of `trace.gs1`, and how its messages show what was given.

Every message has the shape ``<what> <input>: <what was expected>, found <what>``,
so that a packer at a scanner or an API client can fix the input without reading code.
"""

from __future__ import annotations

import json
from collections.abc import Container
from typing import Any

# Longer inputs are cut in messages: an error should not echo a megabyte back.
_MAX_SHOWN = 48


class GS1Error(ValueError):
    """A GS1 identifier, attribute or Digital Link is malformed.

    The message names the input, what was expected and what was found, e.g.
    ``GTIN 08931234567895: check digit should be 7``. Its `kind` (``gs1.check_digit``) and
    `params` (``{"key": "GTIN", "value": …, "expected": "7"}``) say the same for a page that
    words it in its reader's language.
    """

    def __init__(self, message: str, *, kind: str = "gs1.unreadable", **params: Any):
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.params = params

    def within(self, where: str) -> GS1Error:
        """The same error, its message prefixed with where it was found."""
        return GS1Error(f"{where}: {self.message}", kind=self.kind, **self.params)


def quoted(text: str, limit: int = _MAX_SHOWN) -> str:
    """Return ``text`` in double quotes, escaped and cut to ``limit`` characters."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return json.dumps(text, ensure_ascii=False)


def shown(text: str) -> str:
    """Return ``text`` as an error message shows it: bare if all digits, else quoted."""
    if text and len(text) <= _MAX_SHOWN and is_ascii_digits(text):
        return text
    return quoted(text)


def is_ascii_digits(text: str) -> bool:
    """Tell whether ``text`` is made only of 0-9 (``str.isdigit`` also accepts "٣")."""
    return all("0" <= char <= "9" for char in text)


def require_text(name: str, value: object) -> str:
    """Return ``value`` if it is a string, else raise `GS1Error` (``gs1.not_text``)."""
    if not isinstance(value, str):
        raise GS1Error(
            f"{name} {value!r}: should be text, found {type(value).__name__}",
            kind="gs1.not_text",
            key=name,
        )
    return value


def require_digits(name: str, text: object) -> str:
    """Return ``text`` if it is a string of ASCII digits, else raise `GS1Error`.

    Args:
        name: What the text is, for the message, e.g. ``"GTIN"``.
        text: The value to check; may be empty (lengths are checked by the caller).

    Returns:
        ``text`` unchanged.

    Raises:
        GS1Error: If ``text`` is not a string or holds a character other than 0-9.
    """
    text = require_text(name, text)
    for char in text:
        if not "0" <= char <= "9":
            raise GS1Error(
                f"{name} {shown(text)}: character {quoted(char)} is not allowed (digits 0-9 only)",
                kind="gs1.not_digits",
                key=name,
                value=text,
                char=char,
            )
    return text


def require_length(
    name: str, text: str, lengths: Container[int], expected: object, said: str, *, most: bool
) -> str:
    """Return ``text`` if its length is one of ``lengths``, else raise `GS1Error`.

    The message is ``<name> <said>, found <length>`` (``said``: the input as shown and what was
    expected); the kind is ``gs1.too_long`` where the rule is a most (``most``), else
    ``gs1.length``; the params are the key, the value, ``expected`` and the length found.
    """
    if len(text) not in lengths:
        raise GS1Error(
            f"{name} {said}, found {len(text)}",
            kind="gs1.too_long" if most else "gs1.length",
            key=name,
            value=text,
            expected=expected,
            found=len(text),
        )
    return text
