"""Print-and-scan sweep: how often each carton and pallet linear symbol reads.

    .venv/bin/python bench/print_scan.py                        # print the table
    .venv/bin/python bench/print_scan.py --output docs/labels.md
    .venv/bin/python bench/print_scan.py --trials 1000 --px-per-mm 4.3   # "35 cm" at 30 cm
    .venv/bin/python bench/print_scan.py --trials 1000 --pallet-options  # what else was tried

Each symbol is rendered at 203 dpi, degraded one way (35 cm distance, blur σ1.5 px,
15° rotation, +1 dot ink spread), JPEG-compressed at quality 30 and read with zxing-cpp;
see tests/labels/print_scan.py. The table replaces the print-scan block of docs/labels.md.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402
from tests.labels import print_scan  # noqa: E402
from tests.labels.decoding import lot_facts, pallet_facts  # noqa: E402
from tests.labels.print_scan import (  # noqa: E402
    DEGRADATIONS,
    DPI,
    symbol_crops,
    trial,
)
from trace.labels.content import carton_label, pallet_label  # noqa: E402
from trace.labels.layout import dots, label_symbols  # noqa: E402

LABELS = {
    "carton": carton_label(lot_facts(market="US"), "7KQ2M9XD4TNRB"),
    "pallet": pallet_label(pallet_facts()),
}


def sweep(trials: int) -> str:
    lines = [
        f"{trials} trials per symbol and degradation; reads % (misreads).",
        "",
        "| symbol | " + " | ".join(DEGRADATIONS) + " |",
        "|---|" + "---:|" * len(DEGRADATIONS),
    ]
    for kind, label in LABELS.items():
        for data, crop in symbol_crops(label):
            hri = _hri(label, data)
            cells = _cells(data, crop, trials, 1 if trials >= 1000 else 0)
            lines.append(f"| {kind} {hri} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _cells(data: str, crop, trials: int, places: int = 0) -> list[str]:
    """Reads % (misreads) of ``trials`` seeded trials per degradation."""
    cells = []
    for degradation in DEGRADATIONS:
        counts = Counter(trial(data, crop, degradation, seed) for seed in range(trials))
        cells.append(f"{100 * counts['read'] / trials:.{places}f} % ({counts['misread']})")
    return cells


def qr_sweep(trials: int) -> str:
    """The US carton's QR at error correction M and Q: a scratch, a scuff."""
    import random

    import zxingcpp
    from PIL import ImageDraw

    from tests.labels.decoding import pages
    from trace.labels import symbols
    from trace.labels.layout import layout
    from trace.labels.pdf import pdf_bytes

    label = LABELS["carton"]
    rows = [
        "",
        "| carton QR | modules | module | 1.5 mm scratch | 10 mm scuff |",
        "|---|---:|---:|---:|---:|",
    ]
    chosen = symbols.QR_CARTON_ERROR_CORRECTION
    for ec in ("M", "Q"):
        symbols.QR_CARTON_ERROR_CORRECTION = ec
        (op,) = [op for op in layout(label, "100x150mm", DPI).own if op[0] == "qr"]
        _, x, y, module, data, _ = op
        size, _ = symbols.qr(data, ec)
        (page,) = pages(pdf_bytes([label], "100x150mm", DPI), DPI)
        quiet, side = 4 * module, size * module
        crop = page.crop((x - quiet, y - quiet, x + side + quiet, y + side + quiet))
        reads = {}
        for damage in ("scratch", "scuff"):
            good = 0
            for seed in range(trials):
                rng, image = random.Random(seed), crop.copy()
                draw = ImageDraw.Draw(image)
                if damage == "scratch":  # a dark scratch right across, 1.5 mm wide
                    top = (quiet + rng.randint(0, side), quiet)
                    bottom = (quiet + rng.randint(0, side), quiet + side)
                    draw.line([top, bottom], fill=0, width=12)
                else:  # ink rubbed off: a white patch 10 mm across
                    cx, cy = quiet + rng.randint(0, side), quiet + rng.randint(0, side)
                    draw.ellipse((cx - 40, cy - 40, cx + 40, cy + 40), fill=255)
                found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
                good += any(read.text == data for read in found)
            reads[damage] = f"{100 * good / trials:.0f} %"
        rows.append(
            f"| {ec} | {size} | {module * 25.4 / DPI:.2f} mm | {reads['scratch']} | {reads['scuff']} |"
        )
    symbols.QR_CARTON_ERROR_CORRECTION = chosen
    return "\n".join(rows) + "\n"


# What else the pallet's symbols could be (docs/labels.md, "Print and scan"): (name, data,
# X in dots, label width in dots, bar width reduction in dots).
SSCC, CONTENT = "00089312340000000424", "020893123456789737" + "40"
PALLET_OPTIONS = [
    ("(00) as printed, 4 dots", SSCC, 4, 799, 0),
    ("(02)(37) as printed, 4 dots", CONTENT, 4, 799, 0),
    ("(00), 4 dots, bars 1 dot narrower", SSCC, 4, 799, 1),
    ("(02)(37), 4 dots, bars 1 dot narrower", CONTENT, 4, 799, 1),
    ("(02) alone, 5 dots", CONTENT[:16], 5, 799, 0),
    ("(37) alone, 8 dots", CONTENT[16:], 8, 799, 0),
    ("(00) on A5 (148 mm), 5 dots", SSCC, 5, 1183, 0),
    ("(00) on A5 (148 mm), 6 dots", SSCC, 6, 1183, 0),
]


def pallet_options(trials: int) -> str:
    """Each option drawn on the dot grid as the PDF draws a symbol, through the same trials."""
    from PIL import Image, ImageDraw

    from trace.labels import symbols

    rows = ["| option | " + " | ".join(DEGRADATIONS) + " |", "|---|" + "---:|" * len(DEGRADATIONS)]
    for name, data, x_dim, width, reduction in PALLET_OPTIONS:
        modules, bars = symbols.bars(data, True)
        pad, height = round(3 * DPI / 25.4), dots(32, DPI)
        crop = Image.new("L", (width, height + 2 * pad), 255)
        left = (width - modules * x_dim) // 2
        assert left >= 10 * x_dim, f"{name}: no room for 10X quiet zones"
        for x, w in bars:
            box = (left + x * x_dim, pad, left + (x + w) * x_dim - 1 - reduction, pad + height - 1)
            ImageDraw.Draw(crop).rectangle(box, fill=0)
        rows.append(f"| {name} | " + " | ".join(_cells(data, crop, trials, 1)) + " |")
    return "\n".join(rows) + "\n"


def _hri(label, data: str) -> str:
    """The symbol's human-readable text, e.g. ``(01)08931234567897``."""
    symbols = label_symbols(label, dots(100, DPI), DPI)
    return next(symbol.hri for symbol in symbols if symbol.data == data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--output", help="docs/labels.md: its print-scan block is replaced")
    parser.add_argument(
        "--px-per-mm",
        type=float,
        help="camera pixels per mm for the distance column (4.3: 30 cm, 3.3: 40 cm)",
    )
    parser.add_argument(
        "--pallet-options",
        action="store_true",
        help="only the pallet alternatives (bar width reduction, split, A5): print their table",
    )
    args = parser.parse_args()
    if args.pallet_options:
        print(pallet_options(args.trials))
        return
    if args.px_per_mm:
        if args.output:
            parser.error("--px-per-mm measures another distance: not for docs/labels.md")
        print_scan.PX_PER_MM_AT_35_CM = args.px_per_mm
    table = sweep(args.trials) + qr_sweep(args.trials)
    print(table)
    if args.output:
        path = Path(args.output)
        text = path.read_text() if path.exists() else ""
        start, end = "<!-- print-scan:start -->\n", "<!-- print-scan:end -->"
        if start in text:  # docs/labels.md: the figures its text discusses
            before, rest = text.split(start)
            _, after = rest.split(end)
            path.write_text(before + start + table + end + after)
        else:  # docs/benchmarks.md, from make bench
            command = f"`bench/print_scan.py --trials {args.trials}`"
            write_section(path, "print-scan", f"## Labels: print and scan\n\n{command}\n\n{table}")


if __name__ == "__main__":
    main()
