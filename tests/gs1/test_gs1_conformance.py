"""GS1 Digital Links read as GS1's own toolkits read them: the unit tests of GS1's syntax
engine (tests/gs1/vectors/, with their source), each given to `parse_digital_link`.

Where trace answers differently on purpose, `DEVIATIONS` says so and why; every other
vector must give the engine's answer, and for a valid link the same AI element string.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trace.gs1 import DigitalLink, GS1Error, compression, parse_digital_link, syntax

VECTORS = json.loads((Path(__file__).parent / "vectors" / "syntax-engine-dl.json").read_text())

# Settings of GS1's syntax engine that trace does not offer: vectors run under them say
# nothing about trace.
NOT_OFFERED = {"convenience_alphas", "unknown_ais", "unknown_ai_not_dl_attr"}

_ZERO_SUPPRESSED = (
    "trace reads a GTIN-8/12/13 in the path as 14 digits (the engine's"
    " PermitZeroSuppressedGTINinDLuris): codes typed from a carton's GTIN-13 resolve"
)
_QUERY_GTIN = "in the query string trace asks for the 14 digits of AI 01 (the engine's default)"
_REQUEST = (
    "a resolver reads the path and query of a request that reached it: the scheme and host"
    " are the web server's business"
)
_TRAILING = "a trailing slash is ignored, as a reader who adds one still means the code"
DEVIATIONS = {
    ("https://a/01/2112345678900", False): _ZERO_SUPPRESSED,
    ("https://a/01/416000336108", False): _ZERO_SUPPRESSED,
    ("https://a/01/02345673", False): _ZERO_SUPPRESSED,
    ("https://a/8004/9520614141234567?01=2112345678900", True): _QUERY_GTIN,
    ("https://a/8004/9520614141234567?01=02345673", True): _QUERY_GTIN,
    ("HtTp://a/b/00/006141411234567890", False): _REQUEST,
    ("https://[fe80::1%25lo]/01/12312312312333", False): _REQUEST,
    ("https://a/stem/00/006141411234567890/", False): _TRAILING,
}


def element_string(link: DigitalLink) -> str:
    """The link's AIs as GS1's engine writes them: ``^`` (FNC1) first and after each AI of
    variable length that is not the last."""
    pairs = [(link.key, link.value), *link.qualifiers.items(), *link.attributes.items()]
    text = "^"
    for index, (ai, value) in enumerate(pairs):
        text += ai + value
        if not syntax.entry(ai).fixed and index < len(pairs) - 1:
            text += "^"
    return text


def _cases():
    for vector in VECTORS["parseDLuri"]:
        settings = set(vector["settings"])
        if settings & NOT_OFFERED:
            continue
        zero_suppressed = "zero_suppressed_gtin" in settings
        yield pytest.param(vector, zero_suppressed, id=f"dl.c:{vector['line']}")


@pytest.mark.parametrize(("vector", "zero_suppressed"), list(_cases()))
def test_digital_links_of_gs1_syntax_engine(vector: dict, zero_suppressed: bool) -> None:
    deviation = DEVIATIONS.get((vector["uri"], zero_suppressed))
    valid = vector["valid"] if deviation is None else not vector["valid"]
    if valid:
        link = parse_digital_link(vector["uri"])
        if deviation is None:
            assert element_string(link) == vector["ais"]
    else:
        with pytest.raises(GS1Error):
            parse_digital_link(vector["uri"])


def test_the_deviations_are_all_still_there() -> None:
    """Each deviation names a vector that exists, so none is listed for nothing."""
    uris = {(v["uri"], "zero_suppressed_gtin" in v["settings"]) for v in VECTORS["parseDLuri"]}
    assert set(DEVIATIONS) <= uris


# A valid value for each AI of the engine's key-qualifier sequences
VALUES = {
    "00": "006141411234567890",
    "01": "12312312312333",
    "22": "2A",
    "10": "ABC",
    "21": "XYZ",
    "235": "TPX",
    "253": "1231231231232",
    "255": "1231231231232",
    "401": "1234ABC",
    "402": "12345678901234560",
    "414": "9520123456788",
    "254": "32a",
    "7040": "1AB_",
    "417": "9520123456788",
    "8003": "01231231231232",
    "8004": "1234ABC",
    "8006": "123123123123330102",
    "8010": "1234ABC",
    "8011": "1",
    "8013": "1987654Ad4X4bL5ttr2310c2K",
    "8017": "123456789012345675",
    "8018": "123456789012345675",
    "8019": "123",
}


@pytest.mark.parametrize("sequence", VECTORS["validDLpathAIseq"], ids="/".join)
def test_every_key_qualifier_sequence_of_gs1_syntax_engine_is_valid(sequence: list[str]) -> None:
    assert syntax.valid_path_sequence(sequence)
    # and read from a link, where the AIs' associations hold too (22 needs 01: not with 8006)
    if sequence[0] != "8006" or "22" not in sequence:
        path = "".join(f"/{ai}/{VALUES[ai]}" for ai in sequence)
        link = parse_digital_link(f"https://a{path}")
        assert [link.key, *link.qualifiers] == sequence


@pytest.mark.parametrize(
    "sequence",
    [
        ["01", "10", "22"],  # the dictionary's own examples of a bad order and of mixing
        ["01", "22", "10", "235"],
        ["01", "21", "21"],
        ["00", "10"],
        ["414", "254", "7040"],
        ["10", "21"],  # no primary key
        ["89"],
    ],
)
def test_other_sequences_are_not(sequence: list[str]) -> None:
    assert not syntax.valid_path_sequence(sequence)


# --- the syntax dictionary's linters, with the vectors of their reference implementations ---

LINTERS = json.loads(
    (Path(__file__).parent / "vectors" / "syntax-dictionary-linters.json").read_text()
)["linters"]
# Not checked by trace (docs/lookup.md says why): coupon AIs 8110 and 8112, and the GS1 company
# prefix lookup behind gcppos1/gcppos2 (only their shape is checked, as offline in GS1's engine).
NOT_CHECKED = {"couponcode", "couponposoffer", "gcppos1", "gcppos2"}


@pytest.mark.parametrize("name", ["gcppos1", "gcppos2"])
def test_a_company_prefix_has_at_least_four_digits_where_it_starts(name: str) -> None:
    start = 1 if name == "gcppos2" else 0
    assert syntax.lint(name, "9" * start + "1234") is None
    assert syntax.lint(name, "9" * start + "123") is not None
    assert syntax.lint(name, "9" * start + "123A5") is not None


@pytest.mark.parametrize("name", sorted(set(LINTERS) - NOT_CHECKED))
def test_each_linter_passes_and_fails_what_gs1s_reference_does(name: str) -> None:
    wrongly_failed = [t for t in LINTERS[name]["pass"] if syntax.lint(name, t) is not None]
    wrongly_passed = [t for t in LINTERS[name]["fail"] if syntax.lint(name, t) is None]
    assert (wrongly_failed, wrongly_passed) == ([], [])


# --- compressed Digital Links, with links compressed by GS1's compression prototype ----------

COMPRESSED = json.loads(
    (Path(__file__).parent / "vectors" / "compression-prototype.json").read_text()
)["vectors"]


@pytest.mark.parametrize("vector", COMPRESSED, ids=lambda v: v["compressed"])
def test_a_compressed_link_reads_as_the_link_gs1s_prototype_compressed(vector: dict) -> None:
    elements, others = compression.decompress(vector["compressed"])
    original = parse_digital_link(vector["uri"])
    read = parse_digital_link(compression.uncompressed_path(elements, others))
    assert (read.key, read.value, read.qualifiers, read.attributes) == (
        original.key,
        original.value,
        original.qualifiers,
        original.attributes,
    )
    assert dict(others) == {k: v for k, v in [("linkType", "gs1:pip")] if k in vector["uri"]}


@pytest.mark.parametrize("text", ["", "AR", "ARFRJyda!A", "_____________", "9999999999"])
def test_what_is_not_a_compressed_link_is_refused(text: str) -> None:
    with pytest.raises(GS1Error):
        compression.uncompressed_path(*compression.decompress(text))
