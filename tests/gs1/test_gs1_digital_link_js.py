"""GS1 Digital Links read as GS1's JavaScript toolkit digital-link.js reads them: the URIs of
its unit tests with their expected answers (tests/gs1/vectors/digital-link-js.json, with its
source), each given to `parse_digital_link`.

Where trace answers differently on purpose, `DEVIATIONS` says so and why; every other
vector must give the toolkit's answer, and a valid link the same identifier, key qualifiers
and (GS1) attributes.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from trace.gs1 import GS1Error, compression, parse_digital_link

VECTORS = json.loads((Path(__file__).parent / "vectors" / "digital-link-js.json").read_text())

# Settings of digital-link.js that trace does not offer: vectors run under them say nothing
# about trace. (trace refuses qualifiers out of order rather than sorting them: a link a
# printer wrote in the wrong order is a mistake to show, not to hide.)
NOT_OFFERED = {"sortKeyQualifiers"}

_ALPHAS = (
    "convenience alphas (/gtin/, /sscc/…) are not read: GS1's syntax engine refuses them by"
    " default, and no label trace prints or reads writes them (docs/lookup.md)"
)
DEVIATIONS = {
    "https://example.com/gtin/012345678905": _ALPHAS,
    "https://example.com/grai/050606547800290002": _ALPHAS,
    "https://example.com/gln/0123456789128": _ALPHAS,
    "https://example.com/sscc/012345678912345675": _ALPHAS,
    "https://example.com/gsrn/012345678912345675": _ALPHAS,
    "https://example.com/gdti/012345178912345667": _ALPHAS,
    "https://example.com/gsin/01234367891244565": _ALPHAS,
    "https://example.com/gcn/01234567891284569": _ALPHAS,
}
# The invalid alpha links are refused by trace for being alphas, and 01234567 (line 599) and
# 12345678 (line 627) for their check digits before the order or ?4321=2 is looked at; the
# tests below of the AI codes and of the rules check what those vectors were written for.


def _cases(kind: str):
    for vector in VECTORS[kind]:
        if set(vector.get("settings", ())) & NOT_OFFERED:
            continue
        yield pytest.param(vector, id=f"index.js:{vector['line']}")


def _expected_gtin(value: str) -> str:
    """trace reads a GTIN-8/12/13 as 14 digits (`parse_digital_link`); digital-link.js keeps
    the digits as written."""
    return value.zfill(14)


@pytest.mark.parametrize("vector", list(_cases("uris")))
def test_digital_links_of_gs1_digital_link_js(vector: dict) -> None:
    deviation = DEVIATIONS.get(vector["uri"])
    valid = vector["valid"] if deviation is None else not vector["valid"]
    if not valid:
        with pytest.raises(GS1Error):
            parse_digital_link(vector["uri"])
        return
    link = parse_digital_link(vector["uri"])
    if vector["parsed"] is None:
        return
    [(key, value)] = vector["parsed"]["identifier"].items()
    gs1_attributes = {k: v for k, v in vector["parsed"]["attributes"].items() if k.isdigit()}
    assert (link.key, link.value) == (key, _expected_gtin(value) if key == "01" else value)
    assert link.qualifiers == vector["parsed"]["keyQualifiers"]
    # other parameters (linkType, thngId) are the resolver's business, not the link's AIs
    assert link.attributes == gs1_attributes


def test_the_deviations_are_all_still_there() -> None:
    """Each deviation names a vector that exists, so none is listed for nothing."""
    assert set(DEVIATIONS) <= {v["uri"] for v in VECTORS["uris"]}


# The Digital Link standard's convenience alphas and the AIs they stand for
ALPHA_AIS = {
    "gtin": "01",
    "grai": "8003",
    "gln": "414",
    "sscc": "00",
    "gsrn": "8018",
    "gdti": "253",
    "gsin": "402",
    "gcn": "255",
    "giai": "8004",
}
_GIAI = (
    "a GIAI has no check digit, so GS1's syntax dictionary accepts any well-formed value;"
    " digital-link.js refuses these two, trace accepts them"
)
AI_DEVIATIONS = {
    "https://example.com/giai/0801234126": _GIAI,
    "https://example.com/giai/0801234127": _GIAI,
}


def _alpha_vectors():
    for vector in VECTORS["uris"]:
        parts = urlsplit(vector["uri"]).path.split("/")
        if len(parts) == 3 and parts[1] in ALPHA_AIS:
            path = f"/{ALPHA_AIS[parts[1]]}/{parts[2]}"
            yield pytest.param(vector, path, id=f"index.js:{vector['line']}:{path}")


@pytest.mark.parametrize(("vector", "path"), list(_alpha_vectors()))
def test_the_check_digits_of_the_alpha_vectors_with_the_ais_code(vector: dict, path: str) -> None:
    """What these vectors are about, the identifier's check digit, with the AI's code."""
    valid = vector["valid"] if vector["uri"] not in AI_DEVIATIONS else not vector["valid"]
    if valid:
        assert parse_digital_link(f"https://example.com{path}").key == path.split("/")[1]
    else:
        with pytest.raises(GS1Error):
            parse_digital_link(f"https://example.com{path}")


@pytest.mark.parametrize("vector", list(_cases("compressed")))
def test_a_compressed_link_reads_as_digital_link_js_reads_it(vector: dict) -> None:
    compressed = urlsplit(vector["compressed"])
    elements, others = compression.decompress(compressed.path.rsplit("/", 1)[1])
    read = parse_digital_link(compression.uncompressed_path(elements, others))
    expected = parse_digital_link(vector["uri"])
    assert (read.key, read.value, read.qualifiers, read.attributes) == (
        expected.key,
        expected.value,
        expected.qualifiers,
        expected.attributes,
    )
    # the non-GS1 pairs, packed inside or left in the query, are the ones of the link
    pairs = [*others, *parse_qsl(compressed.query)]
    assert pairs == [(k, v) for k, v in parse_qsl(urlsplit(vector["uri"]).query) if not k.isdigit()]


# The toolkit's grammar rules, each tried where it applies in a link to a GTIN
RULE_LINKS = {
    "gtin": "https://example.com/01/{}",
    "ser": "https://example.com/01/09780345418913/21/{}",
    "cpv": "https://example.com/01/09780345418913/22/{}",
    "extensionParameter": "https://example.com/01/09780345418913?{}",
}


@pytest.mark.parametrize(
    "vector", VECTORS["rules"], ids=lambda v: f"index.js:{v['line']}:{v['rule']}"
)
def test_the_grammar_rules_of_digital_link_js(vector: dict) -> None:
    """A value the rule refuses makes the link invalid; a query parameter named by digits
    that is no AI is refused, others (``a1=0``, ``0105:=1``) are left for the resolver."""
    uri = RULE_LINKS[vector["rule"]].format(vector["value"])
    if vector["valid"]:
        parse_digital_link(uri)
    else:
        with pytest.raises(GS1Error):
            parse_digital_link(uri)
