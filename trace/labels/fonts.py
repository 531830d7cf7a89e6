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


def _cjk_order(prefer: str | None) -> tuple[str, ...]:
    roles = ("ja", "ko", "zh")
    return (prefer, *(r for r in roles if r != prefer)) if prefer in roles else roles


def font_for(text: str, bold: bool = False, prefer: str | None = None) -> str:
    """Choose the font that has every character of ``text``.

    Latin and Vietnamese get DejaVu; text DejaVu lacks goes to the Japanese font,
    then the Korean one, then the Chinese one, whichever covers it (kana and kanji:
    IPAGothic; hangul: NanumGothic; simplified Chinese: WenQuanYi Zen Hei). ``prefer``
    (``"zh"`` on a label for China) is tried first among them: a Chinese reader gets
    Chinese glyph shapes for the characters Japanese shares.
    """
    first = font("bold" if bold else "regular")
    codes = {ord(char) for char in text}
    if codes <= _charset(first):
        return first
    for role in _cjk_order(prefer):
        name = font(role)
        if codes <= _charset(name):
            return name
    return first


def font_runs(text: str, bold: bool = False, prefer: str | None = None) -> list[tuple[str, str]]:
    """``text`` as (font, part) runs: one run when a font has every character (`font_for`),
    else each character in the first font that has it, so a line mixing Vietnamese and
    Chinese ("Cơ sở đóng gói 包装厂") shows both."""
    whole = font_for(text, bold, prefer)
    if {ord(c) for c in text} <= _charset(whole):
        return [(whole, text)]
    names = [font("bold" if bold else "regular"), *(font(r) for r in _cjk_order(prefer))]
    runs: list[tuple[str, str]] = []
    for char in text:
        name = next((n for n in names if ord(char) in _charset(n)), names[0])
        if runs and (runs[-1][0] == name or char == " "):
            runs[-1] = (runs[-1][0], runs[-1][1] + char)
        else:
            runs.append((name, char))
    return runs


def font_file(name: str) -> str | None:
    """The TrueType file of a registered font name, or None for a built-in font."""
    return _FILES.get(name)
