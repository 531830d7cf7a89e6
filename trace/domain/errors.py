"""Domain errors; the HTTP edge turns them into 404, 409 and 422 answers."""

from __future__ import annotations


class DomainError(Exception):
    """Base class. `message` is written for the person who sent the request."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """A code or id named in the URL does not exist (404)."""


class RuleViolation(DomainError):
    """The request is well-formed but would break one of the product's rules (409)."""


class Invalid(DomainError):
    """A field refers to something unusable, e.g. an orchard id that is a packing house (422)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class Forbidden(DomainError):
    """The caller's role may not do this to this record (403)."""
