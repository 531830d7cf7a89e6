"""GS1 identification keys: GTIN, GLN and SSCC as small frozen values.

Each key is a dataclass holding its canonical digits. ``parse()`` checks, in this
order, that the input is made of digits, has an allowed length and ends in the right
check digit; the constructor checks the same for the canonical form, so a `Gtin`,
`Gln` or `Sscc` that exists is valid.
"""

from __future__ import annotations

from dataclasses import dataclass

from biip.checksums import gs1_standard_check_digit

from .errors import GS1Error, require_digits, shown

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
    if len(text) not in lengths:
        expected = _or_list(lengths)
        raise GS1Error(
            f"{name} {shown(text)}: should have {expected} digits, found {len(text)}",
            kind="gs1.length",
            key=name,
            value=text,
            expected=expected,
            found=len(text),
        )
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
    if not isinstance(text, str):
        raise GS1Error(
            f"{name} {text!r}: should be text, found {type(text).__name__}",
            kind="gs1.not_text",
            key=name,
        )
    return text.strip()


@dataclass(frozen=True)
class Gtin:
    """A Global Trade Item Number, always held as 14 digits (GTIN-14 form).

    Attributes:
        value: The 14 digits, GTIN-8/12/13 padded with leading zeros.

    References:
        GS1 General Specifications, section 3.3.2 (AI 01) and figure 3.3.2-1
        (GTIN-8/12/13 right-justified in 14 digits); check digit in section 7.9.1.
    """

    value: str

    def __post_init__(self) -> None:
        _validate("GTIN", self.value, (14,))

    @classmethod
    def parse(cls, text: str) -> Gtin:
        """Read a GTIN-8, -12, -13 or -14 and normalise it to 14 digits.

        Args:
            text: The digits as scanned or typed; surrounding whitespace is ignored.

        Returns:
            The GTIN, e.g. ``Gtin(value="08931234567897")`` for ``"8931234567897"``.

        Raises:
            GS1Error: If ``text`` has a non-digit, a length other than 8, 12, 13 or
                14, or a wrong check digit.

        References:
            GS1 General Specifications, section 3.3.2.
        """
        text = _validate("GTIN", _stripped("GTIN", text), GTIN_LENGTHS)
        return cls(text.zfill(14))

    def __str__(self) -> str:
        return self.value

    def as_hri(self) -> str:
        """Return the human readable interpretation, e.g. ``"(01)08931234567897"``.

        References:
            GS1 General Specifications, section 4.15 (human readable interpretation).
        """
        return f"(01){self.value}"


@dataclass(frozen=True)
class Gln:
    """A Global Location Number: 13 digits naming a party or a place (a farm, a shed).

    Attributes:
        value: The 13 digits.

    References:
        GS1 General Specifications, section 3.7.9 (AI 414, physical location);
        check digit in section 7.9.1.
    """

    value: str

    def __post_init__(self) -> None:
        _validate("GLN", self.value, (GLN_LENGTH,))

    @classmethod
    def parse(cls, text: str) -> Gln:
        """Read a GLN of 13 digits.

        Args:
            text: The digits as scanned or typed; surrounding whitespace is ignored.

        Returns:
            The GLN.

        Raises:
            GS1Error: If ``text`` has a non-digit, is not 13 digits long, or has a
                wrong check digit.

        References:
            GS1 General Specifications, section 3.7.9.
        """
        return cls(_validate("GLN", _stripped("GLN", text), (GLN_LENGTH,)))

    def __str__(self) -> str:
        return self.value

    def as_hri(self) -> str:
        """Return the human readable interpretation, e.g. ``"(414)8931234000011"``.

        References:
            GS1 General Specifications, section 4.15 (human readable interpretation).
        """
        return f"(414){self.value}"


@dataclass(frozen=True)
class Sscc:
    """A Serial Shipping Container Code: 18 digits naming one logistic unit (a pallet).

    The digits are an extension digit, a GS1 company prefix, a serial reference
    and a check digit.

    Attributes:
        value: The 18 digits.

    References:
        GS1 General Specifications, section 3.3.1 (AI 00) and figure 3.3.1-1;
        check digit in section 7.9.1.
    """

    value: str

    def __post_init__(self) -> None:
        _validate("SSCC", self.value, (SSCC_LENGTH,))

    @classmethod
    def parse(cls, text: str) -> Sscc:
        """Read an SSCC of 18 digits.

        Args:
            text: The digits as scanned or typed; surrounding whitespace is ignored.

        Returns:
            The SSCC.

        Raises:
            GS1Error: If ``text`` has a non-digit, is not 18 digits long, or has a
                wrong check digit.

        References:
            GS1 General Specifications, section 3.3.1.
        """
        return cls(_validate("SSCC", _stripped("SSCC", text), (SSCC_LENGTH,)))

    @classmethod
    def build(cls, extension_digit: int, company_prefix: str, serial_reference: int) -> Sscc:
        """Assemble an SSCC and append its check digit.

        The serial reference is zero-padded so that the company prefix and it fill
        16 digits; with the extension digit that makes the 17 digits before the
        check digit.

        Args:
            extension_digit: 0-9, chosen by the company to widen its capacity.
            company_prefix: The GS1 company prefix, 6 to 12 digits (e.g. ``"8931234"``).
            serial_reference: A non-negative number, allocated once per logistic unit.

        Returns:
            The SSCC, e.g. ``Sscc.build(0, "8931234", 42)`` is
            ``Sscc(value="089312340000000424")``.

        Raises:
            GS1Error: If the extension digit is not 0-9, the prefix is not 6 to 12
                digits, or the serial reference is negative or does not fit.

        References:
            GS1 General Specifications, section 3.3.1 and figure 3.3.1-1.
        """
        if (
            not isinstance(extension_digit, int)
            or isinstance(extension_digit, bool)
            or not 0 <= extension_digit <= 9
        ):
            raise GS1Error(
                f"SSCC extension digit {extension_digit!r}: should be a single digit 0-9",
                kind="gs1.sscc_part",
                key="SSCC extension digit",
            )
        require_digits("GS1 company prefix", company_prefix)
        if len(company_prefix) not in COMPANY_PREFIX_LENGTHS:
            raise GS1Error(
                f"GS1 company prefix {shown(company_prefix)}: should have 6 to 12"
                f" digits, found {len(company_prefix)}",
                kind="gs1.sscc_part",
                key="GS1 company prefix",
            )
        if not isinstance(serial_reference, int) or isinstance(serial_reference, bool):
            raise GS1Error(
                f"SSCC serial reference {serial_reference!r}: should be an integer,"
                f" found {type(serial_reference).__name__}",
                kind="gs1.sscc_part",
                key="SSCC serial reference",
            )
        if serial_reference < 0:
            raise GS1Error(
                f"SSCC serial reference {serial_reference}: should not be negative",
                kind="gs1.sscc_part",
                key="SSCC serial reference",
            )
        width = SSCC_LENGTH - 2 - len(company_prefix)
        digits = str(serial_reference)
        if len(digits) > width:
            raise GS1Error(
                f"SSCC serial reference {digits}: should have at most {width} digits"
                f" after the {len(company_prefix)}-digit company prefix"
                f" {company_prefix}, found {len(digits)}",
                kind="gs1.sscc_part",
                key="SSCC serial reference",
            )
        body = f"{extension_digit}{company_prefix}{digits.zfill(width)}"
        return cls(body + check_digit(body))

    def __str__(self) -> str:
        return self.value

    def as_hri(self) -> str:
        """Return the human readable interpretation, e.g. ``"(00)089312340000000424"``.

        References:
            GS1 General Specifications, section 4.15 (human readable interpretation).
        """
        return f"(00){self.value}"
