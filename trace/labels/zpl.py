"""Labels as ZPL II for Zebra thermal printers: the printer draws the symbols itself.

The layout is the PDF's (`layout`, in dots), so a ZPL label and a PDF label look
alike. Symbols are sent as data, not pictures:

- GS1-128 / Code 128: ``^BY`` sets the module width and bar height in dots, ``^BC``
  (mode N) gets the very symbol characters the PDF draws (`code128.encode`), written
  with Zebra's invocation codes: ``>;``/``>:``/``>9`` Start C/B/A, ``>8`` FNC1,
  ``>6``/``>7`` code B/A, ``>0`` for a literal ``>``; sets A and C as two-digit
  values (``99`` in set A is code C, so ``>5`` is never sent). The printer adds the
  mod-103 check character. Our own HRI text (``(01)…``) is printed under the bars.
- QR: ``^BQN,2,m`` (model 2, m dots per module, at most 10) with ``^FDQA,<data>``
  (cartons: error correction Q) or ``^FDMA,<data>`` (stickers: M), automatic input.
  A Zebra moves a ``^BQ`` symbol down by the bar height last set with ``^BY`` (which
  another program may have left at any value), so every QR is preceded by an explicit
  ``^BY…,10`` and placed 10 dots up.

Text: a stock Zebra's font 0 has no Vietnamese letters beyond Latin-1 and no Japanese,
Korean or Chinese; printed with it, they come out blank. So by default every text
line is sent as a ``^GF`` graphic drawn from the same TrueType fonts the PDF embeds
(Z64: zlib and base64, with its CRC), which any Zebra prints. ``font`` names a
TrueType font already stored on the printer instead (e.g. ``E:DEJAVU.TTF``, sent once
with ``~DY``): it is bound with ``^CW`` and text goes as UTF-8 (``^CI28``), smaller.

References:
    Zebra ZPL II Programming Guide: ^XA/^XZ, ^CI, ^PW, ^LL, ^FO, ^FT, ^A, ^CW, ^FH,
    ^BY, ^BC (invocation codes, table "Code 128 Subsets"), ^BQ, ^GF (and the Z64
    compression scheme), ~DY.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Iterable, Iterator
from functools import lru_cache

from . import code128
from .content import Label
from .fonts import font_file
from .layout import Layout, Op, layout
from .sizes import DEFAULT_DPI, require_fit

_START = {code128.START_A: ">9", code128.START_B: ">:", code128.START_C: ">;"}
_MAX_QR_MAGNIFICATION = 10  # ^BQ's limit
_QR_BY_HEIGHT = 10  # the smallest ^BY height; ^BQ symbols are drawn this far down


def zpl_label(label: Label, size: str, dpi: int | None = None, font: str | None = None) -> str:
    """One label as a ``^XA … ^XZ`` block.

    Args:
        label: The label content.
        size: ``"100x150mm"``, ``"4x6in"`` or ``"50x30mm"``.
        dpi: 203 or 300 (the printer's print head); default 203.
        font: A TrueType font stored on the printer, e.g. ``"E:DEJAVU.TTF"``; text
            is then sent as characters in that font instead of ``^GF`` graphics.

    Raises:
        ValueError: For ``a4-24`` (sheets go to office printers: use PDF) or an
            unsupported resolution.
    """
    require_fit(label.kind, size, "zpl", dpi)
    dpi = dpi or DEFAULT_DPI[size]
    drawing = layout(label, size, dpi)
    lines = ["^XA", "^CI28", f"^PW{drawing.width}", f"^LL{drawing.height}", "^LH0,0"]
    if font:
        lines.append(f"^CW1,{font}")
    for op in drawing.shared + drawing.own:
        lines.append(_field(op, drawing, font is not None))
    lines.append("^XZ")
    return "\n".join(lines) + "\n"


def render_zpl(
    labels: Iterable[Label], size: str, dpi: int | None = None, font: str | None = None
) -> Iterator[bytes]:
    """Yield one UTF-8 ``^XA … ^XZ`` block per label."""
    for label in labels:
        yield zpl_label(label, size, dpi, font).encode()


def _field(op: Op, drawing: Layout, printer_font: bool) -> str:
    kind = op[0]
    if kind == "text":
        _, x, baseline, font, size, text = op
        if not printer_font and font_file(font):
            return _graphic_text(round(x), baseline, font, round(size * drawing.dpi / 72), text)
        height = max(10, round(size * drawing.dpi / 72))
        # ^FT places the baseline, as the PDF does; ^FH lets ^ and ~ be sent as hex.
        font_id = "1" if printer_font else "0"
        return f"^FT{round(x)},{baseline}^A{font_id}N,{height},{height}^FH\\^FD{_escape(text)}^FS"
    if kind == "rect":
        _, x, y, width, height = op
        return f"^FO{x},{y}^GB{width},{height},{min(width, height)}^FS"
    if kind == "qr":
        _, x, y, module, data, ec = op
        magnification = min(module, _MAX_QR_MAGNIFICATION)
        return (
            f"^BY2,3,{_QR_BY_HEIGHT}^FO{x},{max(0, y - _QR_BY_HEIGHT)}"
            f"^BQN,2,{magnification}^FH\\^FD{ec}A,{_escape(data)}^FS"
        )
    _, x, y, module, bar_height, data, gs1 = op
    return (
        f"^FO{x},{y}^BY{module},3,{bar_height}^BCN,{bar_height},N,N,N,N^FD{bc_data(data, gs1)}^FS"
    )


@lru_cache(maxsize=4096)  # names, fields and HRI repeat on every carton of a lot
def _graphic_text(x: int, baseline: int, font: str, pixels: int, text: str) -> str:
    """A text line as a ``^GF`` bitmap (Z64), drawn with the PDF's TrueType font."""
    from PIL import Image, ImageDraw, ImageFont

    path = font_file(font)
    assert path is not None, "only a TrueType font is drawn as a bitmap (see _field)"
    face = ImageFont.truetype(path, max(1, pixels), index=0)
    left, top, right, bottom = (int(edge) for edge in face.getbbox(text, anchor="ls"))
    width, height = max(1, right - left), max(1, bottom - top)
    image = Image.new("1", (width, height), 0)
    ImageDraw.Draw(image).text((-left, -top), text, font=face, fill=1, anchor="ls")
    row = (width + 7) // 8
    data = image.tobytes()  # mode "1": 1 bits are the drawn text, as ^GF wants black
    encoded = base64.b64encode(zlib.compress(data, 9))
    crc = binascii.crc_hqx(encoded, 0)
    return (
        f"^FO{x + left},{baseline + top}^GFA,{len(data)},{len(data)},{row},"
        f":Z64:{encoded.decode()}:{crc:04X}^FS"
    )


def bc_data(data: str, gs1: bool) -> str:
    """The ``^BC`` mode N field data for ``data``: the symbol characters we chose.

    In sets A and C every symbol value is written as two digits (``99`` in set A
    is "code C"), in set B as its character; ``>8`` is FNC1, ``>6`` code B and
    ``>7`` code A. ``>5`` is never needed: `code128` enters C from A only.

    Example: ``bc_data("10LOT26A\\x1d2100042", True)`` is
    ``">;>810>7444752182233>81899100042"`` (L O T 2 6 A in set A, then code C).

    References:
        Zebra ZPL II Programming Guide, ^BC: invocation codes, start characters, and
        "Code 128 subsets A and C are programmed as pairs of digits, 00 to 99".
    """
    values = code128.encode(data, gs1=gs1)
    out = [_START[values[0]]]
    code_set = {code128.START_A: "A", code128.START_B: "B", code128.START_C: "C"}[values[0]]
    for value in values[1:-2]:  # the printer adds the check character and stop
        if value == code128.FNC1:
            out.append(">8")
        elif code_set != "B" and value == code128.CODE_B:
            out.append(">6")
            code_set = "B"
        elif code_set != "A" and value == code128.CODE_A:
            out.append(">7")
            code_set = "A"
        elif code_set == "B":
            char = chr(value + 32)
            out.append({">": ">0", "^": "><", "~": ">="}.get(char, char))
        else:
            out.append(f"{value:02d}")
            code_set = "C" if value == code128.CODE_C else code_set
    return "".join(out)


def _escape(text: str) -> str:
    """Escape ``\\``, ``^`` and ``~`` as ^FH hex (``\\5C``, ``\\5E``, ``\\7E``)."""
    return text.replace("\\", "\\5C").replace("^", "\\5E").replace("~", "\\7E")
