"""The vocabulary capture checks against (trace/domain/epcis_rules.py) is GS1's own: the CBV
words are those GS1's JSON schema enumerates, the event types its five; and an answer's
context keeps every sender's meaning (trace/domain/epcis_context.py). Pure: no database."""

from __future__ import annotations

import json
from pathlib import Path

from tests.epcis.jsonld import quads
from trace.domain import epcis_rules
from trace.domain.epcis_context import EPCIS_CONTEXT, Sent, answer_context
from trace.domain.epcis_ids import CBV_DISPOSITIONS

SCHEMA = Path(__file__).resolve().parents[2] / "trace" / "standards" / "EPCIS-JSON-Schema.json"


def _enum(definitions: dict, name: str) -> set[str]:
    (words,) = [d["enum"] for d in definitions[name]["anyOf"] if "enum" in d]
    return set(words)


def test_the_cbv_words_are_gs1_s():
    definitions = json.loads(SCHEMA.read_text())["definitions"]
    assert _enum(definitions, "bizStep") == epcis_rules.CBV_BIZ_STEPS
    assert _enum(definitions, "disposition") == CBV_DISPOSITIONS
    assert _enum(definitions, "bizTransaction-type") == epcis_rules.CBV_BIZ_TRANSACTION_TYPES
    assert _enum(definitions, "source-dest-type") == epcis_rules.CBV_SOURCE_DEST_TYPES
    assert _enum(definitions, "error-reason") == epcis_rules.CBV_ERROR_REASONS


def _event(n: int, **fields) -> dict:
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
        "action": "OBSERVE",
        "eventTime": "2026-06-20T09:00:00+09:00",
        "eventTimeZoneOffset": "+09:00",
        "epcList": ["https://id.gs1.org/01/04512345000019/21/77"],
        **fields,
    }


def test_an_answer_declares_every_sender_s_namespace_and_keeps_each_meaning():
    first_ctx = [{"ex": "https://a.example/", "dock": "https://a.example/dock"}]
    second_ctx = ["https://partner.example/context.jsonld", {"ex": "https://b.example/v#"}]
    first = _event(1, **{"ex:note": "a", "dock": "3"}, ilmd={"ex:size": {"ex:unit": "cm"}})
    second = _event(2, **{"ex:note": "b"}, ilmd={"ex:size": "L"})
    ours = _event(3, **{"trace:market": "JP"})
    declared, events = answer_context(
        [Sent(first, first_ctx), ours, Sent(second, second_ctx)], {"trace": "https://t.example/"}
    )
    assert declared == [
        EPCIS_CONTEXT,
        "https://partner.example/context.jsonld",
        {
            "trace": "https://t.example/",
            "ex": "https://a.example/",
            "dock": "https://a.example/dock",
        },
    ]
    assert events[0] == first and events[1] == ours
    assert events[2]["https://b.example/v#note"] == "b"
    assert events[2]["ilmd"] == {"https://b.example/v#size": "L"}
    assert "ex:note" not in events[2]
    # read as JSON-LD, each event means what its sender sent (the remote context left aside)
    offline = [EPCIS_CONTEXT, declared[-1]]
    assert quads(offline, events[0]) == quads([EPCIS_CONTEXT, *first_ctx], first)
    assert quads(offline, events[2]) == quads([EPCIS_CONTEXT, second_ctx[1]], second)


def test_a_context_s_clashes_and_terms():
    assert epcis_rules.context_clashes(
        [EPCIS_CONTEXT, {"ex": "https://a/"}, {"ex": "https://b/", "ok": "https://c/"}]
    ) == ["ex"]
    assert (
        epcis_rules.context_clashes([EPCIS_CONTEXT, {"ex": "https://a/"}, {"ex": "https://a/"}])
        == []
    )
    assert epcis_rules.prefixes([EPCIS_CONTEXT, {"ex": "https://a/"}]) == {"ex": "https://a/"}
    assert epcis_rules.prefixes([EPCIS_CONTEXT, "https://elsewhere/ctx.jsonld"]) is None
