"""Print-and-scan sweep: how often each carton and pallet linear symbol reads.

    .venv/bin/python bench/print_scan.py                        # print the table
    .venv/bin/python bench/print_scan.py --output docs/labels.md

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

from tests.labels.decoding import lot_facts, pallet_facts  # noqa: E402
from tests.labels.print_scan import (  # noqa: E402
    DEGRADATIONS,
    DPI,
    symbol_crops,
    trial,
)
from trace.labels.content import carton_label, linear_symbols, pallet_label  # noqa: E402
from trace.labels.layout import MAX_SYMBOLS, dots, x_dimension  # noqa: E402

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
            cells = []
            for degradation in DEGRADATIONS:
                counts = Counter(trial(data, crop, degradation, seed) for seed in range(trials))
                cells.append(f"{100 * counts['read'] / trials:.0f} % ({counts['misread']})")
            lines.append(f"| {kind} {hri} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _hri(label, data: str) -> str:
    """The symbol's human-readable text, e.g. ``(01)08931234567897``."""
    symbols = linear_symbols(label, dots(100, DPI) // x_dimension(DPI), MAX_SYMBOLS[label.kind])
    return next(symbol.hri for symbol in symbols if symbol.data == data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--output", help="docs/labels.md: its print-scan block is replaced")
    args = parser.parse_args()
    table = sweep(args.trials)
    print(table)
    if args.output:
        path = Path(args.output)
        text = path.read_text()
        start, end = "<!-- print-scan:start -->\n", "<!-- print-scan:end -->"
        before, rest = text.split(start)
        _, after = rest.split(end)
        path.write_text(before + start + table + end + after)


if __name__ == "__main__":
    main()
