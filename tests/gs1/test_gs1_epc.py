"""EPC URIs read as the Digital Links of the same GS1 keys (`trace.gs1.epc`)."""

from __future__ import annotations

import pytest

from trace.gs1 import parse_digital_link
from trace.gs1.epc import digital_link_of


@pytest.mark.parametrize(
    ("urn", "link"),
    [
        # EPC Tag Data Standard 2.0 §6.3's examples and their GS1 keys
        ("urn:epc:id:sgtin:0614141.107346.2017", "https://id.gs1.org/01/10614141073464/21/2017"),
        ("urn:epc:class:lgtin:4012345.012345.998877", "https://id.gs1.org/01/04012345123456/10/998877"),
        ("urn:epc:id:sscc:0614141.1234567890", "https://id.gs1.org/00/106141412345678908"),
        ("urn:epc:id:sgln:0614141.12345.400", "https://id.gs1.org/414/0614141123452/254/400"),
        ("urn:epc:id:sgln:0614141.12345.0", "https://id.gs1.org/414/0614141123452"),
        ("urn:epc:id:pgln:0614141.12345", "https://id.gs1.org/417/0614141123452"),
        ("urn:epc:idpat:sgtin:0614141.107346.*", "https://id.gs1.org/01/10614141073464/21/*"),
        # a serial with a reserved character is percent-encoded once
        ("urn:epc:id:sgtin:8931234.056789.A%2FB", "https://id.gs1.org/01/08931234567897/21/A%2FB"),
    ],
)  # fmt: skip
def test_an_epc_uri_becomes_the_digital_link_of_its_key(urn, link):
    assert digital_link_of(urn) == link


def test_the_links_parse_as_digital_links_with_a_valid_check_digit():
    parsed = parse_digital_link(digital_link_of("urn:epc:id:sscc:8931234.0000000001"))
    # parse_digital_link raises GS1Error on a wrong check digit: parsing is the check
    assert parsed.key == "00" and parsed.value[:17] == "08931234000000001"


@pytest.mark.parametrize(
    "text",
    [
        "urn:epc:id:sgtin:0614141.10734.2017",  # 12 digits where a GTIN needs 13
        "urn:epc:id:sscc:0614141.12345X7890",  # a letter in an SSCC
        "urn:epc:id:sgln:0614141.12345",  # an SGLN without its extension
        "urn:epc:id:grai:0614141.12345.400",  # a key trace does not read
        "urn:epcglobal:cbv:bt:0614141073467:1152",  # a CBV business transaction, no EPC
        "https://id.gs1.org/01/10614141073464",  # already a Digital Link
    ],
)
def test_what_is_no_epc_uri_of_a_key_it_reads_gives_none(text):
    assert digital_link_of(text) is None


def test_another_resolver_may_be_named():
    assert digital_link_of("urn:epc:id:pgln:0614141.12345", "https://trace.example.vn") == (
        "https://trace.example.vn/417/0614141123452"
    )
