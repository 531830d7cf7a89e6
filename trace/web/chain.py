"""The chain as a picture: orchards → harvest lots → packed lots → pallets → shipments, drawn
as an SVG on the server (no script needed), each node a link to its page; and the same graph
as table rows, for a phone, a screen reader or paper.

Nodes sit in one column per kind; within a column they are ordered by where their parents
sit (a barycentre pass), so lines cross little. Texts are escaped and wrapped inside their box
(at most two lines of name and three of detail; the table always has them whole). Text is drawn
at 12–13 px and the picture is never scaled down to fit: the page scrolls it, zooms it and pans
it (static/web/web.js). A shipment's many pallets are one node until opened (`opened`).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable

from markupsafe import Markup, escape

COLUMNS = ("place", "harvest_lot", "packed_lot", "pallet", "shipment")
WIDTH = 236  # a node's box
GAP_X, GAP_Y, PAD = 64, 14, 12
HEAD = 26  # the column titles
INSET = 10  # text inside a box
NAME_PX, DETAIL_PX = 13, 12
NAME_LINE, DETAIL_LINE = 17, 16
NAME_LINES, DETAIL_LINES = 2, 3
GROUP_AT = 6  # a shipment with more pallets than this shows them as one node until opened
FILL = {
    "place": "#e3f1e6",
    "harvest_lot": "#fff4d6",
    "packed_lot": "#e4eefb",
    "pallet": "#f1e6f7",
    "shipment": "#fde7e4",
}


def column(node: dict) -> str:
    return node["kind"] if node["kind"] in COLUMNS else "place"


def _em(char: str, bold: bool) -> float:
    """A character's width in em: CJK and other wide characters are square; the rest narrower
    (a generous average of the sans-serif fonts a tablet or phone has)."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    return 0.64 if bold else 0.6


def text_width(text: str, px: float, bold: bool = False) -> float:
    return sum(_em(char, bold) for char in text) * px


def wrap(text: str, px: float, bold: bool, width: float, lines: int) -> list[str]:
    """`text` in lines no wider than `width`, broken between words where it can be; past
    `lines` lines the last one ends in an ellipsis (the tooltip and the table hold it all)."""
    out: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, px, bold) <= width:
            line = candidate
            continue
        if line:
            out.append(line)
        line = ""
        for char in word:  # a word wider than the box is broken where it must be
            if line and text_width(line + char, px, bold) > width:
                out.append(line)
                line = ""
            line += char
    if line:
        out.append(line)
    if len(out) > lines:
        out = out[:lines]
        last = out[-1]
        while last and text_width(last + "…", px, bold) > width:
            last = last[:-1]
        out[-1] = last + "…"
    return out


def group(
    nodes: list[dict], edges: list[dict], opened: set[str], label: Callable[[int, int], str]
) -> tuple[list[dict], list[dict]]:
    """A shipment's pallets as one node `group:<shipment id>` while there are more than
    GROUP_AT of them and the group is not in `opened`; edges are merged onto the group (their
    quantities added). `label(pallets, cartons)` names a group."""
    shipment_of = {
        edge["from"]: edge["to"]
        for edge in edges
        if edge["from"].startswith("pallet:") and edge["to"].startswith("shipment:")
    }
    members: dict[str, list[dict]] = defaultdict(list)
    for node in nodes:
        if node["kind"] == "pallet" and node["id"] in shipment_of:
            members[shipment_of[node["id"]]].append(node)
    folded: dict[str, str] = {}
    out_nodes: list[dict] = []
    for shipment, pallets in members.items():
        ident = "group:" + shipment.partition(":")[2]
        if len(pallets) <= GROUP_AT or ident in opened:
            continue
        cartons = sum(int(p.get("cartons") or 0) for p in pallets)
        for pallet in pallets:
            folded[pallet["id"]] = ident
        out_nodes.append(
            {
                "id": ident,
                "kind": "pallet",
                "group": True,
                "label": label(len(pallets), cartons),
                "members": [p["id"] for p in pallets],
                "cartons": cartons,
            }
        )
    if not folded:
        return nodes, edges
    kept = [node for node in nodes if node["id"] not in folded]
    merged: dict[tuple[str, str], dict] = {}
    for edge in edges:
        key = (folded.get(edge["from"], edge["from"]), folded.get(edge["to"], edge["to"]))
        if key in merged:
            if merged[key].get("quantity") is not None and edge.get("quantity") is not None:
                merged[key]["quantity"] += edge["quantity"]
            continue
        merged[key] = {**edge, "from": key[0], "to": key[1]}
    return kept + out_nodes, list(merged.values())


def _lines(node: dict, detail: str) -> tuple[list[str], list[str]]:
    room = WIDTH - 2 * INSET
    name = wrap(str(node["label"]), NAME_PX, True, room, NAME_LINES)
    second = wrap(detail, DETAIL_PX, False, room, DETAIL_LINES) if detail else []
    return name, second


def _height(name: list[str], second: list[str]) -> int:
    return 12 + NAME_LINE * len(name) + DETAIL_LINE * len(second) + 4


def layout(
    nodes: list[dict], edges: list[dict], heights: dict[str, int] | None = None
) -> dict[str, tuple[int, int]]:
    """Column and top (in px) of each node id; each column's boxes stacked without overlap."""
    by_column: dict[str, list[dict]] = defaultdict(list)
    for node in nodes:
        by_column[column(node)].append(node)
    parents: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        parents[edge["to"]].append(edge["from"])
    heights = heights or {}
    used = [c for c in COLUMNS if by_column.get(c)]
    place: dict[str, tuple[int, int]] = {}
    middle: dict[str, float] = {}
    for x, name in enumerate(used):
        members = by_column[name]

        def weight(node: dict) -> tuple[float, str]:
            rows = [middle[p] for p in parents[node["id"]] if p in middle]
            return (sum(rows) / len(rows) if rows else 0.0, str(node["label"]))

        members.sort(key=weight)
        top = 0
        for node in members:
            height = heights.get(node["id"], 54)
            place[node["id"]] = (x, top)
            middle[node["id"]] = top + height / 2
            top += height + GAP_Y
    return place


def svg(
    nodes: list[dict],
    edges: list[dict],
    *,
    href: Callable[[dict], str | None],
    detail: Callable[[dict], str],
    titles: dict[str, str],
    start: str | None = None,
    title: str = "",
) -> Markup:
    """The picture. `href(node)` links a node, `detail(node)` is its second line, `titles`
    names the columns (translated), `start` is the node the page is about (outlined)."""
    if not nodes:
        return Markup("")
    seconds = {node["id"]: detail(node) for node in nodes}
    texts = {node["id"]: _lines(node, seconds[node["id"]]) for node in nodes}
    heights = {ident: _height(*lines) for ident, lines in texts.items()}
    place = layout(nodes, edges, heights)
    columns = max(x for x, _ in place.values()) + 1
    width = PAD * 2 + columns * WIDTH + (columns - 1) * GAP_X
    bottom = max(top + heights[ident] for ident, (_, top) in place.items())
    height = PAD * 2 + HEAD + bottom
    out = [
        f'<svg class="chain" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" data-width="{width}" aria-labelledby="chain-title">',
        f'<title id="chain-title">{escape(title)}</title>',
        *_column_titles(nodes, place, titles),
    ]
    for edge in edges:
        out += _edge(edge, place, heights)
    for node in nodes:
        ident = node["id"]
        box = _box(node, _corner(place, ident), heights[ident], texts[ident], ident == start)
        out.append(_node(node, box, seconds[ident], href(node)))
    out.append("</svg>")
    return Markup("".join(out))


def _corner(place: dict, ident: str) -> tuple[int, int]:
    x, top = place[ident]
    return PAD + x * (WIDTH + GAP_X), PAD + HEAD + top


def _column_titles(nodes: list[dict], place: dict, titles: dict[str, str]) -> list[str]:
    """Each column's name above it."""
    seen_columns = {place[node["id"]][0]: column(node) for node in nodes}
    return [
        f'<text class="col" x="{PAD + x * (WIDTH + GAP_X) + WIDTH / 2}" y="{PAD + 12}" '
        f'text-anchor="middle">{escape(titles.get(name, name))}</text>'
        for x, name in sorted(seen_columns.items())
    ]


def _edge(edge: dict, place: dict, heights: dict) -> list[str]:
    """A curve from one box's right side to the next one's left, with its quantity."""
    if edge["from"] not in place or edge["to"] not in place:
        return []
    x1, y1 = _corner(place, edge["from"])
    x2, y2 = _corner(place, edge["to"])
    x1, y1, y2 = x1 + WIDTH, y1 + heights[edge["from"]] / 2, y2 + heights[edge["to"]] / 2
    middle = (x1 + x2) / 2
    out = [
        f'<path class="edge" d="M{x1},{y1} C{middle},{y1} {middle},{y2} {x2},{y2}" '
        'fill="none" stroke="#7d8c84" stroke-width="1.6"/>'
    ]
    quantity = edge.get("quantity")
    if quantity is not None:
        amount = f"{quantity:g} {_unit(edge.get('uom'))}".strip()
        out.append(
            f'<text class="qty" x="{middle}" y="{(y1 + y2) / 2 - 4}" '
            f'text-anchor="middle">{escape(amount)}</text>'
        )
    return out


def _box(node: dict, corner: tuple[int, int], height: int, texts, outlined: bool) -> str:
    """A node's box: its name's lines, then its detail's."""
    (x, y), (label_lines, detail_lines) = corner, texts
    outline = (
        ' stroke="#0b6b3a" stroke-width="3"' if outlined else ' stroke="#9aa8a0" stroke-width="1"'
    )
    dashed = ' stroke-dasharray="6 3"' if node.get("group") else ""
    parts = [
        f'<rect x="{x}" y="{y}" width="{WIDTH}" height="{height}" rx="8" '
        f'fill="{FILL[column(node)]}"{outline}{dashed}/>'
    ]
    baseline = y + 8 + NAME_PX
    for line in label_lines:
        parts.append(f'<text x="{x + INSET}" y="{baseline}" class="name">{escape(line)}</text>')
        baseline += NAME_LINE
    baseline += 2
    for line in detail_lines:
        parts.append(f'<text x="{x + INSET}" y="{baseline}" class="detail">{escape(line)}</text>')
        baseline += DETAIL_LINE
    return "".join(parts)


def _node(node: dict, box: str, second: str, link: str | None) -> str:
    """The box with its tooltip, a link when the node has a page."""
    tip = f"<title>{escape(node['label'])}{' — ' + escape(second) if second else ''}</title>"
    node_id = escape(node["id"])
    if link:
        return f'<a href="{escape(link)}" class="node" data-node="{node_id}">{tip}{box}</a>'
    return f'<g class="node" data-node="{node_id}">{tip}{box}</g>'


def rows(
    nodes: list[dict],
    edges: list[dict],
    *,
    href: Callable[[dict], str | None],
    detail: Callable[[dict], str],
    titles: dict[str, str],
) -> list[dict]:
    """The same graph as table rows, column by column: each node with what it came from and
    what it went into (with the quantities on the way)."""
    label = {node["id"]: str(node["label"]) for node in nodes}
    sources: dict[str, list[str]] = defaultdict(list)
    targets: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        if edge["from"] not in label or edge["to"] not in label:
            continue
        quantity = edge.get("quantity")
        amount = f" ({quantity:g} {_unit(edge.get('uom'))})" if quantity is not None else ""
        sources[edge["to"]].append(label[edge["from"]] + amount)
        targets[edge["from"]].append(label[edge["to"]] + amount)
    order = {name: i for i, name in enumerate(COLUMNS)}
    out = []
    for node in sorted(nodes, key=lambda n: (order[column(n)], str(n["label"]))):
        out.append(
            {
                "id": node["id"],
                "column": titles.get(column(node), column(node)),
                "label": label[node["id"]],
                "href": href(node),
                "detail": detail(node),
                "from": sources[node["id"]],
                "to": targets[node["id"]],
            }
        )
    return out


def _unit(uom: str | None) -> str:
    return {"KGM": "kg", "CT": "ct"}.get(uom or "", uom or "")
