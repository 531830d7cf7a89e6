"""What a label says: carton, pallet and sticker labels as plain, frozen values.

PURE: the standard library, `trace.gs1`, the market profiles of `trace.domain.markets` and
`trace.labels.code128` only (no reportlab, Flask or SQLAlchemy). The service layer fills the *facts* from the database; the
builders here turn them into *label content*: the text lines, the QR code's data and
the GS1-128 element strings, already split into symbols. Renderers (`pdf`, `png`,
`zpl`) only draw what this module decided, and the tests check it by decoding.

Why the split lives here: PDF and ZPL must carry the same symbols, and which element
strings share a symbol is a fact about the label (what a scanner reads), not about one
renderer. `linear_symbols` takes the label's width in modules of GS1's minimum
X-dimension (the layout knows it: size and dpi) and never makes a symbol narrower.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from urllib.parse import quote

from trace.domain import markets
from trace.gs1 import GS1Error, Gtin, Sscc, digital_link, validate_lot, validate_serial

from . import code128

QUIET_ZONE_MODULES = 10  # each side; GS1 General Specifications §5.4.4.2
MAX_DATA_CHARACTERS = 48  # per symbol, AIs and FNC1 separators included; §5.4.4.3

# GS1-128 on cartons and logistic units scanned in general distribution: X-dimension at
# least 0.495 mm and bars at least 31.75 mm high (GS1 General Specifications §5.12.3,
# symbol specification tables for trade items in general distribution and for logistic
# units). Renderers round both UP to whole printer dots: 4 dots at 203 dpi, 6 at 300.
X_MIN_MM = 0.495
X_MAX_MM = 1.016  # the same tables' maximum; the bar height stays 31.75 mm at any X
BAR_HEIGHT_MIN_MM = 31.75

# The narrowest label that carries linear symbols is 100 mm; at 300 dpi (and 600) its
# 0.495 mm modules are 6 (12) dots, so 196 modules wide, quiet zones included.
NARROWEST_MODULES = 196

# Which element strings a label keeps in its linear symbols when not all of them fit
# (the QR's Digital Link and the text always carry all of them): the item first, then
# its traceability lot, then the pack date, then the serial.
_PRIORITY = {"": 8, "00": 16, "01": 8, "02": 8, "37": 4, "10": 4, "13": 2, "21": 1}
_NEEDS = {"02": "37", "37": "02"}  # AI 02 goes with AI 37 (GS1 mandatory AI associations)

# AIs whose value has a fixed length: no FNC1 after them (§7.8.5.1, figure 7.8.5-2).
_FIXED_LENGTH_AIS = frozenset({"00", "01", "02", "13"})


# --- Input facts: plain values the service layer reads from the database -------------


@dataclass(frozen=True)
class Treatment:
    """A phytosanitary treatment the lot went through.

    Attributes:
        facility_code: The treatment facility's code (TFC) for the market.
        batch: The treatment batch number.
    """

    facility_code: str
    batch: str


@dataclass(frozen=True)
class LotFacts:
    """What the database knows about a packed lot, for its carton labels.

    Attributes:
        names: Product names by language, e.g. ``{"vi": "Vải thiều Thanh Hà",
            "en": "Thanh Ha lychee", "ja": "タンハー・ライチ"}``; ``"vi"`` is required.
        gtin: The product's GTIN (8-14 digits), or None for a product without one.
        variety: The variety, e.g. ``"Thanh Hà"``.
        net_weight_kg: Net weight of one carton in kilograms.
        lot: The traceability lot code (AI 10).
        pack_date: The day the lot was packed (AI 13).
        growing_areas: Growing-area codes (PUC) of the orchards in the lot.
        packing_house: The packing-house code (PHC) for the market, if any.
        treatment: The treatment, if the lot was treated.
        market: Destination market, two letters: ``"JP"``, ``"US"``, ``"AU"``,
            ``"EU"``, ``"KR"``…
        base_url: Public base URL of trace's resolver, e.g. ``"https://trace.example.vn"``.
        stamps: Extra lines the market requires, added after the market's own.
        contact: The exporter's consumer contact (``phone``, ``email``, ``website``), if it
            keeps one: its phone (else e-mail) and web site are printed.
        packer: The packing house's name and address (for a market's "Packer" line).
        consignee_country: Where the lot's consignee is, when it is shipped (for a market
            whose labels speak the consignee's language).
    """

    names: Mapping[str, str]
    gtin: str | None
    variety: str
    net_weight_kg: Decimal | float | int
    lot: str
    pack_date: date
    growing_areas: tuple[str, ...]
    packing_house: str | None
    treatment: Treatment | None
    market: str
    base_url: str
    stamps: tuple[str, ...] = ()
    contact: Mapping[str, str] | None = None
    packer: str = ""
    consignee_country: str | None = None


@dataclass(frozen=True)
class Party:
    """A sender or receiver on a logistic label.

    Attributes:
        name: Company name (and address line, if wanted).
        country: Country name or ISO code.
    """

    name: str
    country: str


@dataclass(frozen=True)
class PalletLine:
    """One lot on a pallet.

    Attributes:
        gtin: The cartons' GTIN, or None for a product without one.
        lot: The lot code.
        cartons: How many cartons of that lot are on the pallet.
    """

    gtin: str | None
    lot: str
    cartons: int


@dataclass(frozen=True)
class PalletFacts:
    """What the database knows about a pallet, for its logistic label.

    Attributes:
        sscc: The pallet's SSCC, 18 digits.
        contents: The lots on it; one entry means the pallet holds one lot.
        ship_from: The sender (exporter or packing house).
        ship_to: The consignee.
        market: Destination market, two letters.
        company_prefix: The GS1 company prefix inside the SSCC, if known: the
            human-readable SSCC is then grouped as extension digit, prefix, serial
            reference and check digit.
    """

    sscc: str
    contents: tuple[PalletLine, ...]
    ship_from: Party
    ship_to: Party
    market: str
    company_prefix: str | None = None


# --- Label content: what the renderers draw -------------------------------------------


@dataclass(frozen=True)
class Field:
    """A line of text with a data title, e.g. ``Field("Lot", "LOT26A")``."""

    title: str
    value: str


@dataclass(frozen=True)
class Barcode:
    """One linear symbol: GS1-128 or, for products without a GTIN, plain Code 128.

    Attributes:
        gs1: True for GS1-128 (FNC1 after the start character).
        elements: ``(ai, value)`` pairs in symbol order; for plain Code 128 a single
            pair with an empty AI.
        data: The encoded message: AIs and values, ``GS`` (``"\\x1d"``) after a
            variable-length value that is not last. A scanner transmits it after
            the symbology identifier ``]C1`` (GS1-128) or ``]C0``.
        hri: The human readable interpretation printed under the bars, e.g.
            ``"(01)08931234567897(13)260615"``.

    References:
        GS1 General Specifications, sections 5.4 (GS1-128), 4.15 (HRI) and 7.8.5
        (concatenation, FNC1 separators).
    """

    gs1: bool
    elements: tuple[tuple[str, str], ...]
    data: str
    hri: str

    @property
    def values(self) -> tuple[int, ...]:
        """The Code 128 symbol values (start, data, check, stop)."""
        return code128.encode(self.data, gs1=self.gs1)


@dataclass(frozen=True)
class CartonLabel:
    """A carton's label.

    Attributes:
        names: The product name in Vietnamese, then in the market's label languages
            (each whose name is known and differs; English when none is).
        variety: The variety.
        fields: Titled lines: net weight, lot, serial, pack date, growing area(s),
            PHC, treatment.
        origin: ``"Product of Vietnam"`` (or the market's wording).
        stamps: Lines the market requires: its profile's lines (e.g. the EU's class and
            packer), then its stamps (e.g. the US Florida restriction), then the lot's.
        qr: The QR code's data: the carton's GS1 Digital Link, or a short
            ``{base}/t/{lot}`` link for a product without a GTIN.
        elements: What the linear symbols may carry, ``(ai, value)`` pairs:
            (01)(13)(10)(21), or ``(("", lot),)`` (plain Code 128) without a GTIN.
            `linear_symbols` chooses which fit a label at GS1's sizes.
        lot: The lot code.
        serial: The carton's serial number (AI 21).
        market: The destination market.
        voice_pick: The PTI voice pick code (4 digits) for US-bound cartons with a
            GTIN, else None.
    """

    names: tuple[str, ...]
    variety: str
    fields: tuple[Field, ...]
    origin: str
    stamps: tuple[str, ...]
    qr: str
    elements: tuple[tuple[str, str], ...]
    lot: str
    serial: str
    market: str
    voice_pick: str | None = None
    kind: str = "carton"

    @property
    def gs1(self) -> bool:
        """True when the elements are GS1 element strings (the product has a GTIN)."""
        return self.elements[0][0] != ""


@dataclass(frozen=True)
class PalletLabel:
    """A GS1 logistic label for a pallet.

    Attributes:
        ship_from: The "FROM" block.
        ship_to: The "TO" block.
        market: The destination market.
        fields: Titled lines of the middle section: SSCC (grouped with spaces),
            content GTIN, count and batch/lot (one lot), or the lots (mixed).
        elements: What the content symbol may carry: (02)(37)(10) for one lot of a
            product with a GTIN, else nothing. The SSCC always has its own symbol,
            printed lowest.
        sscc: The SSCC, 18 digits.

    References:
        GS1 General Specifications, section 6.6 (logistic label: free-format,
        text and barcode sections; SSCC lowest); GS1 Logistics Label Guideline.
    """

    ship_from: Party
    ship_to: Party
    market: str
    fields: tuple[Field, ...]
    elements: tuple[tuple[str, str], ...]
    sscc: str
    kind: str = "pallet"


@dataclass(frozen=True)
class StickerLabel:
    """A small sticker: a QR code and its short code printed under it.

    Attributes:
        code: The short code, printed in plain text.
        qr: ``{base}/t/{code}``.
    """

    code: str
    qr: str
    kind: str = "sticker"


Label = CartonLabel | PalletLabel | StickerLabel


# --- Builders ---------------------------------------------------------------------------


def market_script(market: str) -> str | None:
    """The language whose glyph shapes a market's readers expect (`zh` for CN, `ja` for JP):
    the first of its profile's label languages other than Vietnamese and English, if any."""
    profile = markets.get(market)
    for language in profile.label_languages if profile else ():
        base = language.split("-")[0]
        if base not in ("vi", "en"):
            return base
    return None


def market_language(market: str, names: Mapping[str, str], consignee: str | None = None) -> str:
    """Pick the language of the second product name for a market.

    Args:
        market: Two letters, e.g. ``"JP"``.
        names: The product names by language.
        consignee: The consignee's country, for a market whose labels speak its language.

    Returns:
        The first of the market profile's label languages a name is given in (other than
        Vietnamese, printed first anyway), else ``"en"``.

    References:
        GS1 General Specifications, section 6.6.4.2 (data titles in English unless
        trading partners agree otherwise; a second language is optional).
    """
    return (_label_languages(_profile(market), names, None) or ("en",))[0]


def _label_languages(
    profile: markets.Market, names: Mapping[str, str], country: str | None
) -> tuple[str, ...]:
    """The profile's label languages a name is given in (``zh-Hans`` also found as ``zh``)."""
    found = []
    for language in profile.label_names(country):
        key = next((k for k in (language, language.split("-")[0]) if k in names), None)
        if key and key != "vi":
            found.append(key)
    return tuple(found)


def carton_label(facts: LotFacts, serial: str) -> CartonLabel:
    """Build the label of one carton.

    Args:
        facts: The lot's facts.
        serial: The carton's serial number (AI 21), 1-20 characters of set 82.

    Returns:
        The carton label. With a GTIN, the QR holds
        ``{base}/01/{gtin}/10/{lot}/21/{serial}`` and GS1-128 symbols carry
        (01)(13)(10)(21), split into as few symbols as fit a 100 mm label at a
        readable X-dimension. Without one, the QR holds ``{base}/t/{lot}`` and a
        plain Code 128 carries the lot code.

    Raises:
        GS1Error: If the GTIN, lot or serial is malformed.
        ValueError: If the Vietnamese name is missing or the market is not two letters.

    References:
        GS1 General Specifications, sections 3.3.2, 3.4.1, 3.4.5, 3.5.2 (AIs 01, 10,
        13, 21), 5.4.4 (GS1-128 size limits) and 7.8.5 (concatenation); GS1 Digital
        Link Standard: URI Syntax, section 4.
    """
    profile = _profile(facts.market)
    market = profile.code
    lot = validate_lot(facts.lot)
    serial = validate_serial(serial)
    if "vi" not in facts.names:
        raise ValueError(f"product names {dict(facts.names)!r}: a Vietnamese name is required")
    languages = _label_languages(profile, facts.names, facts.consignee_country) or ("en",)
    given = [facts.names["vi"], *(facts.names.get(k) for k in languages)]
    names = list(dict.fromkeys(name for name in given if name))
    fields = [
        Field("Net weight", f"{_number(facts.net_weight_kg)} kg"),
        Field("Lot", lot),
        Field("Serial", serial),
        Field("Packed", facts.pack_date.isoformat()),
    ]
    if facts.growing_areas:
        title = _title(profile, "orchard", "Growing area")
        title += "s" if len(facts.growing_areas) > 1 and title == "Growing area" else ""
        fields.append(Field(title, ", ".join(facts.growing_areas)))
    if facts.packing_house:
        fields.append(Field(_title(profile, "packing_house", "PHC"), facts.packing_house))
    if facts.treatment:
        code = facts.treatment.facility_code
        batch = f"batch {facts.treatment.batch}"
        title = _title(profile, "treatment_facility", "Treatment")
        fields.append(Field(title, f"{code} {batch}" if code else batch))
    fields += _contact_fields(facts.contact or {})
    voice_pick = None
    if facts.gtin is None:
        qr = short_link(facts.base_url, lot)
        elements: tuple[tuple[str, str], ...] = (("", lot),)
    else:
        gtin = Gtin.parse(facts.gtin).value
        qr = digital_link(facts.base_url, gtin, lot, serial)
        elements = (
            ("01", gtin),
            ("13", facts.pack_date.strftime("%y%m%d")),
            ("10", lot),
            ("21", serial),
        )
        if profile.voice_pick:
            voice_pick = voice_pick_code(gtin, lot, facts.pack_date)
    return CartonLabel(
        names=tuple(names),
        variety=facts.variety,
        fields=tuple(fields),
        origin=profile.origin,
        stamps=(
            *profile.stamps,
            *(line.format(packer=facts.packer) for line in profile.label_lines),
            *facts.stamps,
        ),
        qr=qr,
        elements=elements,
        lot=lot,
        serial=serial,
        market=market,
        voice_pick=voice_pick,
    )


def _contact_fields(contact: Mapping[str, str]) -> list[Field]:
    """Whom a buyer calls: the phone (else the e-mail) and the web site, without its scheme."""
    out = []
    reach = contact.get("phone") or contact.get("email")
    if reach:
        out.append(Field("Contact", reach))
    if contact.get("website"):
        out.append(Field("Web", contact["website"].split("://", 1)[-1].rstrip("/")))
    return out


def carton_labels(facts: LotFacts, serials: Iterable[str]) -> Iterator[CartonLabel]:
    """Build one label per serial, lazily (a lot may have thousands of cartons).

    Args:
        facts: The lot's facts, shared by every carton.
        serials: The cartons' serial numbers.

    Yields:
        One `CartonLabel` per serial, in order.

    References:
        GS1 General Specifications, section 3.5.2 (AI 21).
    """
    for serial in serials:
        yield carton_label(facts, serial)


def pallet_label(facts: PalletFacts) -> PalletLabel:
    """Build the GS1 logistic label of a pallet.

    Args:
        facts: The pallet's facts.

    Returns:
        The label: the SSCC as its own GS1-128 symbol (00), lowest; when the
        pallet holds one lot of a product with a GTIN, content symbols with
        (02) the cartons' GTIN, (37) their count and (10) the lot. A mixed pallet
        lists its lots as text only: AI 02 may only describe one trade item.

    Raises:
        GS1Error: If the SSCC, a GTIN or a lot is malformed.
        ValueError: If the pallet is empty, a carton count is not positive or the
            market is not two letters.

    References:
        GS1 General Specifications, sections 3.3.1 (AI 00), 3.3.3 (AI 02, with AI 37),
        3.6.4 (AI 37) and 6.6 (logistic label); GS1 Logistics Label Guideline.
    """
    sscc = Sscc.parse(facts.sscc).value
    market = _market(facts.market)
    if not facts.contents:
        raise ValueError(f"pallet {sscc}: should hold at least one lot, found none")
    for line in facts.contents:
        validate_lot(line.lot)
        if isinstance(line.cartons, bool) or not isinstance(line.cartons, int) or line.cartons < 1:
            raise ValueError(
                f"pallet {sscc}, lot {line.lot}: carton count should be a positive"
                f" integer, found {line.cartons!r}"
            )
    fields = [Field("SSCC", _spaced_sscc(sscc, facts.company_prefix))]
    elements: tuple[tuple[str, str], ...] = ()
    if len(facts.contents) == 1:
        line = facts.contents[0]
        if line.gtin is not None:
            gtin = Gtin.parse(line.gtin).value
            fields.append(Field("Content", gtin))
            elements = (("02", gtin), ("37", str(line.cartons)), ("10", line.lot))
        fields += [Field("Count", str(line.cartons)), Field("Batch/Lot", line.lot)]
    else:
        total = sum(line.cartons for line in facts.contents)
        fields.append(Field("Count", f"{total} cartons, {len(facts.contents)} lots"))
        for line in facts.contents:
            what = f"{line.lot} × {line.cartons}"
            fields.append(Field("Lot", what if line.gtin is None else f"{what} ({line.gtin})"))
    return PalletLabel(
        ship_from=facts.ship_from,
        ship_to=facts.ship_to,
        market=market,
        fields=tuple(fields),
        elements=elements,
        sscc=sscc,
    )


def sticker_label(base_url: str, code: str) -> StickerLabel:
    """Build a sticker: a QR code with ``{base}/t/{code}`` and the code under it.

    Args:
        base_url: Public base URL of trace's resolver.
        code: The short code, 1-20 characters of GS1 character set 82.

    Returns:
        The sticker.

    Raises:
        GS1Error: If the code is empty, too long or has a character outside set 82.

    References:
        GS1 General Specifications, figure 7.11-1 (character set 82), which keeps
        short codes printable by every renderer and scanner.
    """
    return StickerLabel(code=validate_lot(code), qr=short_link(base_url, code))


def short_link(base_url: str, code: str) -> str:
    """Return trace's short link ``{base}/t/{code}``, the code percent-encoded.

    References:
        RFC 3986, section 2.1 (percent-encoding).
    """
    if "?" in base_url or "#" in base_url:
        raise GS1Error(f"base URL {base_url!r}: should have no query or fragment")
    return f"{base_url.rstrip('/')}/t/{quote(code, safe='')}"


def linear_symbols(label: Label, modules: int, max_symbols: int) -> tuple[Barcode, ...]:
    """The GS1-128 (or Code 128) symbols a label prints, in order, top to bottom.

    Args:
        label: A carton or pallet label (a sticker has none).
        modules: How many modules of the X-dimension to be printed the label is
            wide, quiet zones included (e.g. 199 for 100 mm at 203 dpi, 4 dots a
            module; `widest_symbols` tries wider modules first).
        max_symbols: How many symbols of GS1's minimum bar height the label has
            room for (a pallet's SSCC symbol included).

    Returns:
        A carton's symbols; a pallet's content symbol(s), then its SSCC symbol,
        which is printed lowest.
    """
    if isinstance(label, PalletLabel):
        sscc = _barcode([("00", label.sscc)])
        content = fit_symbols(label.elements, modules, max_symbols - 1) if label.elements else ()
        return (*content, sscc)
    if isinstance(label, CartonLabel):
        return fit_symbols(label.elements, modules, max_symbols)
    return ()


def widest_symbols(
    label: Label, width: int, x_range: tuple[int, int], max_symbols: int
) -> tuple[Barcode, ...]:
    """The symbols a label prints: at the widest X-dimension that keeps the item and lot.

    What fits at GS1's minimum X decides which of the item (GTIN, SSCC), its lot and
    its count are printed; the widest X in ``x_range`` that still carries all of them
    is used, and the pack date and serial only where they fit at that X. A camera
    35 cm away reads 0.5 mm modules in 93-95 % of single frames and 0.625 mm ones in
    over 99 % (docs/labels.md, "Print and scan").

    Args:
        label: A carton or pallet label.
        width: The label's width in printer dots.
        x_range: ``(smallest, widest)`` X-dimension in dots (GS1's 0.495 mm and
            1.016 mm, rounded inwards to whole dots).
        max_symbols: As for `linear_symbols`.
    """
    smallest, widest = x_range
    least = linear_symbols(label, width // smallest, max_symbols)
    printed = _ais(least)
    keep = printed & {ai for ai, weight in _PRIORITY.items() if weight >= _PRIORITY["10"]}
    if not isinstance(label, (CartonLabel, PalletLabel)):
        return least
    # What does not fit at the smallest X fits at no wider one: leave it out of the search
    # (a lot's cartons then share it: fit_symbols is cached), and skip any X at which a
    # kept element string alone does not fit.
    fewer = replace(label, elements=tuple(e for e in label.elements if e[0] in printed))
    need = max((_fewest_modules([e]) for e in fewer.elements if e[0] in keep), default=1)
    for x in range(min(widest, width // need), smallest, -1):
        chosen = linear_symbols(fewer, width // x, max_symbols)
        if keep <= _ais(chosen):
            return chosen
    return least


def _ais(chosen: tuple[Barcode, ...]) -> set[str]:
    return {ai for symbol in chosen for ai, _ in symbol.elements}


@lru_cache(maxsize=64)  # a lot's labels differ by serial only: keep memory flat
def fit_symbols(
    elements: tuple[tuple[str, str], ...], modules: int, max_symbols: int
) -> tuple[Barcode, ...]:
    """Put element strings into at most ``max_symbols`` symbols ``modules`` wide.

    Every subset of the elements (in their order) and every way of cutting it into
    consecutive symbols is tried; a symbol must fit ``modules`` with its quiet zones
    and hold at most 48 data characters. The choice keeps the most important
    elements (GTIN or SSCC, then lot and count, then pack date, then serial), then
    the fewest symbols, then the most room to spare. What is left out stays in the
    QR code's Digital Link and in the text: an element string never goes into a
    symbol narrower than GS1 allows.

    Args:
        elements: ``(ai, value)`` pairs, values already validated; an empty AI
            means plain Code 128 (a product without a GTIN).
        modules: The label's width in modules, quiet zones included.
        max_symbols: At most this many symbols.

    Returns:
        The symbols, in order; empty when nothing fits.

    References:
        GS1 General Specifications, sections 5.4.4.2 (quiet zones of 10X),
        5.4.4.3 (at most 48 data characters), 7.8.5 (concatenation); GS1 Logistic
        Label Guideline (several GS1-128 symbols on one label).
    """
    best: tuple[tuple[int, int, int], tuple[Barcode, ...]] | None = None
    subsets = []
    for mask in range(1, 1 << len(elements)):
        chosen = [element for index, element in enumerate(elements) if mask >> index & 1]
        ais = {ai for ai, _ in chosen}
        if all(_NEEDS.get(ai, ai) in ais for ai in ais):
            subsets.append((sum(_PRIORITY.get(ai, 0) for ai in ais), chosen))
    subsets.sort(key=lambda subset: -subset[0])  # most important first: stop at the first fit
    for weight, chosen in subsets:
        if best is not None and weight < best[0][0]:
            break
        for parts in range(1, min(max_symbols, len(chosen)) + 1):
            for cuts in itertools.combinations(range(1, len(chosen)), parts - 1):
                bounds = (0, *cuts, len(chosen))
                groups = [chosen[a:b] for a, b in itertools.pairwise(bounds)]
                if any(_fewest_modules(group) > modules for group in groups):
                    continue  # cannot fit however it is encoded: skip the encoding
                group = tuple(_barcode(part) for part in groups)
                widest = max(_modules(symbol) for symbol in group)
                if widest > modules or any(
                    len(symbol.data) > MAX_DATA_CHARACTERS for symbol in group
                ):
                    continue
                score = (weight, -parts, modules - widest)
                if best is None or score > best[0]:
                    best = (score, group)
    return () if best is None else best[1]


def voice_pick_code(gtin: str, lot: str, pack_date: date | None = None) -> str:
    """The PTI voice pick code: 4 digits a picker reads aloud, printed ``12`` + ``34``.

    CRC-16 (polynomial 0xA001, reflected, initial value 0) of the ASCII text
    GTIN + lot + pack date (YYMMDD, when there is one), modulo 10,000, zero-padded.
    Case matters: ``32abcd`` and ``32ABCD`` give different codes.

    References:
        Produce Traceability Initiative, Voice Pick Code calculator
        (producetraceability.org/voice-pick-code-calculator, the HarvestMark
        reference implementation); PTI label guidance (two small digits, then two
        large ones, in a box).
    """
    text = gtin + lot + (pack_date.strftime("%y%m%d") if pack_date else "")
    crc = 0
    for byte in text.encode("ascii"):
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return f"{crc % 10000:04d}"


def _barcode(elements: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> Barcode:
    """One GS1-128 symbol: FNC1 (``GS``) after each variable-length value but the last.

    A single element with an empty AI is a plain Code 128 of its value.
    """
    if len(elements) == 1 and elements[0][0] == "":
        value = elements[0][1]
        return Barcode(False, tuple(elements), value, value)
    data = ""
    for index, (ai, value) in enumerate(elements):
        data += ai + value
        if ai not in _FIXED_LENGTH_AIS and index < len(elements) - 1:
            data += code128.GS
    hri = "".join(f"({ai}){value}" for ai, value in elements)
    return Barcode(True, tuple(elements), data, hri)


def _fewest_modules(elements: list[tuple[str, str]]) -> int:
    """A lower bound of a symbol's width with quiet zones: two characters a symbol
    character at best (code set C), plus start, FNC1, check and stop characters."""
    length = sum(len(ai) + len(value) for ai, value in elements)
    return 11 * (3 + (length + 1) // 2) + 13 + 2 * QUIET_ZONE_MODULES


def _modules(symbol: Barcode) -> int:
    """The symbol's width in modules with its two quiet zones."""
    return code128.symbol_width(symbol.values) + 2 * QUIET_ZONE_MODULES


def _market(market: str) -> str:
    if not (isinstance(market, str) and len(market) == 2 and market.isascii() and market.isalpha()):
        raise ValueError(f"market {market!r}: should be two letters, e.g. JP")
    return market.upper()


def _title(profile: markets.Market, kind: str, default: str) -> str:
    """What the market's labels call the code of a kind of place (its profile's title)."""
    required = profile.scheme_for(kind)
    return required.title if required else default


def _profile(market: str) -> markets.Market:
    """The market's profile (trace/domain/markets.py): what its labels say."""
    found = markets.get(_market(market))
    if found is None:
        raise ValueError(f"market {market!r}: trace has no profile for it ({markets.codes()})")
    return found


def _number(value: Decimal | float | int) -> str:
    """``10`` -> ``"10"``, ``4.50`` -> ``"4.5"``."""
    return format(Decimal(str(value)).normalize(), "f")


def _spaced_sscc(sscc: str, company_prefix: str | None) -> str:
    """``0 8931234 000000042 4``: extension digit, company prefix, serial reference, check digit.

    Without a known prefix, only the extension and check digits are set apart.

    References:
        GS1 General Specifications, figure 3.3.1-1 (SSCC format).
    """
    value = Sscc(sscc)
    parts = value.with_prefix(company_prefix)
    middle = f"{parts.company_prefix} {parts.serial_reference}" if parts else sscc[1:17]
    return f"{value.extension_digit} {middle} {value.check_digit}"


__all__ = [
    "Barcode",
    "CartonLabel",
    "Field",
    "Label",
    "LotFacts",
    "PalletFacts",
    "PalletLabel",
    "PalletLine",
    "Party",
    "StickerLabel",
    "Treatment",
    "carton_label",
    "carton_labels",
    "fit_symbols",
    "linear_symbols",
    "market_language",
    "pallet_label",
    "short_link",
    "sticker_label",
    "voice_pick_code",
    "widest_symbols",
]
