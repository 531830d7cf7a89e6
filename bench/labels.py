"""Benchmark: carton labels 100x150 mm to PDF and ZPL, against a plain reportlab reference.

    .venv/bin/python bench/labels.py                       # print the markdown section
    .venv/bin/python bench/labels.py --output docs/benchmarks.md

Each measurement runs in its own subprocess, so that its peak memory (ru_maxrss) is its
own: flat memory shows as the same peak for 1,000 and 10,000 labels. The reference is the
obvious way to draw the same label (as measured when labels were first built): a reportlab Canvas, qrcode and
python-barcode modules drawn as rectangles, the same text lines; it runs in this same
script on the same machine, and the ratio to it is the figure to watch.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402
from trace.labels.content import carton_label, carton_labels  # noqa: E402
from trace.labels.facts import LotFacts, Treatment  # noqa: E402
from trace.labels.linear import linear_symbols  # noqa: E402

FACTS = LotFacts(
    names={"vi": "Vải thiều Thanh Hà", "en": "Thanh Ha lychee", "ja": "タンハー・ライチ"},
    gtin="8931234567897",
    variety="Thanh Hà",
    net_weight_kg=10,
    lot="LOT26A",
    pack_date=date(2026, 6, 15),
    growing_areas=("VN-HD-TH-01-26",),
    packing_house="PHC-HD-001",
    treatment=Treatment("TFC-07", "B123"),
    market="JP",
    base_url="https://trace.example.vn",
)
TARGET_RATE, TARGET_BYTES = 500, 4096


def _serials(count: int):
    return (f"{n:06d}" for n in range(count))


def run_trace(fmt: str, count: int) -> dict:
    """Render ``count`` labels with trace's renderer, counting bytes as they stream."""
    from trace.labels.render import render

    list(render([carton_label(FACTS, "warm-up")], "100x150mm", fmt))  # fonts, imports
    started, cpu = time.perf_counter(), time.process_time()
    size = sum(
        len(chunk) for chunk in render(carton_labels(FACTS, _serials(count)), "100x150mm", fmt)
    )
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "bytes": size,
    }


def run_reference(count: int) -> dict:
    """The plain way: reportlab Canvas + qrcode + python-barcode, modules as rectangles."""
    import qrcode
    from barcode.codex import Gs1_128
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from trace.labels.fonts import font, font_for  # the same TrueType fonts, registered

    started, cpu = time.perf_counter(), time.process_time()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(100 * mm, 150 * mm), pageCompression=1)
    x_dim = 25.4 / 203 * mm  # one dot at 203 dpi
    for label in carton_labels(FACTS, _serials(count)):
        y = 140 * mm
        for text, size in [(label.names[0], 16), *[(n, 14) for n in label.names[1:]]]:
            canvas.setFont(font_for(text), size)
            canvas.drawString(3 * mm, y, text)
            y -= 7 * mm
        for field in label.fields:
            text = f"{field.title}: {field.value}"
            canvas.setFont(font_for(text), 10)
            canvas.drawString(40 * mm, y, text)
            y -= 4.5 * mm
        canvas.setFont(font("bold"), 12)
        canvas.drawString(3 * mm, y, label.origin)
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
        code.add_data(label.qr)
        matrix = code.get_matrix()
        path = canvas.beginPath()
        for row, cells in enumerate(matrix):
            for column, dark in enumerate(cells):
                if dark:
                    path.rect(
                        3 * mm + column * 7 * x_dim, 95 * mm - row * 7 * x_dim, 7 * x_dim, 7 * x_dim
                    )
        canvas.drawPath(path, stroke=0, fill=1)
        for index, symbol in enumerate(linear_symbols(label, 199, 2)):
            modules = Gs1_128(symbol.data.replace("\x1d", "\xf1")).build()[0]
            path = canvas.beginPath()
            for column, bit in enumerate(modules):
                if bit == "1":
                    path.rect(
                        10 * mm + column * 3 * x_dim,
                        (30 - index * 25) * mm + 8 * mm,
                        3 * x_dim,
                        18 * mm,
                    )
            canvas.drawPath(path, stroke=0, fill=1)
            canvas.setFont(font("regular"), 8)
            canvas.drawString(20 * mm, (30 - index * 25) * mm + 4 * mm, symbol.hri)
        canvas.showPage()
    canvas.save()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "bytes": len(out.getvalue())}


def measure(kind: str, count: int) -> dict:
    """Run one measurement in a fresh interpreter; return its figures and peak memory."""
    out = subprocess.run(
        [sys.executable, __file__, "--one", kind, str(count)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.splitlines()[-1])


def _one(kind: str, count: int) -> None:
    figures = run_reference(count) if kind == "reference" else run_trace(kind, count)
    figures["count"] = count
    figures["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def report(counts: list[int], reference_count: int) -> str:
    rows, results = [], {}
    for kind in ("pdf", "zpl"):
        for count in counts:
            result = results[kind, count] = measure(kind, count)
            rows.append((f"trace {kind.upper()}", result))
    reference = measure("reference", reference_count)
    rows.append(("reference PDF (reportlab Canvas + qrcode + python-barcode)", reference))
    largest = results["pdf", max(counts)]
    ratio = (largest["count"] / largest["cpu"]) / (reference["count"] / reference["cpu"])
    lines = [
        "## Labels: carton labels 100x150 mm",
        "",
        f"`bench/labels.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {platform.machine()},"
        f" Python {platform.python_version()}; 203 dpi; each row a fresh process"
        " (peak memory is the process's ru_maxrss, imports and fonts included);"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end (above the"
        " core count, other work shares the CPU: labels/s of CPU time is the process's own).",
        "",
        "| renderer | labels | labels/s | labels/s of CPU time | bytes/label | peak memory |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, result in rows:
        lines.append(
            f"| {name} | {result['count']:,} | {result['count'] / result['seconds']:,.0f}"
            f" | {result['count'] / result['cpu']:,.0f} | {result['bytes'] / result['count']:,.0f} | {result['max_rss_mb']:.0f} MB |"
        )
    pdf_rate = largest["count"] / largest["seconds"]
    cpu_rate = largest["count"] / largest["cpu"]
    pdf_size = largest["bytes"] / largest["count"]
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    busy = (
        f" **Measured on a busy machine** (load {load:.1f} on {cores} cores)."
        if load > cores
        else ""
    )
    lines += [
        "",
        f"-{busy} PDF is **{ratio:.1f}x** the reference's speed (CPU time); targets: ≥ {TARGET_RATE} labels/s"
        f" ({'met' if pdf_rate >= TARGET_RATE else 'NOT met'}: {pdf_rate:,.0f};"
        f" {cpu_rate:,.0f} of CPU time),"
        f" ≤ {TARGET_BYTES / 1024:.0f} KB/label"
        f" ({'met' if pdf_size <= TARGET_BYTES else 'NOT met'}: {pdf_size:,.0f} B),"
        " memory flat as N grows (compare the PDF rows).",
        "- Why: the PDF is written page by page (only object offsets kept); what every carton"
        " of a lot shares is one form XObject; each symbol is one path in whole printer dots;"
        " QR codes come from zxing-cpp's C++ encoder.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--reference-count", type=int, default=1000)
    parser.add_argument("--output", help="markdown file whose labels section is replaced")
    parser.add_argument("--one", nargs=2, metavar=("KIND", "COUNT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        _one(args.one[0], int(args.one[1]))
        return
    markdown = report(args.counts, args.reference_count)
    print(markdown)
    if args.output:
        write_section(args.output, "labels", markdown)


if __name__ == "__main__":
    main()
