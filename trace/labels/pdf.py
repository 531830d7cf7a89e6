"""Labels as PDF, written as a stream: one label per page, or 24 per A4 sheet.

reportlab's Canvas keeps every page in memory until it saves (about 6 KB a label,
measured), so this module writes the PDF itself, page by page, and keeps only object
offsets: memory stays flat however many labels are printed, and the HTTP layer can
send the first bytes before the last label is drawn. reportlab still does what is
hard: font metrics, TrueType subsetting and the subsets' ToUnicode maps (text stays
searchable and copyable), embedded at the end when every character used is known.

Symbols are raw path operators inside a ``cm`` transform whose unit is one module of
whole printer dots: every bar edge sits on the target printer's dot grid (measured:
only bars on the grid decode at 203 dpi) and each symbol is one filled path. What all cartons of a lot share (names,
fields, the (01)(13) symbol) is drawn once as a form XObject and reused.

References:
    ISO 32000-1 (PDF 1.7): 7.5 (file structure), 8.10 (form XObjects), 9.6.3 and
    9.10.3 (TrueType fonts, ToUnicode).
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont, makeToUnicodeCMap

from . import symbols
from .content import Label
from .layout import Layout, Op, dots, layout
from .sizes import DEFAULT_DPI, DPIS, SHEETS, SIZES_MM

_CATALOG, _PAGES, _RESOURCES, _INFO = 1, 2, 3, 4
_MAX_FORMS = 512  # shared parts remembered; an evicted one is simply written again


class _DocumentKey:
    """Identifies this document in reportlab's per-document font state."""


class PdfWriter:
    """Write labels as a PDF to ``write``, page by page.

    Args:
        write: Called with each piece of the file, in order.
        size: ``"100x150mm"``, ``"4x6in"``, ``"50x30mm"`` or ``"a4-24"``.
        dpi: The printer's resolution (203, 300 or 600); modules are whole dots at
            it. Default: 203 for thermal sizes, 300 for ``a4-24``.
    """

    def __init__(self, write: Callable[[bytes], object], size: str, dpi: int | None = None) -> None:
        if size not in SIZES_MM:
            raise ValueError(f"label size {size!r}: should be one of {', '.join(SIZES_MM)}")
        self.size = size
        self.dpi = dpi or DEFAULT_DPI[size]
        if self.dpi not in DPIS:
            raise ValueError(f"dpi {self.dpi}: should be one of {DPIS}")
        self.dot = 72 / self.dpi  # points per dot
        sheet = SHEETS.get(size)
        page_mm = sheet[0] if sheet else SIZES_MM[size]
        # The page is a whole number of printer dots (100 mm is 799.2 dots at 203 dpi:
        # 799), so a rasteriser at the printer's resolution puts every edge on a pixel.
        self.page_dots = (dots(page_mm[0], self.dpi), dots(page_mm[1], self.dpi))
        self.columns, self.rows = (sheet[1], sheet[2]) if sheet else (1, 1)
        self.page_height = self.page_dots[1] * self.dot
        self._write = write
        self._position = 0
        self._offsets = array("Q", [0] * 5)  # index = object number; 1-4 are reserved
        self._page_ids = array("L")
        self._forms: dict[tuple[Op, ...], bytes] = {}
        self._xobjects: list[tuple[bytes, int]] = []
        self._fonts: dict[str, int] = {}  # reportlab font name -> index in resource names
        self._key = _DocumentKey()  # reportlab keeps subset state per document (weakly)
        self._content: list[bytes] = []
        self._slot = 0
        self.pages = 0
        self._out(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    def add(self, label: Label) -> None:
        """Draw one label in the next slot; a full page is written out at once."""
        drawing = layout(label, self.size, self.dpi)
        column, row = self._slot % self.columns, self._slot // self.columns
        width_mm, height_mm = SIZES_MM[self.size]
        # Cell origins are whole dots too, so that symbols stay on the grid.
        left, top = dots(column * width_mm, self.dpi), dots(row * height_mm, self.dpi)
        bottom = self.page_height - (top + drawing.height) * self.dot
        form = self._form(drawing)
        self._content.append(b"q 1 0 0 1 %.4f %.4f cm /%s Do\n" % (left * self.dot, bottom, form))
        self._ops(self._content, drawing.own, drawing.height)
        self._content.append(b"Q\n")
        self._slot += 1
        if self._slot == self.columns * self.rows:
            self._page_done()

    def close(self) -> None:
        """Write the last page, the fonts and the document's trailer."""
        if self._slot or not self.pages:
            self._page_done()
        fonts = []
        try:
            for name, index in self._fonts.items():
                fonts += self._font_objects(name, index)
        finally:
            for name in self._fonts:
                getattr(pdfmetrics.getFont(name), "state", {}).pop(self._key, None)
        font_dict = b" ".join(b"/%s %d 0 R" % (tag, number) for tag, number in fonts)
        xobjects = b" ".join(b"/%s %d 0 R" % (tag, number) for tag, number in self._xobjects)
        self._object(
            _RESOURCES,
            b"<< /ProcSet [/PDF /Text] /Font << %s >> /XObject << %s >> >>" % (font_dict, xobjects),
        )
        kids = b" ".join(b"%d 0 R" % number for number in self._page_ids)
        self._object(_PAGES, b"<< /Type /Pages /Count %d /Kids [%s] >>" % (self.pages, kids))
        self._object(_CATALOG, b"<< /Type /Catalog /Pages %d 0 R >>" % _PAGES)
        self._object(_INFO, b"<< /Producer (trace) /Title (trace labels) >>")
        xref = self._position
        entries = [b"xref\n0 %d\n0000000000 65535 f \n" % len(self._offsets)]
        entries += [b"%010d 00000 n \n" % offset for offset in self._offsets[1:]]
        self._out(b"".join(entries))
        self._out(
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(self._offsets), _CATALOG, _INFO, xref)
        )

    # --- objects ---------------------------------------------------------------------

    def _out(self, data: bytes) -> None:
        self._write(data)
        self._position += len(data)

    def _new(self) -> int:
        self._offsets.append(0)
        return len(self._offsets) - 1

    def _object(self, number: int, body: bytes) -> None:
        self._offsets[number] = self._position
        self._out(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def _stream(self, number: int, entries: bytes, data: bytes, compress: bool = True) -> None:
        if compress:
            data, entries = zlib.compress(data, 6), entries + b" /Filter /FlateDecode"
        self._object(
            number, b"<< %s /Length %d >>\nstream\n%s\nendstream" % (entries, len(data), data)
        )

    def _page_done(self) -> None:
        content, page = self._new(), self._new()
        self._stream(content, b"", b"".join(self._content))
        # A hair under the whole dots: rasterisers round the page up to whole pixels.
        width, height = self.page_dots[0] * self.dot - 1e-4, self.page_height - 1e-4
        self._object(
            page,
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.6f %.6f] /Resources %d 0 R"
            b" /Contents %d 0 R >>" % (_PAGES, width, height, _RESOURCES, content),
        )
        self._page_ids.append(page)
        self._content = []
        self._slot = 0
        self.pages += 1

    def _form(self, drawing: Layout) -> bytes:
        """The name of the form XObject drawing the shared part; written on first use."""
        key = tuple(drawing.shared)
        name = self._forms.get(key)
        if name is None:
            if len(self._forms) >= _MAX_FORMS:
                self._forms.clear()
            number = self._new()
            name = b"X%d" % len(self._xobjects)
            ops: list[bytes] = []
            self._ops(ops, drawing.shared, drawing.height)
            self._stream(
                number,
                b"/Type /XObject /Subtype /Form /BBox [0 0 %.4f %.4f] /Resources %d 0 R"
                % (drawing.width * self.dot, drawing.height * self.dot, _RESOURCES),
                b"".join(ops),
            )
            self._xobjects.append((name, number))
            self._forms[key] = name
        return name

    def _ops(self, out: list[bytes], ops: list[Op], height: int) -> None:
        """Append PDF operators for ``ops`` in the label's space (points, y up)."""
        dot = self.dot
        for op in ops:
            if op[0] == "text":
                _, x, baseline, font, size, text = op
                out.append(
                    b"BT %.3f %.3f Td %s ET\n"
                    % (x * dot, (height - baseline) * dot, self._show(font, size, text))
                )
            elif op[0] == "rect":
                _, x, y, width, rect_height = op
                out.append(
                    b"%.4f %.4f %.4f %.4f re f\n"
                    % (x * dot, (height - y - rect_height) * dot, width * dot, rect_height * dot)
                )
            elif op[0] == "qr":
                _, x, y, module, data, ec = op
                out.append(self._path(x, y, module, module, height, symbols.qr(data, ec)[1]))
            else:
                _, x, y, module, bar_height, data, gs1 = op
                bars = tuple((bx, 0, bw, bar_height) for bx, bw in symbols.bars(data, gs1)[1])
                out.append(self._path(x, y, module, 1, height, bars))

    def _path(
        self,
        x: int,
        y: int,
        module_w: int,
        module_h: int,
        height: int,
        rects: Iterable[symbols.Rect],
    ) -> bytes:
        """One filled path; its unit is one module of module_w x module_h dots, y down."""
        dot = self.dot
        path = " ".join(f"{rx} {ry} {rw} {rh} re" for rx, ry, rw, rh in rects)
        return b"q %.6f 0 0 %.6f %.4f %.4f cm %s f Q\n" % (
            module_w * dot,
            -module_h * dot,
            x * dot,
            (height - y) * dot,
            path.encode(),
        )

    def _show(self, font: str, size: float, text: str) -> bytes:
        """``Tf`` and ``Tj`` operators for ``text``, one pair per font subset used."""
        index = self._fonts.setdefault(font, len(self._fonts))
        face = pdfmetrics.getFont(font)
        if not isinstance(face, TTFont):  # a built-in font: no subsets, WinAnsi
            data = text.encode("cp1252", "replace")
            return b"/F%ds0 %.2f Tf <%s> Tj" % (index, size, data.hex().encode())
        return b" ".join(
            b"/F%ds%d %.2f Tf <%s> Tj" % (index, subset, size, data.hex().encode())
            for subset, data in face.splitString(text, self._key)
        )

    def _font_objects(self, name: str, index: int) -> list[tuple[bytes, int]]:
        """Embed the subsets of one font; return their resource names and numbers."""
        font = pdfmetrics.getFont(name)
        if not isinstance(font, TTFont):
            number = self._new()
            self._object(
                number,
                b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>"
                % name.encode(),
            )
            return [(b"F%ds0" % index, number)]
        state = font.state.get(self._key)
        if state is None:
            return []
        face, found = font.face, []
        for subset_index, subset in enumerate(state.subsets):
            base = SUBSETN(subset_index) + b"+" + face.name + face.subfontNameX
            program = face.makeSubset(subset)
            file_number, descriptor, cmap, number = (self._new() for _ in range(4))
            self._stream(file_number, b"/Length1 %d" % len(program), program)
            flags = (face.flags & ~32) | 4  # symbolic: codes are subset indices
            self._object(
                descriptor,
                b"<< /Type /FontDescriptor /FontName /%s /Flags %d /FontBBox [%s]"
                b" /ItalicAngle %s /Ascent %d /Descent %d /CapHeight %d /StemV %d"
                b" /MissingWidth %d /FontFile2 %d 0 R >>"
                % (
                    base,
                    flags,
                    " ".join(str(v) for v in face.bbox).encode(),
                    str(face.italicAngle).encode(),
                    face.ascent,
                    face.descent,
                    face.capHeight,
                    face.stemV,
                    face.defaultWidth,
                    file_number,
                ),
            )
            self._stream(cmap, b"", makeToUnicodeCMap(base.decode("latin-1"), subset).encode())
            widths = " ".join(str(round(face.getCharWidth(code))) for code in subset)  # type: ignore[no-untyped-call]
            self._object(
                number,
                b"<< /Type /Font /Subtype /TrueType /BaseFont /%s /FirstChar 0 /LastChar %d"
                b" /Widths [%s] /FontDescriptor %d 0 R /ToUnicode %d 0 R >>"
                % (base, len(subset) - 1, widths.encode(), descriptor, cmap),
            )
            found.append((b"F%ds%d" % (index, subset_index), number))
        return found


def render_pdf(
    labels: Iterable[Label], size: str, dpi: int | None = None, chunk_size: int = 1 << 16
) -> Iterator[bytes]:
    """Render labels to one PDF, yielding it in chunks of about ``chunk_size`` bytes.

    Chunks come while labels are drawn: nothing but object offsets is kept.
    """
    buffer = bytearray()
    writer = PdfWriter(buffer.extend, size, dpi)
    for label in labels:
        writer.add(label)
        if len(buffer) >= chunk_size:
            yield bytes(buffer)
            buffer.clear()
    writer.close()
    yield bytes(buffer)


def pdf_bytes(labels: Iterable[Label], size: str, dpi: int | None = None) -> bytes:
    """Render labels to one PDF in memory (tests, previews)."""
    return b"".join(render_pdf(labels, size, dpi))
