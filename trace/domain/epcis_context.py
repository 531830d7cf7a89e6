"""The `@context` of what trace answers: every namespace its events use. PURE.

A captured event keeps the terms of its sender's `@context` (`{prefix: IRI}`, and any remote
context other than EPCIS's). A document or query answer declares the EPCIS context, our own
`trace:` prefix and the union of its events' terms. Two senders may give one prefix different
IRIs: the first meaning met keeps the prefix, and the keys of a later event using it otherwise
are written out as full IRIs, so that no field changes meaning or resolves to nothing.

References: JSON-LD 1.1 §4.1 (contexts, compact IRIs), EPCIS 2.0 §9.1 (user extensions).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
# The EPCIS 2.0 context under the addresses GS1 has published it at.
EPCIS_CONTEXTS = frozenset(
    {
        EPCIS_CONTEXT,
        "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
        "https://gs1.github.io/EPCIS/epcis-context.jsonld",
    }
)


class Sent(dict[str, Any]):
    """An event as its sender sent it, carrying the terms of the sender's `@context`
    (`context`: a list of remote context URLs and one `{prefix: IRI}` mapping)."""

    __slots__ = ("context",)

    def __init__(self, event: Mapping[str, Any], context: list[Any]):
        super().__init__(event)
        self.context = context


def kept_context(context: Any) -> list[Any]:
    """What of a document's `@context` is kept with its events: the remote contexts other
    than EPCIS's, and one mapping of every term its objects declare (keywords such as
    `@vocab` aside: they would change the meaning of every other event's fields)."""
    items = context if isinstance(context, list) else [context]
    remote = [c for c in items if isinstance(c, str) and c not in EPCIS_CONTEXTS]
    terms: dict[str, Any] = {}
    for item in items:
        if isinstance(item, Mapping):
            terms.update({k: v for k, v in item.items() if not k.startswith("@")})
    return [*remote, terms] if terms else remote


def _iri(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        iri = value.get("@id")
        return iri if isinstance(iri, str) else None
    return None


def answer_context(events: list[Any], own: Mapping[str, str]) -> tuple[list[Any], list[Any]]:
    """The `@context` of a document holding `events`, and the events as it holds them (an
    event whose prefix means something else there has its keys written as full IRIs)."""
    terms: dict[str, Any] = dict(own)
    remote: list[str] = []
    out = []
    for event in events:
        context = getattr(event, "context", None)
        if not context:
            out.append(event)
            continue
        rename: dict[str, str] = {}
        for item in context:
            if isinstance(item, str):
                if item not in remote:
                    remote.append(item)
                continue
            for key, value in item.items():
                if key not in terms:
                    terms[key] = value
                elif terms[key] != value and (iri := _iri(value)) is not None:
                    rename[key] = iri
        out.append(_rewrite(dict(event), rename) if rename else dict(event))
    return [EPCIS_CONTEXT, *remote, terms], out


def _rewrite(value: Any, rename: Mapping[str, str]) -> Any:
    if isinstance(value, list):
        return [_rewrite(item, rename) for item in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        prefix, colon, name = key.partition(":")
        if key in rename:
            key = rename[key]
        elif colon and prefix in rename and not name.startswith("//"):
            key = rename[prefix] + name
        out[key] = item if key == "@context" else _rewrite(item, rename)
    return out
