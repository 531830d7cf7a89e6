"""Hypothesis strategies for GS1 values, in one place for every `trace.gs1` law."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from trace.gs1 import Gln, Gtin, Sscc, check_digit
from trace.gs1.charset import CSET82

# Few examples and no example database: the suite stays fast and writes nothing
# outside tests/.
laws = settings(max_examples=60, database=None, suppress_health_check=[HealthCheck.too_slow])


def digits(size: int) -> st.SearchStrategy[str]:
    """Strings of exactly ``size`` ASCII digits, leading zeros included."""
    return st.text(alphabet="0123456789", min_size=size, max_size=size)


def with_check_digit(body: str) -> str:
    return body + check_digit(body)


# GTIN-8, -12, -13 or -14 as printed under a barcode.
gtin_texts = st.sampled_from([8, 12, 13, 14]).flatmap(
    lambda size: digits(size - 1).map(with_check_digit)
)
gtins = digits(13).map(lambda body: Gtin(with_check_digit(body)))
glns = digits(12).map(lambda body: Gln(with_check_digit(body)))

company_prefixes = st.integers(min_value=6, max_value=12).flatmap(digits)
# (extension digit, company prefix, serial reference that fits after the prefix)
sscc_parts = st.tuples(st.integers(min_value=0, max_value=9), company_prefixes).flatmap(
    lambda parts: st.tuples(
        st.just(parts[0]),
        st.just(parts[1]),
        st.integers(min_value=0, max_value=10 ** (16 - len(parts[1])) - 1),
    )
)
ssccs = sscc_parts.map(lambda parts: Sscc.build(*parts))

# Lots and serials: 1-20 characters of GS1 character set 82, punctuation included.
cset82_values = st.text(alphabet=sorted(CSET82), min_size=1, max_size=20)

base_urls = st.sampled_from(
    ["https://example.com", "https://example.com/", "https://id.example.vn/dl", ""]
)
