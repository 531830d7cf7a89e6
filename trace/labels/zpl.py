"""Labels as ZPL II for Zebra thermal printers: the printer draws the symbols itself.

The layout is the PDF's (`layout`, in dots), so a ZPL label and a PDF label look
alike. Symbols are sent as data, not pictures:

- GS1-128 / Code 128: ``^BY`` sets the module width in dots, ``^BC`` (mode N) gets the
  very symbol characters the PDF draws (`code128.encode`), written with Zebra's
  invocation codes: ``>;`` Start C, ``>:`` Start B, ``>8`` FNC1, ``>5``/``>6`` code C/B,
  ``>0`` for a literal ``>``. The printer adds the mod-103 check character. Our own
  HRI text (``(01)…``) is printed under the bars, so ``^BC`` prints none.
- QR: ``^BQN,2,m`` (model 2, m dots per module, at most 10) with ``^FDMA,<data>``:
  error correction M, automatic input mode.

Text is UTF-8 (``^CI28``) in the printer's scalable font 0 by default. Caveat: font 0
has no Vietnamese letters beyond Latin-1 and no Japanese or Korean. Printers that
hold a TrueType font (e.g. DejaVu Sans sent once as ``E:DEJAVU.TTF``) print them
when ``font`` names it: it is then bound with ``^CW`` and used for every text field.

References:
    Zebra ZPL II Programming Guide: ^XA/^XZ, ^CI, ^PW, ^LL, ^FO, ^FT, ^A, ^CW, ^FH,
    ^BY, ^BC (invocation codes, table "Code 128 Subsets"), ^BQ.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from . import code128
from .content import Label
from .layout import DEFAULT_DPI, SHEETS, Layout, Op, layout

_START = {code128.START_B: ">:", code128.START_C: ">;"}
_MAX_QR_MAGNIFICATION = 10  # ^BQ's limit


def zpl_label(label: Label, size: str, dpi: int | None = None, font: str | None = None) -> str:
    """One label as a ``^XA … ^XZ`` block.

    Args:
        label: The label content.
        size: ``"100x150mm"``, ``"4x6in"`` or ``"50x30mm"``.
        dpi: 203 or 300 (the printer's print head); default 203.
        font: A TrueType font stored on the printer, e.g. ``"E:DEJAVU.TTF"``, for
            text font 0 cannot print (Vietnamese, Japanese, Korean).

    Raises:
        ValueError: For ``a4-24`` (sheets go to office printers: use PDF) or an
            unsupported resolution.
    """
    if size in SHEETS:
        raise ValueError(f"label size {size!r}: ZPL is for thermal label printers, use PDF")
    dpi = dpi or DEFAULT_DPI.get(size, 203)
    if dpi not in (203, 300):
        raise ValueError(f"dpi {dpi}: Zebra print heads are 203 or 300 dpi")
    drawing = layout(label, size, dpi)
    lines = ["^XA", "^CI28", f"^PW{drawing.width}", f"^LL{drawing.height}", "^LH0,0"]
    if font:
        lines.append(f"^CW1,{font}")
    for op in drawing.shared + drawing.own:
        lines.append(_field(op, drawing, "1" if font else "0"))
    lines.append("^XZ")
    return "\n".join(lines) + "\n"


def render_zpl(
    labels: Iterable[Label], size: str, dpi: int | None = None, font: str | None = None
) -> Iterator[bytes]:
    """Yield one UTF-8 ``^XA … ^XZ`` block per label."""
    for label in labels:
        yield zpl_label(label, size, dpi, font).encode()


def _field(op: Op, drawing: Layout, font_id: str) -> str:
    kind = op[0]
    if kind == "text":
        _, x, baseline, _font, size, text = op
        height = max(10, round(size * drawing.dpi / 72))
        # ^FT places the baseline, as the PDF does; ^FH lets ^ and ~ be sent as hex.
        return f"^FT{round(x)},{baseline}^A{font_id}N,{height},{height}^FH\\^FD{_escape(text)}^FS"
    if kind == "rect":
        _, x, y, width, height = op
        return f"^FO{x},{y}^GB{width},{height},{min(width, height)}^FS"
    if kind == "qr":
        _, x, y, module, data = op
        magnification = min(module, _MAX_QR_MAGNIFICATION)
        return f"^FO{x},{y}^BQN,2,{magnification}^FH\\^FDMA,{_escape(data)}^FS"
    _, x, y, module, bar_height, data, gs1 = op
    return f"^FO{x},{y}^BY{module}^BCN,{bar_height},N,N,N,N^FD{bc_data(data, gs1)}^FS"


def bc_data(data: str, gs1: bool) -> str:
    """The ``^BC`` mode N field data for ``data``: the symbol characters we chose.

    Example: ``bc_data("10LOT26A\\x1d2100042", True)`` is ``">;>810>6LOT26A>82>5100042"``.

    References:
        Zebra ZPL II Programming Guide, ^BC: invocation codes and start characters.
    """
    values = code128.encode(data, gs1=gs1)
    out = [_START[values[0]]]
    code_set = "C" if values[0] == code128.START_C else "B"
    for value in values[1:-2]:  # the printer adds the check character and stop
        if value == code128.FNC1:
            out.append(">8")
        elif code_set == "C" and value == code128.CODE_B:
            out.append(">6")
            code_set = "B"
        elif code_set == "B" and value == code128.CODE_C:
            out.append(">5")
            code_set = "C"
        elif code_set == "C":
            out.append(f"{value:02d}")
        else:
            char = chr(value + 32)
            out.append({">": ">0", "^": "><", "~": ">="}.get(char, char))
    return "".join(out)


def _escape(text: str) -> str:
    """Escape ``\\``, ``^`` and ``~`` as ^FH hex (``\\5C``, ``\\5E``, ``\\7E``)."""
    return text.replace("\\", "\\5C").replace("^", "\\5E").replace("~", "\\7E")
