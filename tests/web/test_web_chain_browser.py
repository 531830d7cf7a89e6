"""The chain picture as an inspector uses it, in Chromium: chains of 40, 90 and 200 nodes on a
laptop (1366×768) and a phone (390×844). No two boxes overlap, every text stays inside its box,
text is at least 12 px as drawn, the page itself does not scroll sideways, and printed (A4
landscape) the chain is its table, each node's row whole on one page.

The picture, its table and the page's own CSS and script are the product's (trace/web/chain.py,
the `chain_view` macro, static/web/); the graphs are made up at the sizes a season reaches.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.browser import PHONE, chromium, require_browser
from trace.web import chain

ROOT = Path(__file__).resolve().parents[2]
LAPTOP = {"width": 1366, "height": 768}
ORCHARDS = ["Vườn vải Thanh Quang 12", "Vườn vải Hồng Lạc 3", "Hợp tác xã Lục Ngạn Phượng Sơn"]


def season(orchards: int, harvests: int, packed: int, pallets: int, shipments: int):
    nodes, edges = [], []

    def add(ident: str, kind: str, label: str, **more) -> None:
        nodes.append({"id": ident, "kind": kind, "label": label, **more})

    for i in range(orchards):
        codes = ", ".join(f"VN-HDTH-{100 + i * 3 + k:04d}" for k in range(3)) + f", JP-{i:03d}"
        add(f"location:{i}", "orchard", f"{ORCHARDS[i % 3]} ({i})", detail=codes)
    for i in range(harvests):
        add(f"lot:h{i}", "harvest_lot", f"H260610-{i:03d}-THANHHA", detail="1,180 kg · 2026-06-10")
        edges.append(
            {"from": f"location:{i % orchards}", "to": f"lot:h{i}", "quantity": 1180, "uom": "KGM"}
        )
    for i in range(packed):
        add(f"lot:p{i}", "packed_lot", f"P260611-{i:03d}", detail="200 cartons · 2026-06-11 · 荔枝")
        for k in (2 * i, 2 * i + 1):
            edges.append(
                {"from": f"lot:h{k % harvests}", "to": f"lot:p{i}", "quantity": 500, "uom": "KGM"}
            )
    for i in range(pallets):
        add(f"pallet:{i}", "pallet", f"0893123400000{i:05d}", cartons=100, detail="100 cartons")
        edges.append(
            {"from": f"lot:p{i % packed}", "to": f"pallet:{i}", "quantity": 100, "uom": "CT"}
        )
        edges.append(
            {"from": f"pallet:{i}", "to": f"shipment:{i % shipments}", "quantity": 100, "uom": "CT"}
        )
    for i in range(shipments):
        add(f"shipment:{i}", "shipment", f"Shipment {i}", detail="JP · MSCU1234565 · at sea")
    return nodes, edges


SIZES = {40: (3, 15, 8, 10, 4), 90: (5, 30, 15, 30, 10), 200: (8, 60, 30, 90, 12)}


def page_html(nodes, edges) -> str:
    from trace.app import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    with app.test_request_context("/app/chain/lot:1", headers={"Accept-Language": "en"}):
        titles = {"place": "Orchards", "harvest_lot": "Harvest lots", "packed_lot": "Packed lots"}
        titles |= {"pallet": "Pallets", "shipment": "Shipments"}
        shown, lines = chain.group(nodes, edges, set(), lambda n, c: f"{n} pallets")
        view = {
            "svg": chain.svg(
                shown,
                lines,
                href=lambda n: f"/app/x/{n['id']}",
                detail=lambda n: n.get("detail", ""),
                titles=titles,
                start="lot:p0",
                title="The chain",
            ),
            "rows": chain.rows(
                nodes,
                edges,
                href=lambda n: None,
                detail=lambda n: n.get("detail", ""),
                titles=titles,
            ),
            "folded": len(shown) < len(nodes),
        }
        macros = app.jinja_env.get_template("web/_macros.html").make_module({})
        body = str(macros.chain_view(view))
    css = (ROOT / "static" / "web" / "web.css").read_text()
    script = (ROOT / "static" / "web" / "web.js").read_text()
    return (
        f'<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width">'
        f"<style>{css}</style></head><body><main><section>{body}</section></main>"
        f"<script>{script}</script></body></html>"
    )


CHECK = """() => {
  const svg = document.querySelector('svg.chain');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const boxes = [], problems = [];
  for (const node of svg.querySelectorAll('.node')) {
    const r = node.querySelector('rect').getBBox();
    boxes.push([node.dataset.node, r]);
    for (const t of node.querySelectorAll('text')) {
      const b = t.getBBox();
      if (b.x < r.x || b.y < r.y || b.x + b.width > r.x + r.width + 0.5 || b.y + b.height > r.y + r.height + 0.5)
        problems.push('cut: ' + t.textContent);
    }
  }
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i][1], b = boxes[j][1];
    if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height)
      problems.push('overlap: ' + boxes[i][0] + ' ' + boxes[j][0]);
  }
  let smallest = 99;
  for (const t of svg.querySelectorAll('text'))
    smallest = Math.min(smallest, parseFloat(getComputedStyle(t).fontSize) * scale);
  return {problems, smallest, nodes: boxes.length,
          sideways: document.documentElement.scrollWidth - window.innerWidth};
}"""


@pytest.fixture(scope="module")
def browser():
    require_browser()
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize("size", sorted(SIZES))
def test_a_chain_is_readable_on_a_laptop_and_a_phone(browser, size):
    nodes, edges = season(*SIZES[size])
    assert len(nodes) == size
    html = page_html(nodes, edges)
    for viewport in (LAPTOP, PHONE):
        page = browser.new_page(viewport=viewport)
        page.set_content(html)
        found = page.evaluate(CHECK)
        assert found["problems"] == [], found["problems"][:5]
        assert found["smallest"] >= 12, found["smallest"]
        assert found["sideways"] <= 0
        assert 0 < found["nodes"] <= size
        # zoom in and back: the picture grows, then returns to its own size (text ≥ 12 px)
        width = page.evaluate("document.querySelector('svg.chain').getBoundingClientRect().width")
        page.get_by_role("button", name="Zoom in").click()
        wider = page.evaluate("document.querySelector('svg.chain').getBoundingClientRect().width")
        assert wider > width * 1.2
        page.get_by_role("button", name="100 %").click()
        assert page.evaluate(CHECK)["smallest"] >= 12
        # the table holds every node of the chain, folded pallets included
        page.get_by_text("Show the chain as a table").click()
        assert page.locator("#chain-table tbody tr").count() == size
        page.close()


def test_a_printed_chain_keeps_every_node_whole(browser):
    import pypdfium2

    nodes, edges = season(*SIZES[200])
    page = browser.new_page(viewport=LAPTOP)
    page.set_content(page_html(nodes, edges))
    document = pypdfium2.PdfDocument(io.BytesIO(page.pdf(format="A4", landscape=True)))
    texts = [
        "".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document))
    ]
    assert len(texts) >= 2
    size = document[0].get_size()
    assert size[0] > size[1]  # landscape
    for node in nodes:  # the row's name and its whole detail on one page (spacing aside)
        label, detail = ("".join(str(node[k]).split()) for k in ("label", "detail"))
        assert any(label in text and detail in text for text in texts), f"{label}: not whole"
    page.close()
