"""GS1 identification keys: GTIN, GLN and SSCC as small frozen values.

Each key is a dataclass holding its canonical digits. ``parse()`` checks, in this
order, that the input is made of digits, has an allowed length and ends in the right
check digit; the constructor checks the same for the canonical form, so a `Gtin`,
`Gln` or `Sscc` that exists is valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Self

from biip.checksums import gs1_standard_check_digit

from .errors import GS1Error, require_digits, require_length, require_text, shown

GTIN_LENGTHS = (8, 12, 13, 14)
GLN_LENGTH = 13
SSCC_LENGTH = 18
COMPANY_PREFIX_LENGTHS = range(6, 13)


def check_digit(body: str) -> str:
    """Compute the GS1 mod-10 check digit of a string of digits.

    From the right, digits are weighted 3, 1, 3, 1, …; the check digit brings the
    weighted sum up to a multiple of ten. The arithmetic is biip's.

    Args:
        body: The digits before the check digit, e.g. ``"629104150021"``.

    Returns:
        The check digit as a one-character string, e.g. ``"3"``.

    Raises:
        GS1Error: If ``body`` is empty or holds a character other than 0-9.

    References:
        GS1 General Specifications, section 7.9.1 (standard check digit calculation).
    """
    require_digits("check digit of", body)
    if not body:
        raise GS1Error(
            'check digit of "": should have at least 1 digit, found 0',
            kind="gs1.empty",
            key="check digit",
        )
    return str(gs1_standard_check_digit(body))


def _validate(name: str, text: str, lengths: tuple[int, ...]) -> str:
    """Check digits, then length, then check digit; return ``text`` unchanged."""
    require_digits(name, text)
    expected = _or_list(lengths)
    said = f"{shown(text)}: should have {expected} digits"
    require_length(name, text, lengths, expected, said, most=False)
    expected_check = check_digit(text[:-1])
    if text[-1] != expected_check:
        raise GS1Error(
            f"{name} {text}: check digit should be {expected_check}",
            kind="gs1.check_digit",
            key=name,
            value=text,
            expected=expected_check,
        )
    return text


def _or_list(numbers: tuple[int, ...]) -> str:
    """Spell ``(8, 12, 13, 14)`` as ``"8, 12, 13 or 14"``."""
    words = [str(number) for number in numbers]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _stripped(name: str, text: object) -> str:
    """Strip surrounding whitespace from scanned or typed input."""
    return require_text(name, text).strip()


def _digit(name: str, value: object) -> str:
    """A key's lead digit (an SSCC's extension digit, a GTIN-14's indicator): 0-9."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 9:
        raise GS1Error(
            f"{name} {value!r}: should be a single digit 0-9", kind="gs1.sscc_part", key=name
        )
    return str(value)


def _assemble(name: str, lead: str, company_prefix: str, reference: tuple[str, object]) -> str:
    """The digits of a key of ``name`` (SSCC, GTIN, GLN) built from its parts, check digit
    appended: the lead digit (``""`` if the key has none), the GS1 company prefix (6 to 12
    digits), and the reference (its name, its number) zero-padded to fill the rest."""
    require_digits("GS1 company prefix", company_prefix)
    if len(company_prefix) not in COMPANY_PREFIX_LENGTHS:
        raise GS1Error(
            f"GS1 company prefix {shown(company_prefix)}: should have 6 to 12"
            f" digits, found {len(company_prefix)}",
            kind="gs1.sscc_part",
            key="GS1 company prefix",
        )
    what = f"{name} {reference[0]}"
    number = reference[1]
    if not isinstance(number, int) or isinstance(number, bool):
        raise GS1Error(
            f"{what} {number!r}: should be an integer, found {type(number).__name__}",
            kind="gs1.sscc_part",
            key=what,
        )
    if number < 0:
        raise GS1Error(f"{what} {number}: should not be negative", kind="gs1.sscc_part", key=what)
    width = _LENGTHS[name] - 1 - len(lead) - len(company_prefix)
    digits = str(number)
    if len(digits) > width:
        raise GS1Error(
            f"{what} {digits}: should have at most {width} digits after the"
            f" {len(company_prefix)}-digit company prefix {company_prefix}, found {len(digits)}",
            kind="gs1.sscc_part",
            key=what,
        )
    body = f"{lead}{company_prefix}{digits.zfill(width)}"
    return body + check_digit(body)


@dataclass(frozen=True)
class _Key:
    """A GS1 key held as its canonical digits; `parse` reads it as scanned or typed."""

    NAME: ClassVar[str]
    AI: ClassVar[str]
    LENGTHS: ClassVar[tuple[int, ...]]

    value: str

    def __post_init__(self) -> None:
        _validate(self.NAME, self.value, (_LENGTHS[self.NAME],))

    @classmethod
    def parse(cls, text: str) -> Self:
        """Read the key's digits (surrounding whitespace ignored), normalised to its length.

        Raises:
            GS1Error: If ``text`` has a non-digit, a length the key does not have, or a
                wrong check digit.
        """
        text = _validate(cls.NAME, _stripped(cls.NAME, text), cls.LENGTHS)
        return cls(text.zfill(_LENGTHS[cls.NAME]))

    def __str__(self) -> str:
        return self.value

    def as_hri(self) -> str:
        """The human readable interpretation, e.g. ``"(01)08931234567897"``.

        References:
            GS1 General Specifications, section 4.15 (human readable interpretation).
        """
        return f"({self.AI}){self.value}"


@dataclass(frozen=True)
class Gtin(_Key):
    """A Global Trade Item Number, always held as 14 digits (GTIN-14 form).

    ``Gtin.parse`` reads a GTIN-8, -12, -13 or -14: ``Gtin.parse("8931234567897")`` is
    ``Gtin(value="08931234567897")``.

    References:
        GS1 General Specifications, section 3.3.2 (AI 01) and figure 3.3.2-1
        (GTIN-8/12/13 right-justified in 14 digits); check digit in section 7.9.1.
    """

    NAME: ClassVar[str] = "GTIN"
    AI: ClassVar[str] = "01"
    LENGTHS: ClassVar[tuple[int, ...]] = GTIN_LENGTHS

    @classmethod
    def build(cls, company_prefix: str, item_reference: int, indicator: int = 0) -> Gtin:
        """A GTIN-13 (indicator 0) or GTIN-14 from a company prefix and an item reference:
        ``Gtin.build("8931234", 56789)`` is ``Gtin(value="08931234567897")``.

        References:
            GS1 General Specifications, figure 3.3.2-1 (GTIN-13, GTIN-14 formats).
        """
        lead = _digit("GTIN indicator digit", indicator)
        return cls(_assemble("GTIN", lead, company_prefix, ("item reference", item_reference)))


@dataclass(frozen=True)
class Gln(_Key):
    """A Global Location Number: 13 digits naming a party or a place (a farm, a shed).

    References:
        GS1 General Specifications, section 3.7.9 (AI 414, physical location);
        check digit in section 7.9.1.
    """

    NAME: ClassVar[str] = "GLN"
    AI: ClassVar[str] = "414"
    LENGTHS: ClassVar[tuple[int, ...]] = (GLN_LENGTH,)

    @classmethod
    def build(cls, company_prefix: str, location_reference: int) -> Gln:
        """A GLN from a company prefix and a location reference:
        ``Gln.build("8931234", 1)`` is ``Gln(value="8931234000011")``.

        References:
            GS1 General Specifications, figure 3.7.9-1 (GLN format).
        """
        return cls(_assemble("GLN", "", company_prefix, ("location reference", location_reference)))


@dataclass(frozen=True)
class Sscc(_Key):
    """A Serial Shipping Container Code: 18 digits naming one logistic unit (a pallet).

    The digits are an extension digit, a GS1 company prefix, a serial reference and a check
    digit. Where the prefix is known (built by `build`, or told by `with_prefix`), the SSCC
    keeps its length and gives its parts; two SSCCs of the same digits are equal either way.

    References:
        GS1 General Specifications, section 3.3.1 (AI 00) and figure 3.3.1-1;
        check digit in section 7.9.1.
    """

    NAME: ClassVar[str] = "SSCC"
    AI: ClassVar[str] = "00"
    LENGTHS: ClassVar[tuple[int, ...]] = (SSCC_LENGTH,)

    prefix_length: int | None = field(default=None, compare=False)

    @classmethod
    def build(cls, extension_digit: int, company_prefix: str, serial_reference: int) -> Sscc:
        """Assemble an SSCC and append its check digit.

        The serial reference is zero-padded so that the company prefix and it fill 16 digits;
        with the extension digit that makes the 17 digits before the check digit.
        ``Sscc.build(0, "8931234", 42)`` is ``Sscc(value="089312340000000424")``.

        Raises:
            GS1Error: If the extension digit is not 0-9, the prefix is not 6 to 12
                digits, or the serial reference is negative or does not fit.

        References:
            GS1 General Specifications, section 3.3.1 and figure 3.3.1-1.
        """
        lead = _digit("SSCC extension digit", extension_digit)
        reference = ("serial reference", serial_reference)
        return cls(_assemble("SSCC", lead, company_prefix, reference), len(company_prefix))

    def with_prefix(self, company_prefix: str | None) -> Sscc | None:
        """This SSCC with its company prefix known, if it has that prefix (else None)."""
        if company_prefix and self.value[1:].startswith(company_prefix):
            return Sscc(self.value, len(company_prefix))
        return None

    @property
    def extension_digit(self) -> int:
        return int(self.value[0])

    @property
    def company_prefix(self) -> str | None:
        return self.value[1 : 1 + self.prefix_length] if self.prefix_length else None

    @property
    def serial_reference(self) -> str | None:
        return self.value[1 + self.prefix_length : 17] if self.prefix_length else None

    @property
    def check_digit(self) -> str:
        return self.value[17]


_LENGTHS = {"GTIN": 14, "GLN": GLN_LENGTH, "SSCC": SSCC_LENGTH}
