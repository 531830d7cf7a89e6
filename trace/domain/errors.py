"""Domain errors; the HTTP edge turns them into 404, 409 and 422 answers.

Each error may name its `kind` (a dotted, stable name such as
"mass_balance.packed_exceeds_received") and the `params` its sentence is made of (lot codes,
kilograms, names). The API sends both beside the English `message`; the staff and public pages
write their own sentence from kind and params in the reader's language, never by reading the
English back.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class. `message` is written for the person who sent the request."""

    def __init__(self, message: str, *, kind: str | None = None, **params: Any):
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.params = params


class NotFound(DomainError):
    """A code or id named in the URL does not exist (404)."""


class RuleViolation(DomainError):
    """The request is well-formed but would break one of the product's rules (409)."""


class Invalid(DomainError):
    """A field refers to something unusable, e.g. an orchard id that is a packing house (422)."""

    def __init__(self, field: str, message: str, *, kind: str | None = None, **params: Any):
        super().__init__(message, kind=kind, **params)
        self.field = field


class Forbidden(DomainError):
    """The caller's role may not do this to this record (403)."""
