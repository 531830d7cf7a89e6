"""The chain as a picture: orchards → harvest lots → packed lots → pallets → shipments, drawn
as an SVG on the server (no script needed), each node a link to its page.

Nodes sit in one column per kind; within a column they are ordered by where their parents
sit (a barycentre pass), so lines cross little. Texts are escaped; long names are shortened
on the picture and given in full in the node's tooltip (<title>).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from markupsafe import Markup, escape

COLUMNS = ("place", "harvest_lot", "packed_lot", "pallet", "shipment")
WIDTH, HEIGHT = 190, 54  # a node's box
GAP_X, GAP_Y, PAD = 56, 16, 12
HEAD = 26  # the column titles
FILL = {
    "place": "#e3f1e6",
    "harvest_lot": "#fff4d6",
    "packed_lot": "#e4eefb",
    "pallet": "#f1e6f7",
    "shipment": "#fde7e4",
}


def column(node: dict) -> str:
    return node["kind"] if node["kind"] in COLUMNS else "place"


def _short(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def layout(nodes: list[dict], edges: list[dict]) -> dict[str, tuple[int, int]]:
    """Column and row of each node id."""
    by_column: dict[str, list[dict]] = defaultdict(list)
    for node in nodes:
        by_column[column(node)].append(node)
    parents: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        parents[edge["to"]].append(edge["from"])
    used = [c for c in COLUMNS if by_column.get(c)]
    place: dict[str, tuple[int, int]] = {}
    for x, name in enumerate(used):
        members = by_column[name]

        def weight(node: dict) -> tuple[float, str]:
            rows = [place[p][1] for p in parents[node["id"]] if p in place]
            return (sum(rows) / len(rows) if rows else 0.0, node["label"])

        members.sort(key=weight)
        for y, node in enumerate(members):
            place[node["id"]] = (x, y)
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
    place = layout(nodes, edges)
    columns = max(x for x, _ in place.values()) + 1
    rows = max(y for _, y in place.values()) + 1
    width = PAD * 2 + columns * WIDTH + (columns - 1) * GAP_X
    height = PAD * 2 + HEAD + rows * (HEIGHT + GAP_Y) - GAP_Y

    def corner(ident: str) -> tuple[int, int]:
        x, y = place[ident]
        return PAD + x * (WIDTH + GAP_X), PAD + HEAD + y * (HEIGHT + GAP_Y)

    out = [
        f'<svg class="chain" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="chain-title">',
        f'<title id="chain-title">{escape(title)}</title>',
    ]
    seen_columns = {}
    for node in nodes:
        x, _ = place[node["id"]]
        seen_columns[x] = column(node)
    for x, name in sorted(seen_columns.items()):
        left = PAD + x * (WIDTH + GAP_X)
        out.append(
            f'<text class="col" x="{left + WIDTH / 2}" y="{PAD + 12}" text-anchor="middle">'
            f"{escape(titles.get(name, name))}</text>"
        )
    for edge in edges:
        if edge["from"] not in place or edge["to"] not in place:
            continue
        x1, y1 = corner(edge["from"])
        x2, y2 = corner(edge["to"])
        x1, y1, y2 = x1 + WIDTH, y1 + HEIGHT / 2, y2 + HEIGHT / 2
        middle = (x1 + x2) / 2
        out.append(
            f'<path class="edge" d="M{x1},{y1} C{middle},{y1} {middle},{y2} {x2},{y2}" '
            'fill="none" stroke="#7d8c84" stroke-width="1.6"/>'
        )
        quantity = edge.get("quantity")
        if quantity is not None:
            amount = f"{quantity:g} {_unit(edge.get('uom'))}".strip()
            out.append(
                f'<text class="qty" x="{middle}" y="{(y1 + y2) / 2 - 4}" '
                f'text-anchor="middle">{escape(amount)}</text>'
            )
    for node in nodes:
        x, y = corner(node["id"])
        name = column(node)
        label, second = str(node["label"]), detail(node)
        link = href(node)
        outline = (
            ' stroke="#0b6b3a" stroke-width="3"'
            if node["id"] == start
            else (' stroke="#9aa8a0" stroke-width="1"')
        )
        box = (
            f'<rect x="{x}" y="{y}" width="{WIDTH}" height="{HEIGHT}" rx="8" '
            f'fill="{FILL[name]}"{outline}/>'
            f'<text x="{x + 10}" y="{y + 22}" class="name">{escape(_short(label))}</text>'
            f'<text x="{x + 10}" y="{y + 42}" class="detail">{escape(_short(second, 28))}</text>'
        )
        tip = f"<title>{escape(label)}{' — ' + escape(second) if second else ''}</title>"
        node_id = escape(node["id"])
        if link:
            out.append(
                f'<a href="{escape(link)}" class="node" data-node="{node_id}">{tip}{box}</a>'
            )
        else:
            out.append(f'<g class="node" data-node="{node_id}">{tip}{box}</g>')
    out.append("</svg>")
    return Markup("".join(out))


def _unit(uom: str | None) -> str:
    return {"KGM": "kg", "CT": "ct"}.get(uom or "", uom or "")
