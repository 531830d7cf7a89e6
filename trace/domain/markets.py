"""What each export market asks of a shipment, as data: one `Market` profile per market.

PURE: the standard library only. Rules (trace/services), labels (trace/labels/content.py),
the staff pages' previews, the public page's languages and the demo all read the profiles
here; nothing else spells out what a market needs. The vocabularies a profile draws on
(location kinds, treatments, conveyances) are defined once here too.

A market is added by writing its profile and calling `register` (docs/markets.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .errors import Invalid

# --- Vocabularies: one definition each ---------------------------------------------------


def N_(word: str) -> str:
    """Mark an English word for `make translations`: the pages translate it when shown."""
    return word


# Each code with its English word; labels print the word, the staff and public pages show it
# in the reader's language (both catalogues extract the words from here).
LOCATION_KINDS = MappingProxyType(
    {
        "orchard": N_("Orchard"),
        "packing_house": N_("Packing house"),
        "treatment_facility": N_("Treatment facility"),
        "exporter": N_("Exporter"),
        "importer": N_("Importer"),
        "port": N_("Port"),
        "cold_store": N_("Cold store"),
    }
)

# One canonical code per treatment.
TREATMENTS = MappingProxyType(
    {
        "fumigation": N_("fumigation"),
        "vapour_heat": N_("vapour heat treatment"),
        "irradiation": N_("irradiation"),
        "hot_water": N_("hot water treatment"),
        "cold_treatment": N_("cold treatment"),
    }
)

# A vehicle's plate as painted: Vietnamese (34C-123.45; a trailer 34R-012.34) or Chinese (桂F12345).
PLATE_PATTERN = r"^([0-9]{2}[A-Z][A-Z0-9]?-[0-9]{3}\.?[0-9]{2}|[\u4e00-\u9fff][A-Z][A-Z0-9]{5,6})$"

# How a consignment leaves Vietnam: by sea container, by air, or by road truck through a border gate.
CONVEYANCE_MODES = ("sea", "air", "road")

# The official code each kind of location holds per market (PUC: production unit code, the
# growing area; PHC: packing-house code; TFC: treatment-facility code).
CODE_SCHEMES = MappingProxyType(
    {"orchard": "PUC", "packing_house": "PHC", "treatment_facility": "TFC"}
)

# Vietnam's Plant Protection Department (Cục Bảo vệ thực vật) issues the export codes of most
# markets; China registers growing areas and packing houses itself (GACC).
PPD = "Cục Bảo vệ thực vật"
GACC = "GACC"
# The scheme of GACC's registration numbers of growing areas and packing houses (beside the
# PUC and PHC the same places hold for other markets).
GACC_SCHEME = "GACC"

# The member states of the European Union (ISO 3166-1 alpha-2), where an EU consignee may be.
EU_COUNTRIES = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip

# The official language of each EU member state, for a label in the consignee's language.
EU_LANGUAGES = MappingProxyType(
    {
        "AT": "de", "BE": "nl", "BG": "bg", "CY": "el", "CZ": "cs", "DE": "de", "DK": "da",
        "EE": "et", "ES": "es", "FI": "fi", "FR": "fr", "GR": "el", "HR": "hr", "HU": "hu",
        "IE": "en", "IT": "it", "LT": "lt", "LU": "fr", "LV": "lv", "MT": "mt", "NL": "nl",
        "PL": "pl", "PT": "pt", "RO": "ro", "SE": "sv", "SI": "sl", "SK": "sk",
    }
)  # fmt: skip

# A label language that stands for "the consignee's language" (EU_LANGUAGES or the profile's).
CONSIGNEE = "consignee"

_CODE = re.compile(r"^[A-Z]{2}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class ProfileError(ValueError):
    """A market profile that contradicts itself or the vocabularies (raised at registration)."""


@dataclass(frozen=True)
class BorderGate:
    """A road border gate: how the API names it, its Vietnamese name, the port facing it across
    the border in the market's language (what a Chinese reader knows it by), its province.

    Example: ``BorderGate("huu_nghi", "Hữu Nghị", "友谊关", "Lạng Sơn")``.
    """

    code: str
    name: str
    facing: str
    province: str


@dataclass(frozen=True)
class Conveyance:
    """A way a consignment travels to the market.

    Attributes:
        mode: ``"sea"`` (container), ``"air"`` or ``"road"`` (truck).
        border_gates: For road: the border gates it may cross.
    """

    mode: str
    border_gates: tuple[BorderGate, ...] = ()


@dataclass(frozen=True)
class RequiredCode:
    """An official code every place of one kind in the chain must hold, active, for the market.

    Attributes:
        kind: The location kind, e.g. ``"orchard"``.
        scheme: The code's scheme, e.g. ``"PUC"``.
        issuer: Who issues it, e.g. Vietnam's Plant Protection Department or China's GACC.
        title: What a label calls it, e.g. ``"Growing area"``.
    """

    kind: str
    scheme: str
    issuer: str
    title: str


def _codes(issuer: str, *kinds: str) -> tuple[RequiredCode, ...]:
    titles = {"orchard": "Growing area", "packing_house": "PHC", "treatment_facility": "Treatment"}
    return tuple(RequiredCode(k, CODE_SCHEMES[k], issuer, titles[k]) for k in kinds)


@dataclass(frozen=True)
class Market:
    """One export market's profile: what its labels, codes, treatments and consignees must be.

    Attributes:
        code: Two capital letters, e.g. ``"JP"`` (``"EU"`` for the European Union).
        name: The market's name in English.
        label_languages: The languages of the product name printed after the Vietnamese one,
            in order; `CONSIGNEE` stands for the consignee's language.
        page_languages: The languages the public page of its cartons offers, first preferred.
        origin: The origin line of its carton labels.
        label_lines: Other lines its carton labels carry, formatted with ``{packer}`` (the
            packing house's name and address) and ``{commodity}``.
        stamps: Lines its regulators require printed as stamps (e.g. Florida's, for the US).
        voice_pick: True when its cartons carry the PTI voice pick code (US retail).
        codes: The official codes the chain must hold (`RequiredCode`).
        treatments: Per commodity it accepts: the treatments of which the lot needs one;
            an empty tuple: the commodity goes untreated.
        consignee_countries: Where its consignees must be (ISO 3166-1 alpha-2).
        consignee_languages: For `CONSIGNEE` labels: a consignee country's language.
        conveyances: How consignments travel there.
    """

    code: str
    name: str
    label_languages: tuple[str, ...]
    page_languages: tuple[str, ...]
    codes: tuple[RequiredCode, ...]
    treatments: Mapping[str, tuple[str, ...]]
    consignee_countries: tuple[str, ...]
    conveyances: tuple[Conveyance, ...]
    origin: str = "Product of Vietnam"
    label_lines: tuple[str, ...] = ()
    stamps: tuple[str, ...] = ()
    voice_pick: bool = False
    consignee_languages: Mapping[str, str] = field(default_factory=dict)

    @property
    def commodities(self) -> tuple[str, ...]:
        return tuple(self.treatments)

    @property
    def border_gates(self) -> tuple[str, ...]:
        """The border gates' Vietnamese names."""
        return tuple(g.name for g in self.gates)

    @property
    def gates(self) -> tuple[BorderGate, ...]:
        return tuple(g for c in self.conveyances for g in c.border_gates)

    def gate(self, code: str | None) -> BorderGate | None:
        """The border gate `code` (``"huu_nghi"``) of this market, or None."""
        return next((g for g in self.gates if g.code == code), None)

    def scheme_for(self, kind: str) -> RequiredCode | None:
        """The code a place of `kind` must hold for this market, or None."""
        return next((c for c in self.codes if c.kind == kind), None)

    def label_names(self, consignee_country: str | None = None) -> tuple[str, ...]:
        """The label languages with `CONSIGNEE` resolved (dropped when it is not known)."""
        found = self.consignee_languages.get(consignee_country or "")
        chosen = (found if lang == CONSIGNEE else lang for lang in self.label_languages)
        return tuple(dict.fromkeys(lang for lang in chosen if lang))


def validate(market: Market) -> Market:
    """Check a profile against the vocabularies; return it, or raise `ProfileError`."""
    problems = []
    if not _CODE.match(market.code):
        problems.append(f"code {market.code!r} should be two capital letters")
    for lang in (*market.label_languages, *market.page_languages):
        if lang != CONSIGNEE and not _LANGUAGE.match(lang):
            problems.append(f"language {lang!r} is not a BCP 47 tag such as 'ja' or 'zh-Hans'")
    if not market.page_languages:
        problems.append("page_languages should name at least one language")
    for code in market.codes:
        if code.scheme not in (CODE_SCHEMES.get(code.kind), GACC_SCHEME):
            problems.append(f"a {code.kind} holds no {code.scheme} (known: {dict(CODE_SCHEMES)})")
    for commodity, methods in market.treatments.items():
        for method in set(methods) - set(TREATMENTS):
            problems.append(f"{commodity}: treatment {method!r} is not one of {list(TREATMENTS)}")
    for country in market.consignee_countries:
        if not _CODE.match(country):
            problems.append(f"consignee country {country!r} should be two capital letters")
    if not market.consignee_countries:
        problems.append("consignee_countries should name at least one country")
    for conveyance in market.conveyances:
        if conveyance.mode not in CONVEYANCE_MODES:
            problems.append(f"conveyance {conveyance.mode!r} is not one of {CONVEYANCE_MODES}")
        if conveyance.mode == "road" and not conveyance.border_gates:
            problems.append("a road conveyance should name its border gates")
    if not market.conveyances:
        problems.append("conveyances should name at least one way to travel")
    if problems:
        raise ProfileError(f"market profile {market.code}: " + "; ".join(problems))
    return market


_REGISTRY: dict[str, Market] = {}


def register(market: Market) -> Market:
    """Validate a profile and make it known (replacing one of the same code)."""
    _REGISTRY[market.code] = validate(market)
    return market


def unregister(code: str) -> None:
    """Forget a profile (a market added for a trial)."""
    _REGISTRY.pop(code, None)


def load(markets: Iterable[Market]) -> None:
    """Register every profile, refusing the lot if one is wrong (nothing registered then)."""
    checked = [validate(m) for m in markets]
    for market in checked:
        _REGISTRY[market.code] = market


def get(code: str | None) -> Market | None:
    """The profile of market `code`, or None when trace has none."""
    return _REGISTRY.get((code or "").upper())


def require(code: str | None) -> Market:
    """The profile of market `code`; a market trace has no profile for is refused (422)."""
    found = get(code)
    if found is None:
        known = ", ".join(codes())
        raise Invalid(
            "market",
            f"no market profile for {code!r}: trace ships to {known}",
            kind="market.unknown",
            market=code,
            known=list(codes()),
        )
    return found


def codes() -> tuple[str, ...]:
    """The known markets' codes, sorted."""
    return tuple(sorted(_REGISTRY))


def all_markets() -> tuple[Market, ...]:
    return tuple(_REGISTRY[c] for c in codes())


SEA_AIR = (Conveyance("sea"), Conveyance("air"))


def _overseas(
    code: str,
    name: str,
    label_languages: tuple[str, ...],
    page_languages: tuple[str, ...],
    treatments: Mapping[str, tuple[str, ...]],
    **more: Any,
) -> Market:
    """A market reached by sea or air whose consignees are in its own country and whose chain
    needs the PPD's export code at every orchard, packing house and treatment facility."""
    return Market(
        code=code,
        name=name,
        label_languages=label_languages,
        page_languages=page_languages,
        codes=_codes(PPD, "orchard", "packing_house", "treatment_facility"),
        treatments=treatments,
        consignee_countries=(code,),
        conveyances=SEA_AIR,
        **more,
    )


PROFILES = (
    _overseas(
        "JP", "Japan", ("ja",), ("ja", "en", "vi"), {"lychee": ("vapour_heat", "fumigation")}
    ),
    _overseas(
        "US",
        "United States",
        ("en",),
        ("en", "vi"),
        {"lychee": ("irradiation",)},
        stamps=("Not for importation into or distribution in the State of Florida",),
        voice_pick=True,
    ),
    _overseas(
        "AU",
        "Australia",
        ("en",),
        ("en", "vi"),
        {"lychee": ("irradiation", "fumigation")},
        origin="Product of Vietnam for Australia",
    ),
    Market(
        code="CN",
        name="China",
        label_languages=("zh-Hans", "vi"),
        page_languages=("zh-Hans", "vi"),
        # GACC's registration numbers, titled on labels in Vietnamese and Simplified Chinese.
        codes=(
            RequiredCode("orchard", GACC_SCHEME, GACC, "Mã vùng trồng · 果园注册号"),
            RequiredCode("packing_house", GACC_SCHEME, GACC, "Mã cơ sở đóng gói · 包装厂注册号"),
        ),
        treatments={"lychee": ()},
        consignee_countries=("CN",),
        conveyances=(
            Conveyance(
                "road",
                (
                    BorderGate("huu_nghi", "Hữu Nghị", "友谊关", "Lạng Sơn"),
                    BorderGate("tan_thanh", "Tân Thanh", "浦寨", "Lạng Sơn"),
                    BorderGate("kim_thanh", "Kim Thành", "河口", "Lào Cai"),
                ),
            ),
            Conveyance("sea"),
        ),
        # GACC asks each package to say, in Chinese, that it is exported to China.
        origin="Xuất xứ Việt Nam · 原产国：越南",
        stamps=("输往中华人民共和国",),
        label_lines=("Cơ sở đóng gói · 包装厂: {packer}",),
    ),
    _overseas(
        "KR", "South Korea", ("ko",), ("ko", "en", "vi"), {"lychee": ("vapour_heat",), "carrot": ()}
    ),
    Market(
        code="EU",
        name="European Union",
        label_languages=("en", CONSIGNEE),
        page_languages=("en", "vi"),
        codes=_codes(PPD, "orchard", "packing_house"),
        treatments={"carrot": ()},
        consignee_countries=EU_COUNTRIES,
        consignee_languages=EU_LANGUAGES,
        conveyances=SEA_AIR,
        origin="Country of origin: Vietnam",
        label_lines=("Class I", "Packer: {packer}"),
    ),
)

load(PROFILES)


__all__ = [
    "CODE_SCHEMES",
    "CONSIGNEE",
    "CONVEYANCE_MODES",
    "GACC",
    "GACC_SCHEME",
    "LOCATION_KINDS",
    "N_",
    "PLATE_PATTERN",
    "PPD",
    "PROFILES",
    "TREATMENTS",
    "BorderGate",
    "Conveyance",
    "Market",
    "ProfileError",
    "RequiredCode",
    "all_markets",
    "codes",
    "get",
    "load",
    "register",
    "require",
    "unregister",
    "validate",
]
