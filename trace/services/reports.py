"""The inspector's recall report as CSV (one row per affected pallet) and as a printable PDF
with a picture of the chain: orchards → lots → pallets → shipments (reportlab graphics).

Both are built from `tracing.recall` (what is affected) and the trace graph around the code
(`tracing.trace` backward and forward, for the picture), so they say what the JSON says.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from sqlmodel import Session, col, select

from trace.db.models import Event, Location, Lot, Pallet, PalletContent

from . import masterdata, spreadsheet, tracing

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.styles import StyleSheet1
    from reportlab.platypus import Flowable, Paragraph, Table

CSV_COLUMNS = [
    "Code recalled",
    "Shipment",
    "Status",
    "Market",
    "Consignee (importer)",
    "Consignee country",
    "Exporter",
    "Container",
    "Bill of lading",
    "Phytosanitary certificate",
    "Departed",
    "Arrived",
    "Pallet SSCC",
    "Affected cartons on pallet",
    "Where (pallets not shipped)",
]

# DejaVu Sans draws Vietnamese (ộ, ỹ, ươ, Đ), which reportlab's Helvetica drops.
_FONT_FILES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
]


def recall_report(session: Session, code: str) -> dict[str, Any]:
    """The recall (affected shipments, pallets, lots) and the chain around `code`."""
    report = tracing.recall(session, code)
    backward = tracing.trace(session, code, "backward")
    forward = tracing.trace(session, code, "forward")
    nodes = {n["id"]: n for n in [*backward["nodes"], *forward["nodes"]]}
    edges = {(e["from"], e["to"]): e for e in [*backward["edges"], *forward["edges"]]}
    _places_then(session, nodes, edges.values())
    per_pallet = _pallet_rows(session, report)
    return {
        "code": code,
        "recall": report,
        "nodes": list(nodes.values()),
        "edges": list(edges.values()),
        "pallet_rows": per_pallet,
    }


def _places_then(
    session: Session, nodes: dict[str, dict[str, Any]], edges: Iterable[dict[str, Any]]
) -> None:
    """Each orchard of the chain named as it was when its fruit was harvested (its first edge
    into the chain): a renamed orchard or a code added since does not rewrite the report."""
    first: dict[str, int] = {}
    for edge in edges:
        if edge["from"].startswith("location:") and edge["from"] in nodes:
            first[edge["from"]] = min(first.get(edge["from"], edge["event_id"]), edge["event_id"])
    if not first:
        return
    times = dict(
        session.exec(
            select(Event.id, Event.event_time).where(col(Event.id).in_(set(first.values())))
        ).all()
    )
    history = masterdata.history(session, [int(name[9:]) for name in first])
    for name, event_id in first.items():
        state = history.location(int(name[9:]), times.get(event_id))
        if state is None:
            continue
        nodes[name] = {
            **nodes[name],
            "label": state["name"],
            "address": state["address"],
            "codes": [
                {k: c[k] for k in ("scheme", "value", "market", "status")} for c in state["codes"]
            ],
        }


def _pallet_rows(session: Session, report: dict[str, Any]) -> list[dict[str, Any]]:
    """A row per affected pallet: three queries however many pallets."""
    codes = [lot["code"] for lot in report["lots"]] or [""]
    affected = set(session.exec(select(Lot.id).where(col(Lot.code).in_(codes))))
    shipped = [sscc for shipment in report["shipments"] for sscc in shipment["pallets"]]
    cartons = dict.fromkeys(shipped, 0)
    if shipped:
        contents = session.exec(
            select(Pallet.sscc, PalletContent.lot_id, PalletContent.cartons)
            .join(PalletContent, col(PalletContent.pallet_id) == Pallet.id)
            .where(col(Pallet.sscc).in_(shipped))
        )
        for sscc, lot_id, count in contents:
            if lot_id in affected:
                cartons[sscc] += count
    rows = [
        {"shipment": shipment, "sscc": sscc, "cartons": cartons[sscc], "where": ""}
        for shipment in report["shipments"]
        for sscc in shipment["pallets"]
    ]
    on_hand = report["pallets_not_shipped"]
    places = (
        dict(
            session.exec(
                select(Location.id, Location.name).where(
                    col(Location.id).in_({p["location_id"] for p in on_hand})
                )
            ).all()
        )
        if on_hand
        else {}
    )
    for pallet in on_hand:
        rows.append(
            {
                "shipment": None,
                "sscc": pallet["sscc"],
                "cartons": pallet["cartons"],
                "where": places.get(pallet["location_id"], ""),
            }
        )
    return rows


def recall_csv(data: dict[str, Any]) -> bytes:
    """One row per affected pallet (shipped or on hand), sortable; UTF-8 with a BOM."""
    return spreadsheet.csv_bytes(CSV_COLUMNS, _recall_rows(data))


def _recall_rows(data: dict[str, Any]) -> Iterator[list[Any]]:
    for row in data["pallet_rows"]:
        s = row["shipment"] or {}
        consignee = s.get("consignee") or {}
        yield [
            data["code"],
            s.get("id", ""),
            s.get("status", "not shipped"),
            s.get("market", ""),
            consignee.get("name", ""),
            consignee.get("country") or "",
            (s.get("exporter") or {}).get("name", ""),
            s.get("container_no") or "",
            s.get("bill_of_lading") or "",
            s.get("phyto_certificate_no") or "",
            s.get("departed_at") or "",
            s.get("arrived_at") or "",
            row["sscc"],
            row["cartons"],
            row["where"],
        ]


# --- PDF ---------------------------------------------------------------------------------------


def _fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for path in _FONT_FILES:
        if Path(path).exists():
            if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("DejaVu", path))
                bold = Path(path).with_name("DejaVuSans-Bold.ttf")
                pdfmetrics.registerFont(TTFont("DejaVu-Bold", bold if bold.exists() else path))
            return "DejaVu", "DejaVu-Bold"
    return "Helvetica", "Helvetica-Bold"


COLUMN_ORDER = ["location", "lot", "pallet", "shipment"]
COLUMN_TITLES = ["Orchards", "Lots", "Pallets", "Shipments"]


def chain_drawing(data: dict[str, Any], width: float, font: str) -> Drawing:
    """The chain as four columns of boxes (orchards, lots, pallets, shipments) joined by the
    trace graph's edges; the recalled code's own box is drawn thicker."""
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors

    columns: dict[str, list[dict[str, Any]]] = {kind: [] for kind in COLUMN_ORDER}
    for item in sorted(data["nodes"], key=lambda n: n["id"]):
        columns[item["id"].split(":")[0]].append(item)
    shown = {kind: items[:14] for kind, items in columns.items()}
    rows = max([len(v) for v in shown.values()] + [1])
    box_w, box_h, gap = (width - 3 * 30) / 4, 26, 8
    height = 24 + rows * (box_h + gap)
    drawing = Drawing(width, height)
    where: dict[str, tuple[float, float]] = {}
    start = data["recall"]["start"]
    for column, kind in enumerate(COLUMN_ORDER):
        x = column * (box_w + 30)
        drawing.add(String(x, height - 12, COLUMN_TITLES[column], fontName=font, fontSize=9))
        for row, item in enumerate(shown[kind]):
            y = height - 24 - (row + 1) * (box_h + gap) + gap
            fill = colors.HexColor("#fde2e1") if kind in ("pallet", "shipment") else colors.white
            drawing.add(
                Rect(
                    x,
                    y,
                    box_w,
                    box_h,
                    # the stubs type Rect's **kw as the TypedDict itself (no Unpack[...], unlike
                    # the other shapes'), so each keyword is refused: a stub bug, not ours
                    fillColor=fill,  # type: ignore[arg-type]
                    strokeColor=colors.black,  # type: ignore[arg-type]
                    strokeWidth=2 if item["id"] == start else 0.6,  # type: ignore[arg-type]
                )
            )
            drawing.add(
                String(x + 4, y + 15, _fit(item["label"], box_w), fontName=font, fontSize=7)
            )
            drawing.add(String(x + 4, y + 5, _fit(_detail(item), box_w), fontName=font, fontSize=6))
            where[item["id"]] = (x, y)
        hidden = len(columns[kind]) - len(shown[kind])
        if hidden > 0:
            drawing.add(String(x, 2, f"… and {hidden} more", fontName=font, fontSize=7))
    for edge in data["edges"]:
        if edge["from"] in where and edge["to"] in where:
            (x1, y1), (x2, y2) = where[edge["from"]], where[edge["to"]]
            if x2 > x1:
                drawing.add(
                    Line(x1 + box_w, y1 + box_h / 2, x2, y2 + box_h / 2, strokeColor=colors.grey)
                )
    return drawing


def _fit(text: str, width: float) -> str:
    limit = max(int(width / 3.6), 8)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _detail(item: dict[str, Any]) -> str:
    kind = item["kind"]
    if kind == "orchard" or item["id"].startswith("location:"):
        codes = [c["value"] for c in item.get("codes", []) if c["scheme"] == "PUC"]
        return ", ".join(codes) or kind.replace("_", " ")
    if item["id"].startswith("lot:"):
        return f"{item['quantity']:g} {item['unit']} · {item['produced_on']}"
    if kind == "pallet":
        return f"{item['cartons']} cartons"
    return f"{item.get('market', '')} · {item.get('container_no') or ''} · {item['status']}"


def recall_pdf(data: dict[str, Any], generated: datetime) -> bytes:
    """A4 report: what was recalled, totals, affected shipments, pallets on hand, lots, and
    the chain drawn."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    font, bold = _fonts()
    styles = getSampleStyleSheet()
    for name in ("Normal", "Title", "Heading2"):
        styles[name].fontName = bold if name != "Normal" else font
    out = io.BytesIO()
    page = landscape(A4)
    doc = SimpleDocTemplate(
        out,
        pagesize=page,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"Recall report {data['code']}",
        author="trace",
    )
    story: list[Flowable] = [
        *_summary(data, generated, styles),
        Spacer(1, 4 * mm),
        Paragraph("The chain", styles["Heading2"]),
        chain_drawing(data, page[0] - 24 * mm, font),
    ]
    for title, rows in _sections(data):
        story += [Spacer(1, 3 * mm), Paragraph(title, styles["Heading2"])]
        story.append(
            _table(rows, font, bold) if len(rows) > 1 else Paragraph("None.", styles["Normal"])
        )
    doc.build(story)
    return out.getvalue()


def _summary(data: dict[str, Any], generated: datetime, styles: StyleSheet1) -> list[Paragraph]:
    """The report's title, when, which markets and importers, and the totals."""
    from reportlab.platypus import Paragraph

    recall = data["recall"]
    totals = recall["totals"]
    return [
        Paragraph(f"Recall report: {escape(data['code'])}", styles["Title"]),
        Paragraph(
            f"Generated {generated:%Y-%m-%d %H:%M} UTC. Markets: "
            f"{escape(', '.join(recall['markets']) or 'none')}. Importers: "
            f"{escape(', '.join(recall['consignees']) or 'none')}.",
            styles["Normal"],
        ),
        Paragraph(
            f"{totals['shipments']} shipment(s), {totals['cartons_shipped']} cartons shipped, "
            f"{totals['cartons_on_pallets_not_shipped']} cartons on pallets not shipped, "
            f"{totals['cartons_not_palletised']} cartons not palletised.",
            styles["Normal"],
        ),
    ]


def _sections(data: dict[str, Any]) -> list[tuple[str, list[list[Any]]]]:
    """The report's tables, each a title and its rows (a header first): the affected
    shipments, the pallets not shipped, the lots concerned."""
    recall = data["recall"]
    head = ["Shipment", "Market", "Importer", "Country", "Container", "B/L", "Phyto cert.",
            "Departed", "Arrived", "Pallets", "Cartons"]  # fmt: skip
    shipments = [
        [
            s["id"],
            s["market"],
            s["consignee"]["name"],
            s["consignee"].get("country") or "",
            s["container_no"] or "",
            s["bill_of_lading"] or "",
            s["phyto_certificate_no"] or "",
            (s["departed_at"] or "")[:16],
            (s["arrived_at"] or "")[:16],
            "\n".join(s["pallets"]),
            s["cartons"],
        ]
        for s in recall["shipments"]
    ]
    on_hand = [
        [r["sscc"], r["where"], r["cartons"]] for r in data["pallet_rows"] if r["shipment"] is None
    ]
    lots = [
        [lot["code"], lot["kind"], f"{lot['quantity']:g} {lot['unit']}", lot["cartons"] or "",
         "on hold" if lot["on_hold"] else ""]
        for lot in recall["lots"]
    ]  # fmt: skip
    return [
        ("Affected shipments", [head, *shipments]),
        ("Pallets not shipped", [["SSCC", "Where", "Cartons"], *on_hand]),
        ("Lots concerned", [["Lot", "Kind", "Quantity", "Cartons", "Hold"], *lots]),
    ]


def _table(rows: list[list[Any]], font: str, bold: str) -> Table:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 7.5),
                ("FONT", (0, 0), (-1, 0), bold, 7.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table
