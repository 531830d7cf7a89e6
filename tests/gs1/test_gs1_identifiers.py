"""GTIN, GLN, SSCC, check digits, lot and serial numbers.

Every vector says where it came from. Messages are pinned whole: they are what a
packer or an API client reads.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.gs1.gs1_strategies import (
    cset82_values,
    digits,
    gtin_texts,
    gtins,
    laws,
    sscc_parts,
    ssccs,
)
from trace.gs1 import Gln, GS1Error, Gtin, Sscc, check_digit, validate_lot, validate_serial
from trace.gs1.charset import CSET82


def exactly(message: str) -> str:
    """A `pytest.raises(match=...)` pattern for the whole message and nothing else."""
    return f"^{re.escape(message)}$"


# --- check digits ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("629104150021", "3"),  # GS1 check digit calculator example (GTIN-13 6291041500213)
        ("950110153100", "0"),  # biip.checksums doctest: GTIN-13 9501101531000
        ("9501234", "6"),  # biip.checksums doctest: GTIN-8 95012346
        ("0893123456789", "7"),  # the example GTIN 0893123456789x: 7, not 6
        ("0", "0"),  # the smallest body
        ("1", "7"),  # 1*3 = 3 → 7: the rightmost digit weighs 3
        ("10", "9"),  # 1*1 + 0*3 = 1 → 9: the next one weighs 1
    ],
)
def test_check_digit(body: str, expected: str) -> None:
    assert check_digit(body) == expected


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", 'check digit of "": should have at least 1 digit, found 0'),
        ("12a4", 'check digit of "12a4": character "a" is not allowed (digits 0-9 only)'),
        ("١٢", 'check digit of "١٢": character "١" is not allowed (digits 0-9 only)'),
    ],
)
def test_check_digit_refuses(body: str, message: str) -> None:
    with pytest.raises(GS1Error, match=exactly(message)):
        check_digit(body)


@laws
@given(st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_check_digit_is_mod_10_with_weights_3_1_from_the_right(body: str) -> None:
    # An independent statement of GS1 General Specifications section 7.9.1.
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    assert check_digit(body) == str(-total % 10)


# --- GTIN --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("95012346", "00000095012346"),  # biip.checksums doctest GTIN-8
        ("614141123452", "00614141123452"),  # GTIN-12 of biip's Digital Link doc examples
        ("9501101531000", "09501101531000"),  # biip.checksums doctest GTIN-13
        ("7032069804988", "07032069804988"),  # biip.gtin doctest GTIN-13
        ("6291041500213", "06291041500213"),  # GS1 check digit calculator example
        ("09506000164908", "09506000164908"),  # GS1 resolver test suite, modelLinkset.json
        ("8931234567897", "08931234567897"),  # the example GTIN with its check digit fixed
        (" 08931234567897\n", "08931234567897"),  # a scanner's trailing newline
    ],
)
def test_gtin_parse_normalises_to_14_digits(text: str, value: str) -> None:
    gtin = Gtin.parse(text)
    assert gtin == Gtin(value)
    assert str(gtin) == value
    assert gtin.as_hri() == f"(01){value}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # the example GTIN 08931234567896: its check digit is wrong.
        ("08931234567896", "GTIN 08931234567896: check digit should be 7"),
        ("08931234567895", "GTIN 08931234567895: check digit should be 7"),
        ("0893123", "GTIN 0893123: should have 8, 12, 13 or 14 digits, found 7"),
        ("089312345678971", "GTIN 089312345678971: should have 8, 12, 13 or 14 digits, found 15"),
        ("", 'GTIN "": should have 8, 12, 13 or 14 digits, found 0'),
        ("   ", 'GTIN "": should have 8, 12, 13 or 14 digits, found 0'),
        (
            "0893123456789A",
            'GTIN "0893123456789A": character "A" is not allowed (digits 0-9 only)',
        ),
        (
            "0893 1234 5678 97",
            'GTIN "0893 1234 5678 97": character " " is not allowed (digits 0-9 only)',
        ),
        # Fullwidth digits pass str.isdigit() but are not GS1 digits.
        (
            "８９３１２３４５",
            'GTIN "８９３１２３４５": character "８" is not allowed (digits 0-9 only)',
        ),
        (8931234567897, "GTIN 8931234567897: should be text, found int"),
    ],
)
def test_gtin_parse_refuses(text: str, message: str) -> None:
    with pytest.raises(GS1Error, match=exactly(message)):
        Gtin.parse(text)


def test_gtin_constructor_takes_only_the_14_digit_form() -> None:
    with pytest.raises(
        GS1Error, match=exactly("GTIN 8931234567897: should have 14 digits, found 13")
    ):
        Gtin("8931234567897")


def test_gs1_error_is_a_value_error() -> None:
    # Callers that only know ValueError (marshmallow validators, click) still catch it.
    with pytest.raises(ValueError):
        Gtin.parse("x")


@laws
@given(gtins)
def test_gtin_parse_of_str_is_identity(gtin: Gtin) -> None:
    assert Gtin.parse(str(gtin)) == gtin
    assert Gtin.parse(gtin.as_hri().removeprefix("(01)")) == gtin


@laws
@given(gtin_texts)
def test_short_gtins_equal_their_14_digit_form(text: str) -> None:
    assert Gtin.parse(text) == Gtin.parse(text.zfill(14))


@laws
@given(gtins, st.data())
def test_changing_one_gtin_digit_breaks_the_check(gtin: Gtin, data: st.DataObject) -> None:
    position = data.draw(st.integers(min_value=0, max_value=13), label="position")
    old = gtin.value[position]
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != old]), label="digit")
    changed = gtin.value[:position] + new + gtin.value[position + 1 :]
    with pytest.raises(GS1Error, match=f"^GTIN {changed}: check digit should be [0-9]$"):
        Gtin.parse(changed)


# --- GLN ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1234567890128",  # biip.gln doctest
        "8931234000011",  # hand-computed for the 893… prefix: a farm's location
    ],
)
def test_gln_parse(text: str) -> None:
    gln = Gln.parse(text)
    assert gln == Gln(text)
    assert str(gln) == text
    assert gln.as_hri() == f"(414){text}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("123", "GLN 123: should have 13 digits, found 3"),
        ("1234567890127", "GLN 1234567890127: check digit should be 8"),  # biip's, one off
        ("12345678901-8", 'GLN "12345678901-8": character "-" is not allowed (digits 0-9 only)'),
    ],
)
def test_gln_parse_refuses(text: str, message: str) -> None:
    with pytest.raises(GS1Error, match=exactly(message)):
        Gln.parse(text)


# --- SSCC --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "157035381410375177",  # biip.sscc doctest
        "106141412345678908",  # biip's Digital Link doc example /00/106141412345678908
        " 089312340000000424 ",  # hand-computed, the 893… prefix; spaces stripped
    ],
)
def test_sscc_parse(text: str) -> None:
    sscc = Sscc.parse(text)
    assert str(sscc) == text.strip()
    assert sscc.as_hri() == f"(00){text.strip()}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12345", "SSCC 12345: should have 18 digits, found 5"),
        ("157035381410375178", "SSCC 157035381410375178: check digit should be 7"),
        (
            "(00)157035381410375177",
            'SSCC "(00)157035381410375177": character "(" is not allowed (digits 0-9 only)',
        ),
    ],
)
def test_sscc_parse_refuses(text: str, message: str) -> None:
    with pytest.raises(GS1Error, match=exactly(message)):
        Sscc.parse(text)


@pytest.mark.parametrize(
    ("extension_digit", "company_prefix", "serial_reference", "value"),
    [
        (1, "5703538", 141037517, "157035381410375177"),  # biip.sscc doctest, taken apart
        (1, "0614141", 234567890, "106141412345678908"),  # biip's Digital Link doc example
        (0, "8931234", 42, "089312340000000424"),  # the 893… prefix, zero-padded
        (9, "893123", 0, "989312300000000001"),  # shortest prefix, serial 0
        (0, "893123456789", 9999, "089312345678999995"),  # longest prefix, largest serial
    ],
)
def test_sscc_build(
    extension_digit: int, company_prefix: str, serial_reference: int, value: str
) -> None:
    assert Sscc.build(extension_digit, company_prefix, serial_reference) == Sscc(value)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((10, "8931234", 1), "SSCC extension digit 10: should be a single digit 0-9"),
        ((-1, "8931234", 1), "SSCC extension digit -1: should be a single digit 0-9"),
        (("0", "8931234", 1), "SSCC extension digit '0': should be a single digit 0-9"),
        ((0, "89312", 1), "GS1 company prefix 89312: should have 6 to 12 digits, found 5"),
        (
            (0, "8931234567890", 1),
            "GS1 company prefix 8931234567890: should have 6 to 12 digits, found 13",
        ),
        (
            (0, "89312A", 1),
            'GS1 company prefix "89312A": character "A" is not allowed (digits 0-9 only)',
        ),
        ((0, "8931234", -1), "SSCC serial reference -1: should not be negative"),
        (
            (0, "8931234", 10**9),
            "SSCC serial reference 1000000000: should have at most 9 digits"
            " after the 7-digit company prefix 8931234, found 10",
        ),
        (
            (0, "893123456789", 10_000),
            "SSCC serial reference 10000: should have at most 4 digits"
            " after the 12-digit company prefix 893123456789, found 5",
        ),
        ((0, "8931234", "42"), "SSCC serial reference '42': should be an integer, found str"),
    ],
)
def test_sscc_build_refuses(arguments: tuple, message: str) -> None:
    with pytest.raises(GS1Error, match=exactly(message)):
        Sscc.build(*arguments)


@laws
@given(sscc_parts)
def test_sscc_build_always_parses_back(parts: tuple[int, str, int]) -> None:
    extension_digit, company_prefix, serial_reference = parts
    sscc = Sscc.build(extension_digit, company_prefix, serial_reference)
    assert Sscc.parse(str(sscc)) == sscc
    assert sscc.value[0] == str(extension_digit)
    assert sscc.value[1:].startswith(company_prefix)
    assert int(sscc.value[1 + len(company_prefix) : 17]) == serial_reference


@laws
@given(ssccs, st.data())
def test_changing_one_sscc_digit_breaks_the_check(sscc: Sscc, data: st.DataObject) -> None:
    position = data.draw(st.integers(min_value=0, max_value=17), label="position")
    old = sscc.value[position]
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != old]), label="digit")
    changed = sscc.value[:position] + new + sscc.value[position + 1 :]
    with pytest.raises(GS1Error, match=f"^SSCC {changed}: check digit should be [0-9]$"):
        Sscc.parse(changed)


@laws
@given(digits(17))
def test_any_17_digits_make_an_sscc_with_their_check_digit(body: str) -> None:
    assert str(Sscc.parse(body + check_digit(body))) == body + check_digit(body)


# --- lot and serial ----------------------------------------------------------------


def test_character_set_82_has_82_characters() -> None:
    # GS1 General Specifications figure 7.11-1: 10 digits, 52 letters, 20 marks.
    assert len(CSET82) == 82
    assert set("!\"%&'()*+,-./:;<=>?_") <= CSET82
    assert not set(" #$@[]^`{|}~\\\t") & CSET82


@pytest.mark.parametrize(
    "value",
    [
        "LOT26A",  # the example element string (10)LOT26A
        "00042",  # the example serial (21)00042: leading zeros kept
        "ABC123",  # biip's Digital Link doc example ?10=ABC123
        "lot26a",  # case is kept: a different lot from LOT26A
        "A" * 20,  # the longest allowed
        "!\"%&'()*+,-./:;<=>?_",  # every punctuation mark of set 82
    ],
)
def test_lot_and_serial_accept_set_82(value: str) -> None:
    assert validate_lot(value) == value
    assert validate_serial(value) == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ABC DEF", 'lot "ABC DEF": character " " is not allowed (GS1 character set 82)'),
        ("LÔ26", 'lot "LÔ26": character "Ô" is not allowed (GS1 character set 82)'),
        ("A\tB", 'lot "A\\tB": character "\\t" is not allowed (GS1 character set 82)'),
        ("#26", 'lot "#26": character "#" is not allowed (GS1 character set 82)'),
        ("A" * 21, f'lot "{"A" * 21}": at most 20 characters, found 21'),
        ("", 'lot "": should have 1 to 20 characters, found 0'),
        (None, "lot None: should be text, found NoneType"),
    ],
)
def test_lot_refuses(value: str, message: str) -> None:
    with pytest.raises(GS1Error, match=exactly(message)):
        validate_lot(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("SN 1", 'serial "SN 1": character " " is not allowed (GS1 character set 82)'),
        ("0" * 21, f'serial "{"0" * 21}": at most 20 characters, found 21'),
        ("", 'serial "": should have 1 to 20 characters, found 0'),
    ],
)
def test_serial_refuses(value: str, message: str) -> None:
    with pytest.raises(GS1Error, match=exactly(message)):
        validate_serial(value)


def test_a_long_input_is_cut_in_the_message() -> None:
    with pytest.raises(
        GS1Error, match=exactly(f'lot "{"A" * 47}…": at most 20 characters, found 500')
    ):
        validate_lot("A" * 500)


@laws
@given(cset82_values)
def test_every_set_82_value_of_1_to_20_characters_is_a_lot(value: str) -> None:
    assert validate_lot(value) == value
    assert validate_serial(value) == value


def test_an_sscc_keeps_its_parts_where_its_prefix_is_known() -> None:
    built = Sscc.build(0, "8931234", 42)
    assert (built.extension_digit, built.company_prefix, built.serial_reference) == (
        0,
        "8931234",
        "000000042",
    )
    assert built.check_digit == "4"
    read = Sscc.parse("089312340000000424")
    assert read == built and read.company_prefix is None  # 18 digits alone do not say it
    told = read.with_prefix("8931234")
    assert told is not None and told.serial_reference == "000000042"
    assert read.with_prefix("8931299") is None


def test_a_gtin_and_a_gln_are_built_from_a_company_prefix() -> None:
    assert Gtin.build("8931234", 56789) == Gtin("08931234567897")
    assert Gtin.build("8931234", 56789, indicator=1).value == "18931234567894"
    assert Gln.build("8931234", 1) == Gln("8931234000011")
    with pytest.raises(
        GS1Error, match=exactly("GTIN indicator digit 10: should be a single digit 0-9")
    ):
        Gtin.build("8931234", 1, indicator=10)
    with pytest.raises(GS1Error, match="GLN location reference 100000: should have at most 5"):
        Gln.build("8931234", 100_000)
