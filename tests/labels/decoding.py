"""Read labels back as a scanner would: rasterise, decode, parse. Shared by the label tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import biip
import pypdfium2
import zxingcpp
from PIL import Image

from trace.labels.facts import LotFacts, PalletFacts, PalletLine, Party, Treatment

BASE = "https://trace.example.vn"
NAMES = {
    "vi": "Vải thiều Thanh Hà",
    "en": "Thanh Ha lychee",
    "ja": "タンハー・ライチ",
    "ko": "탄하 리치",
}


def lot_facts(**changes: object) -> LotFacts:
    """A lychee lot for Japan; keyword arguments replace fields."""
    facts = {
        "names": NAMES,
        "gtin": "8931234567897",
        "variety": "Thanh Hà",
        "net_weight_kg": 10,
        "lot": "LOT26A",
        "pack_date": date(2026, 6, 15),
        "growing_areas": ("VN-HD-TH-01-26",),
        "packing_house": "PHC-HD-001",
        "treatment": Treatment("TFC-07", "B123"),
        "market": "JP",
        "base_url": BASE,
    }
    facts.update(changes)
    return LotFacts(**facts)  # type: ignore[arg-type]


def pallet_facts(*lines: PalletLine, **changes: object) -> PalletFacts:
    """A pallet of 40 cartons of one lot, unless ``lines`` say otherwise."""
    facts = {
        "sscc": "089312340000000424",
        "contents": lines or (PalletLine("8931234567897", "LOT26A", 40),),
        "ship_from": Party("HTX Nông nghiệp Thanh Hà", "Việt Nam"),
        "ship_to": Party("Tokyo Fresh KK", "Japan"),
        "market": "JP",
        "company_prefix": "8931234",
    }
    facts.update(changes)
    return PalletFacts(**facts)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Read:
    """One decoded symbol: its format name, symbology identifier and raw text."""

    format: str
    symbology: str
    text: str


def pages(pdf: bytes, dpi: int) -> list[Image.Image]:
    """Rasterise every page of a PDF in grey at ``dpi``, as a printer would."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72, grayscale=True).to_pil() for page in document]
    finally:
        document.close()


def pdf_text(pdf: bytes) -> str:
    """The text layer of every page (what copy/paste and search see)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def decode(image: Image.Image) -> list[Read]:
    """Every symbol zxing-cpp finds; text as transmitted (GS for FNC1 separators)."""
    found = zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)
    return [Read(b.format.name, b.symbology_identifier, b.text) for b in found]


def element_strings(read: Read) -> list[tuple[str, str]]:
    """Parse a GS1-128 read with biip into ``(ai, value)`` pairs."""
    assert read.symbology == "]C1", read
    message = biip.parse(read.symbology + read.text).gs1_message
    assert message is not None, read
    return [(element.ai.ai, element.value) for element in message.element_strings]


def gs1_reads(reads: list[Read]) -> list[list[tuple[str, str]]]:
    return [element_strings(read) for read in reads if read.symbology == "]C1"]
