"""Labels: what a carton, pallet or sticker label says, and drawing it so scanners read it.

- `content` (PURE: standard library and `trace.gs1`) builds frozen values from the
  `facts` the service layer reads: text lines, QR data, GS1-128 element strings;
  `linear` (PURE) splits them into symbols, `code128` (PURE) chooses the symbol
  characters, `sizes` (PURE) says which kind and format fit which label size.
- `symbols` turns them into module geometry (zxing-cpp for QR, Code 128 patterns);
  `fonts` finds the TrueType fonts; `layout` places everything in printer dots.
- `pdf` (own streaming writer; reportlab for font metrics and subsets), `png` (the PDF
  rasterised by pypdfium2) and `zpl` (Zebra ZPL II) draw them; `render` is the one
  entry point, yielding bytes for streaming.

Importing this package loads nothing heavy: renderers are imported where used.
"""
