"""How trace names things in EPCIS, and one spelling of each name. PURE.

Identifiers (EPCIS 2.0 §6.4 and §7.3.2 allow any URI; GS1 keys as GS1 Digital Link URIs on the
canonical resolver `https://id.gs1.org`, GS1 Digital Link Standard §4):

- a lot with a GTIN: `https://id.gs1.org/01/{gtin}/10/{lot}` (an EPC class, in quantity lists);
- a lot without a GTIN (harvest lots, small growers): `{base}/id/lot/{code}`;
- a pallet: `https://id.gs1.org/00/{sscc}` (parentID of the palletising, epcList of shipping);
- a place with a GLN: `https://id.gs1.org/414/{gln}`; as a party (owning/possessing party of
  source and destination lists): `https://id.gs1.org/417/{gln}`; without a GLN:
  `{base}/id/location/{id}`;
- a business document (bill of lading, certificate): `{base}/id/doc/{type}/{number}`.

CBV values (bizStep, disposition) are read in any of their spellings and compared bare.

References: EPCIS 2.0 §8.2.7.1.1 (matching identifiers); CBV 2.0 §6.2, §7.2 bizStep, §7.3
disposition; GS1 Digital Link Standard §4; EPC Tag Data Standard 2.0 §6 (EPC URNs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit

from trace.gs1.epc import GS1_RESOLVER, digital_link_of, requote

from .epcis_lookup import Place

GS1 = GS1_RESOLVER

# CBV 2.0 §7.2/§7.3: the three spellings of a standard value (bare word, URN, Web URI).
_CBV_FORMS = {
    "bizStep": ("urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-"),
    "disposition": ("urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"),
}

# --- identifiers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """How trace names things in EPCIS: GS1 Digital Link URIs, or URIs of our own under
    `base_url` (TRACE_PUBLIC_BASE_URL) for what has no GS1 key.

    References:
        EPCIS 2.0 §6.4 (identifiers are URIs); GS1 Digital Link Standard §4.
    """

    base_url: str

    def lot(self, code: str, gtin: str | None) -> str:
        if gtin:
            return f"{GS1}/01/{gtin}/10/{quote(code, safe='')}"
        return f"{self.base_url}/id/lot/{quote(code, safe='')}"

    def pallet(self, sscc: str) -> str:
        return f"{GS1}/00/{sscc}"

    def location(self, place: Place | None, ident: int | None = None) -> str | None:
        if place is None:
            return None if ident is None else f"{self.base_url}/id/location/{ident}"
        if place.gln:
            return f"{GS1}/414/{place.gln}"
        return f"{self.base_url}/id/location/{place.id}"

    def party(self, place: Place | None, ident: int | None = None) -> str | None:
        """A party (owning or possessing): its party GLN (AI 417) when it has one."""
        if place is not None and place.gln:
            return f"{GS1}/417/{place.gln}"
        return self.location(place, ident)

    def document(self, kind: str, number: str) -> str:
        return f"{self.base_url}/id/doc/{quote(kind, safe='')}/{quote(number, safe='')}"

    def own(self, uri: str) -> tuple[str, str] | None:
        """`("lot", code)` or `("location", id)` for one of our own URIs, else None."""
        prefix = f"{self.base_url}/id/"
        if not uri.startswith(prefix):
            return None
        kind, _, rest = uri[len(prefix) :].partition("/")
        if kind in ("lot", "location") and rest and "/" not in rest:
            return kind, unquote(rest)
        return None


_GTIN_LENGTHS = (8, 12, 13, 14)
_DL_KEY = re.compile(r"/(01|00|414|417)/([0-9]+)((?:/[0-9]{2,4}/[^/?#]+)*)/?$")
# Already canonical: GS1's resolver, 14-digit GTIN, values of unreserved characters only.
_CANONICAL = re.compile(
    r"https://id\.gs1\.org/(?:01/\d{14}(?:/(?:10|21)/[A-Za-z0-9_.~-]+){0,2}|00/\d{18}|41[47]/\d{13})"
)


@lru_cache(maxsize=65536)  # documents name the same lots and places again and again
def canonical_id(uri: str) -> str:
    """One spelling per GS1 key: the Digital Link on `https://id.gs1.org`, from any resolver's
    Digital Link or from an EPC URN (read by `trace.gs1.epc`: `urn:epc:id:sgtin:…`, `urn:epc:class:lgtin:…`,
    `urn:epc:id:sscc:…`, `urn:epc:id:sgln:…`, `urn:epc:id:pgln:…`); a pattern
    (`urn:epc:idpat:sgtin:CP.IR.*`) becomes the Digital Link of what it ranges over, ending in
    `/*`. Anything else comes back as it was.

    References:
        EPC Tag Data Standard 2.0 §6 (EPC URIs, pattern URIs) and §7 (GS1 key ↔ EPC);
        GS1 Digital Link Standard §4.
    """
    if not isinstance(uri, str) or _CANONICAL.fullmatch(uri):
        return uri
    if uri.startswith("urn:epc:"):
        return digital_link_of(uri, GS1) or uri
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or parts.query or parts.fragment:
        return uri
    match = _DL_KEY.search(parts.path)
    if not match:
        return uri
    key, value, rest = match.groups()
    if key == "01" and len(value) in _GTIN_LENGTHS:
        value = value.zfill(14)
    elif not (key == "00" and len(value) == 18) and not (
        key in ("414", "417") and len(value) == 13
    ):
        return uri
    segments = rest.split("/")[1:]
    pairs = "".join(
        f"/{segments[i]}/{requote(segments[i + 1])}" for i in range(0, len(segments) - 1, 2)
    )
    return f"{GS1}/{key}/{value}{pairs}"


def id_matches(pattern: str, value: str) -> bool:
    """EPCIS MATCH_ semantics on canonical identifiers: equal, or `pattern` ends in `/*` (an
    EPC pattern) or names only a GTIN (`…/01/{gtin}`), and `value` is inside it.

    References:
        EPCIS 2.0 §8.2.7.1.1 (matching EPCs and EPC classes against patterns).
    """
    if pattern == value:
        return True
    if pattern.endswith("/*"):
        return value.startswith(pattern[:-1])
    if pattern.startswith(f"{GS1}/01/") and pattern.count("/") == 4:
        return value.startswith(pattern + "/")
    return False


def cbv_short(value: str | None, kind: str = "bizStep") -> str | None:
    """The bare CBV word of a standard bizStep or disposition in any of its spellings
    (`urn:epcglobal:cbv:bizstep:receiving`, `https://ref.gs1.org/cbv/BizStep-receiving`,
    `receiving`); a value of someone's own vocabulary comes back as it was.

    References: CBV 2.0 §6.2 (URN and Web URI forms), §7.2, §7.3.
    """
    if not value:
        return value
    for form in _CBV_FORMS[kind]:
        if value.startswith(form):
            return value[len(form) :]
    return value


# CBV 2.0 §7.3: the standard dispositions (what a bare word may be; anything else is a URI).
CBV_DISPOSITIONS = frozenset(
    {
        "active", "available", "completeness_inferred", "completeness_verified", "conformant",
        "container_closed", "container_open", "damaged", "destroyed", "dispensed", "disposed",
        "encoded", "expired", "in_progress", "in_transit", "inactive", "mismatch_class",
        "mismatch_instance", "mismatch_quantity", "needs_replacement", "no_pedigree_match",
        "non_conformant", "non_sellable_other", "partially_dispensed", "recalled", "reserved",
        "retail_sold", "returned", "sellable_accessible", "sellable_not_accessible", "stolen",
        "unavailable", "unknown",
    }
)  # fmt: skip

# EPCIS 2.0 §7.4.2: what an ObjectEvent, AggregationEvent, AssociationEvent or TransactionEvent
# did to the things it names.
ACTIONS = ("ADD", "OBSERVE", "DELETE")


def cbv_forms(value: str, kind: str = "bizStep") -> list[str]:
    """Every spelling of a CBV value (for a database IN clause)."""
    short = cbv_short(value, kind) or value
    if short != value or ":" not in value:
        return [short, *(f"{form}{short}" for form in _CBV_FORMS[kind])]
    return [value]
