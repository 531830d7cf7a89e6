"""One entry point for every label format: `render` yields bytes the HTTP layer streams.

    >>> from trace.labels.render import render, content_type, suffix
    >>> chunks = render(carton_labels(facts, serials), "100x150mm", "pdf")
    >>> Response(chunks, content_type=content_type("pdf"))  # doctest: +SKIP

- ``pdf``: every label, one per page (``a4-24``: 24 per A4 sheet), streamed as it is
  drawn; memory stays flat however many labels there are.
- ``zpl``: one ``^XA … ^XZ`` block per label (thermal sizes only).
- ``png``: a preview of the first page only (first label, or first sheet of 24).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .content import Label
from .sizes import DEFAULT_DPI, SIZES_MM

SIZES = tuple(SIZES_MM)
FORMATS = ("pdf", "png", "zpl")
_CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "zpl": "application/zpl"}


def render(labels: Iterable[Label], size: str, fmt: str, dpi: int | None = None) -> Iterator[bytes]:
    """Render labels, yielding the file in chunks.

    Args:
        labels: Label contents (`CartonLabel`, `PalletLabel`, `StickerLabel`), e.g.
            from `content.carton_labels`; consumed lazily.
        size: ``"100x150mm"``, ``"4x6in"``, ``"50x30mm"`` or ``"a4-24"``.
        fmt: ``"pdf"``, ``"png"`` or ``"zpl"``.
        dpi: Printer resolution, 203 or 300 (600 for PDF/PNG); default 203 for
            thermal sizes, 300 for ``a4-24``.

    Raises:
        ValueError: For an unknown size or format, a pallet on a small label, ZPL for
            an A4 sheet, or an unsupported resolution. Raised on the first ``next()``
            for PDF and ZPL (they are generators), at once for checks done here.
    """
    if size not in SIZES_MM:
        raise ValueError(f"label size {size!r}: should be one of {', '.join(SIZES)}")
    if fmt not in FORMATS:
        raise ValueError(f"label format {fmt!r}: should be one of {', '.join(FORMATS)}")
    dpi = dpi or DEFAULT_DPI[size]
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(labels, size, dpi)
    if fmt == "zpl":
        from .zpl import render_zpl

        return render_zpl(labels, size, dpi)
    from .png import png_bytes

    return iter((png_bytes(labels, size, dpi),))


def content_type(fmt: str) -> str:
    """The media type of a format: ``application/pdf``, ``image/png``, ``application/zpl``."""
    return _CONTENT_TYPES[fmt]


def suffix(fmt: str) -> str:
    """The file name suffix of a format: ``.pdf``, ``.png`` or ``.zpl``."""
    if fmt not in _CONTENT_TYPES:
        raise ValueError(f"label format {fmt!r}: should be one of {', '.join(FORMATS)}")
    return f".{fmt}"
