"""Fonts for labels: found at run time, embedded (subset) in every PDF.

reportlab embeds TrueType-outline fonts only (not CFF OpenType such as Noto CJK .otf).
Debian packages that provide them, and what CI installs:

- ``fonts-dejavu-core``: DejaVu Sans (Latin with Vietnamese, the default);
- ``fonts-ipafont-gothic``: IPAGothic, for Japanese (Japanese glyph shapes for kanji);
- ``fonts-nanum``: NanumGothic, for Korean;
- ``fonts-wqy-zenhei``: WenQuanYi Zen Hei (a TrueType collection), for Chinese.

``TRACE_LABEL_FONT_DIR`` may name a folder holding the same file names. A missing
CJK font is not fatal: DejaVu is used with a logged warning (the text then shows
empty boxes, the symbols are unaffected). If even DejaVu is missing, reportlab's
built-in Helvetica is used, which drops Vietnamese diacritics, again with a warning.
"""

from __future__ import annotations

import logging
import os
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger(__name__)

# role -> (reportlab name, file names, folders tried after TRACE_LABEL_FONT_DIR)
_CANDIDATES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "regular": (
        "DejaVuSans",
        ("DejaVuSans.ttf",),
        ("/usr/share/fonts/truetype/dejavu",),
    ),
    "bold": (
        "DejaVuSans-Bold",
        ("DejaVuSans-Bold.ttf",),
        ("/usr/share/fonts/truetype/dejavu",),
    ),
    "ja": (
        "IPAGothic",
        ("ipag.ttf", "fonts-japanese-gothic.ttf"),
        ("/usr/share/fonts/opentype/ipafont-gothic", "/usr/share/fonts/truetype"),
    ),
    "ko": (
        "NanumGothic",
        ("NanumGothic.ttf",),
        ("/usr/share/fonts/truetype/nanum",),
    ),
    "zh": (
        "WenQuanYiZenHei",
        ("wqy-zenhei.ttc",),
        ("/usr/share/fonts/truetype/wqy",),
    ),
}
_PACKAGES = {"ja": "fonts-ipafont-gothic", "ko": "fonts-nanum", "zh": "fonts-wqy-zenhei"}
_FILES: dict[str, str] = {}  # registered font name -> its file, for bitmaps (ZPL ^GF)
_BUILTIN = {"regular": "Helvetica", "bold": "Helvetica-Bold"}


@cache
def font(role: str) -> str:
    """Register (once) and return the reportlab font name for a role.

    Args:
        role: ``"regular"``, ``"bold"``, ``"ja"`` or ``"ko"``.

    Returns:
        A registered font name; a fallback when the font file is missing.
    """
    name, files, folders = _CANDIDATES[role]
    extra = os.environ.get("TRACE_LABEL_FONT_DIR")
    for folder in ((extra,) if extra else ()) + folders:
        for file in files:
            path = Path(folder) / file
            if path.is_file():
                pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
                _FILES[name] = str(path)
                return name
    if role in _BUILTIN:
        log.warning(
            "label font %s not found (looked for %s); using %s, which lacks Vietnamese"
            " diacritics: install fonts-dejavu-core",
            name,
            ", ".join(files),
            _BUILTIN[role],
        )
        return _BUILTIN[role]
    fallback = font("regular")
    log.warning(
        "label font %s not found (looked for %s in %s); %s text falls back to %s: install %s",
        name,
        ", ".join(files),
        ", ".join(folders),
        role,
        fallback,
        _PACKAGES[role],
    )
    return fallback


@cache
def _charset(name: str) -> frozenset[int]:
    face = getattr(pdfmetrics.getFont(name), "face", None)
    return frozenset(face.charToGlyph) if face is not None else frozenset(range(32, 256))


def font_for(text: str, bold: bool = False) -> str:
    """Choose the font that has every character of ``text``.

    Latin and Vietnamese get DejaVu; text DejaVu lacks goes to the Japanese font,
    then the Korean one, then the Chinese one, whichever covers it (kana and kanji:
    IPAGothic; hangul: NanumGothic; simplified Chinese: WenQuanYi Zen Hei).
    """
    first = font("bold" if bold else "regular")
    codes = {ord(char) for char in text}
    if codes <= _charset(first):
        return first
    for role in ("ja", "ko", "zh"):
        name = font(role)
        if codes <= _charset(name):
            return name
    return first


def font_file(name: str) -> str | None:
    """The TrueType file of a registered font name, or None for a built-in font."""
    return _FILES.get(name)
