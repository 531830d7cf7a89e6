"""GS1 Digital Link: building links for labels and reading them back from scans.

Vectors name their source; those of GS1's own toolkits are vendored in tests/gs1/vectors/
(tests/gs1/test_gs1_conformance.py).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.gs1.gs1_strategies import base_urls, cset82_values, glns, gtins, laws, ssccs
from trace.gs1 import (
    DigitalLink,
    Gln,
    GS1Error,
    Gtin,
    Sscc,
    digital_link,
    gln_link,
    parse_digital_link,
    sscc_link,
)


def link(
    gtin: Gtin | None = None,
    lot: str | None = None,
    serial: str | None = None,
    attributes: dict | None = None,
    sscc: Sscc | None = None,
    gln: Gln | None = None,
    **qualifiers: str,
) -> DigitalLink:
    """The DigitalLink `parse_digital_link` should return for a GTIN, SSCC or GLN link;
    other qualifiers by AI, e.g. ``q22="2A"``."""
    found = {ai[1:]: value for ai, value in qualifiers.items()}
    if lot is not None:
        found["10"] = lot
    if serial is not None:
        found["21"] = serial
    order = ["22", "10", "21", "235", "254", "7040"]
    found = dict(sorted(found.items(), key=lambda item: order.index(item[0])))
    key, value = ("01", gtin.value) if gtin else ("00", sscc.value) if sscc else ("414", gln.value)
    return DigitalLink(key, value, found, gtin, lot, serial, sscc, gln, attributes=attributes or {})


def exactly(message: str) -> str:
    """A `pytest.raises(match=...)` pattern for the whole message and nothing else."""
    return f"^{re.escape(message)}$"


# --- building ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "link"),
    [
        # GS1 resolver test suite, resolver-testsuite/modelLinkset.json anchors
        (("https://id.gs1.org", "09506000164908"), "https://id.gs1.org/01/09506000164908"),
        (
            ("https://id.gs1.org", "09506000164908", None, "1234"),
            "https://id.gs1.org/01/09506000164908/21/1234",
        ),
        # the carton of the walkthrough: (01)…(10)LOT26A(21)00042
        (
            ("https://example.com/", Gtin.parse("8931234567897"), "LOT26A", "00042"),
            "https://example.com/01/08931234567897/10/LOT26A/21/00042",
        ),
        # GTIN-8 from biip.checksums' doctest, written as 14 digits; a path prefix kept
        (
            ("https://example.com/dl//", "95012346", "L1"),
            "https://example.com/dl/01/00000095012346/10/L1",
        ),
        # Set-82 marks that are not safe in a path segment are percent-encoded
        (
            ("https://example.com", "08931234567897", "A/B%C", "x+y?z"),
            "https://example.com/01/08931234567897/10/A%2FB%25C/21/x%2By%3Fz",
        ),
        (("", "08931234567897", '"<&>"'), "/01/08931234567897/10/%22%3C%26%3E%22"),
    ],
)
def test_digital_link(arguments: tuple, link: str) -> None:
    assert digital_link(*arguments) == link


def test_sscc_and_gln_links() -> None:
    # biip's Digital Link doc example SSCC; biip.gln's doctest GLN
    assert sscc_link("https://id.gs1.org/", "106141412345678908") == (
        "https://id.gs1.org/00/106141412345678908"
    )
    assert sscc_link("https://e.vn", Sscc.build(0, "8931234", 42)) == (
        "https://e.vn/00/089312340000000424"
    )
    assert gln_link("https://id.gs1.org", Gln.parse("1234567890128")) == (
        "https://id.gs1.org/414/1234567890128"
    )


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: digital_link("https://e.vn", "08931234567897", lot="ABC DEF"),
            'lot "ABC DEF": character " " is not allowed (GS1 character set 82)',
        ),
        (
            lambda: digital_link("https://e.vn", "08931234567897", serial=""),
            'serial "": should have 1 to 20 characters, found 0',
        ),
        (
            lambda: digital_link("https://e.vn", "08931234567896"),
            "GTIN 08931234567896: check digit should be 7",
        ),
        (
            lambda: digital_link("https://e.vn/?x=1", "08931234567897"),
            'base URL "https://e.vn/?x=1": should have no query or fragment, found "?x=1"',
        ),
        (
            lambda: sscc_link("https://e.vn", "12345"),
            "SSCC 12345: should have 18 digits, found 5",
        ),
        (
            lambda: gln_link("https://e.vn", "123"),
            "GLN 123: should have 13 digits, found 3",
        ),
    ],
)
def test_building_refuses(build, message: str) -> None:
    with pytest.raises(GS1Error, match=exactly(message)):
        build()


# --- parsing -----------------------------------------------------------------------

GTIN = Gtin("08931234567897")  # the demo season's GTIN (prefix 893, Viet Nam)


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        # GS1 resolver test suite, resolver-testsuite/modelLinkset.json
        (
            "https://id.gs1.org/01/09506000164908/21/1234",
            link(gtin=Gtin("09506000164908"), serial="1234"),
        ),
        # GS1 Resolver CE, resolver-ce-examples/data-entry_01_09506000134376.json anchor
        ("/01/09506000134376", link(gtin=Gtin("09506000134376"))),
        # biip's Digital Link doc examples: GTIN-12 with an attribute; SSCC with three
        (
            "https://id.gs1.org/01/614141123452?3103=000195",
            link(gtin=Gtin("00614141123452"), attributes={"3103": "000195"}),
        ),
        (
            "https://id.gs1.org/00/106141412345678908?02=00614141123452&37=25&10=ABC123",
            link(
                sscc=Sscc("106141412345678908"),
                attributes={"02": "00614141123452", "37": "25", "10": "ABC123"},
            ),
        ),
        # biip.gln doctest GLN
        ("https://id.gs1.org/414/1234567890128", link(gln=Gln("1234567890128"))),
        # A resolver under a path prefix, a GTIN-13, a trailing slash, a non-AI parameter
        (
            "https://example.com/dl/01/8931234567897/10/LOT26A/21/00042/"
            "?17=260731&linkType=gs1:traceability",
            link(gtin=GTIN, lot="LOT26A", serial="00042", attributes={"17": "260731"}),
        ),
        # Percent-decoding; in the path "+" is itself, in the query a space (as in
        # gs1/gs1-syntax-engine's URIunescape)
        (
            "01/95012346/10/A%2FB%25C/21/x+y",
            link(gtin=Gtin("00000095012346"), lot="A/B%C", serial="x+y"),
        ),
        (
            "/01/08931234567897?99=A%2BC+&linkType=all",
            None,  # "+" is a space there, and a space is not in set 82: refused below
        ),
        (
            "/01/08931234567897?99=A%2BC&linkType=all",
            link(gtin=GTIN, attributes={"99": "A+C"}),
        ),
        # A fragment and surrounding whitespace are ignored
        ("  https://e.vn/01/08931234567897/10/L1#top \n", link(gtin=GTIN, lot="L1")),
        # A path prefix that holds "01", "00" or "414": the first key whose
        # qualifiers read cleanly wins
        ("https://e.vn/01/414/01/08931234567897", link(gtin=GTIN)),
        ("https://e.vn/00/dl/01/08931234567897/10/00", link(gtin=GTIN, lot="00")),
        ("/01/08931234567897/10/01/21/414", link(gtin=GTIN, lot="01", serial="414")),
        # Every key qualifier of the syntax dictionary (dlpkey=22,10,21|235; 254|7040)
        ("/01/08931234567897/22/2A/10/B", link(gtin=GTIN, lot="B", q22="2A")),
        ("/01/08931234567897/235/TPX%2F1", link(gtin=GTIN, q235="TPX/1")),
        ("/414/1234567890128/254/32a%2Fb", link(gln=Gln("1234567890128"), q254="32a/b")),
        # A primary key trace does not print is read too (GS1 Resolver CE's GIAI example)
        (
            "https://id.gs1.org/8004/095060001343",
            DigitalLink(key="8004", value="095060001343"),
        ),
    ],
)
def test_parse_digital_link(uri: str, expected: DigitalLink | None) -> None:
    if expected is None:
        with pytest.raises(GS1Error, match="GS1 character set 82"):
            parse_digital_link(uri)
    else:
        assert parse_digital_link(uri) == expected


def _where(uri: str) -> str:
    return f'Digital Link "{uri}"'


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        # The syntax dictionary's dlpkey=22,10,21 for AI 01: qualifiers in that order
        (
            "/01/08931234567897/21/y/10/z",
            _where("/01/08931234567897/21/y/10/z")
            + ": qualifiers must be in the order 22 then 10 then 21, found 10 after 21",
        ),
        (
            "https://e.vn/01/",
            _where("https://e.vn/01/")
            + ": expected a primary key such as 01 (GTIN), 00 (SSCC) or 414 (GLN)"
            " followed by its value, found none",
        ),
        # Qualifiers of the two alternatives of dlpkey=22,10,21|235 are not mixed
        (
            "/01/08931234567897/22/A/235/B",
            _where("/01/08931234567897/22/A/235/B")
            + ": after 01 expected 10 (lot) or 21 (serial), found 235",
        ),
        (
            "/00/106141412345678908/10/ABC",
            _where("/00/106141412345678908/10/ABC") + ": after 00 expected no qualifier, found 10",
        ),
        (
            "/01/08931234567897/lot/ABC",
            _where("/01/08931234567897/lot/ABC")
            + ": after 01 expected 22 (CPV) or 10 (lot) or 21 (serial) or 235 (TPX),"
            ' found "lot"',
        ),
        (
            "/01/08931234567897/10",
            _where("/01/08931234567897/10") + ": expected a value after 10, found the end",
        ),
        (
            "/01/08931234567897/10/a/10/b",
            _where("/01/08931234567897/10/a/10/b") + ": qualifier 10 appears more than once",
        ),
        (
            "/01/08931234567897?17=260731&17=260801",
            _where("/01/08931234567897?17=260731&17=260801")
            + ": attribute 17 appears more than once",
        ),
        # The key, lot and serial are checked as everywhere else
        ("/01/08931234567896", "GTIN 08931234567896: check digit should be 7"),
        ("/00/12345", "SSCC 12345: should have 18 digits, found 5"),
        ("/414/1234567890127", "GLN 1234567890127: check digit should be 8"),
        (
            "/01/08931234567897/10/A%20B",
            'lot "A B": character " " is not allowed (GS1 character set 82)',
        ),
        (
            "/01/08931234567897/10//21/x",
            _where("/01/08931234567897/10//21/x") + ": empty path segment after 10",
        ),
        ("/01//08931234567897", _where("/01//08931234567897") + ": empty path segment after 01"),
        (
            "/01/08931234567897/21/" + "9" * 21,
            f'serial "{"9" * 21}": at most 20 characters, found 21',
        ),
    ],
)
def test_parse_digital_link_refuses(uri: str, message: str) -> None:
    with pytest.raises(GS1Error, match=exactly(message)):
        parse_digital_link(uri)


# --- laws --------------------------------------------------------------------------


@laws
@given(
    base_urls,
    gtins,
    st.none() | cset82_values,
    st.none() | cset82_values,
)
def test_digital_link_round_trips(
    base: str, gtin: Gtin, lot: str | None, serial: str | None
) -> None:
    uri = digital_link(base, gtin, lot=lot, serial=serial)
    assert parse_digital_link(uri) == link(gtin=gtin, lot=lot, serial=serial)


@laws
@given(base_urls, ssccs, glns)
def test_sscc_and_gln_links_round_trip(base: str, sscc: Sscc, gln: Gln) -> None:
    assert parse_digital_link(sscc_link(base, sscc)) == link(sscc=sscc)
    assert parse_digital_link(gln_link(base, gln)) == link(gln=gln)
