"""Labels as PNG: the PDF rasterised by PDFium, so there is one drawing code path.

A PNG is a preview: it shows the FIRST page only (the first label, or the first A4
sheet of 24). Print from PDF or ZPL. Pages are rendered at the printer's resolution,
in 8-bit grey, where module edges fall on whole pixels exactly as on the printer.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from itertools import islice

import pypdfium2

from .content import Label
from .pdf import pdf_bytes
from .sizes import DEFAULT_DPI


def png_bytes(labels: Iterable[Label], size: str, dpi: int | None = None) -> bytes:
    """Render the first page of ``labels`` as a PNG at ``dpi`` (default: the size's)."""
    dpi = dpi or DEFAULT_DPI[size]
    per_page = 24 if size == "a4-24" else 1
    document = pypdfium2.PdfDocument(pdf_bytes(islice(labels, per_page), size, dpi))
    try:
        image = document[0].render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True, dpi=(dpi, dpi))
    return out.getvalue()
