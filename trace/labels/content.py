"""What a label says: carton, pallet and sticker labels as plain, frozen values.

PURE: the standard library, `trace.gs1` and the market profiles of `trace.domain.markets`
only (no reportlab, Flask or SQLAlchemy). The service layer fills the *facts*
(`trace.labels.facts`) from the database; the builders here turn them into *label content*:
the text lines, the QR code's data and the element strings the linear symbols may carry
(`trace.labels.linear` splits them into symbols). Renderers (`pdf`, `png`, `zpl`) only draw
what was decided, and the tests check it by decoding.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from urllib.parse import quote

from trace.domain import markets
from trace.gs1 import GS1Error, Gtin, Sscc, digital_link, validate_lot, validate_serial

from .facts import LotFacts, PalletFacts, Party
from .voice_pick import voice_pick_code

# --- Label content: what the renderers draw -------------------------------------------


@dataclass(frozen=True)
class Field:
    """A line of text with a data title, e.g. ``Field("Lot", "LOT26A")``."""

    title: str
    value: str


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
            `linear.linear_symbols` chooses which fit a label at GS1's sizes.
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
    return _with_serial(_lot_label(facts), facts.base_url, serial)


def _lot_label(facts: LotFacts) -> CartonLabel:
    """What every carton of the lot says: the label with its serial left blank."""
    profile = _profile(facts.market)
    lot = validate_lot(facts.lot)
    if "vi" not in facts.names:
        raise ValueError(f"product names {dict(facts.names)!r}: a Vietnamese name is required")
    languages = _label_languages(profile, facts.names, facts.consignee_country) or ("en",)
    given = [facts.names["vi"], *(facts.names.get(k) for k in languages)]
    voice_pick = None
    if facts.gtin is None:
        qr = short_link(facts.base_url, lot)
        elements: tuple[tuple[str, str], ...] = (("", lot),)
    else:
        gtin = Gtin.parse(facts.gtin).value
        qr = ""  # the carton's Digital Link: `_with_serial`
        elements = (("01", gtin), ("13", facts.pack_date.strftime("%y%m%d")), ("10", lot))
        if profile.voice_pick:
            voice_pick = voice_pick_code(gtin, lot, facts.pack_date)
    return CartonLabel(
        names=tuple(dict.fromkeys(name for name in given if name)),
        variety=facts.variety,
        fields=_carton_fields(profile, facts, lot),
        origin=profile.origin,
        stamps=(
            *profile.stamps,
            *(line.format(packer=facts.packer) for line in profile.label_lines),
            *facts.stamps,
        ),
        qr=qr,
        elements=elements,
        lot=lot,
        serial="",
        market=profile.code,
        voice_pick=voice_pick,
    )


def _with_serial(shared: CartonLabel, base_url: str, serial: str) -> CartonLabel:
    """One carton's label: the lot's, with the carton's serial in its text, QR and symbols."""
    serial = validate_serial(serial)
    fields = tuple(Field(f.title, serial) if f.title == "Serial" else f for f in shared.fields)
    if not shared.gs1:
        return replace(shared, fields=fields, serial=serial)
    qr = digital_link(base_url, shared.elements[0][1], shared.lot, serial)
    elements = (*shared.elements, ("21", serial))
    return replace(shared, fields=fields, serial=serial, qr=qr, elements=elements)


def _carton_fields(profile: markets.Market, facts: LotFacts, lot: str) -> tuple[Field, ...]:
    """Net weight, lot, serial (blank), pack date, the chain's codes, the exporter's contact."""
    fields = [
        Field("Net weight", f"{_number(facts.net_weight_kg)} kg"),
        Field("Lot", lot),
        Field("Serial", ""),
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
    return (*fields, *_contact_fields(facts.contact or {}))


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
    shared = _lot_label(facts)  # names, fields, codes: once for the lot
    for serial in serials:
        yield _with_serial(shared, facts.base_url, serial)


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
    "CartonLabel",
    "Field",
    "Label",
    "PalletLabel",
    "StickerLabel",
    "carton_label",
    "carton_labels",
    "market_language",
    "pallet_label",
    "short_link",
    "sticker_label",
    "voice_pick_code",
]
