"""docs/architecture.md's "Where to find a feature" table is true and complete: a newcomer who
reads a feature in the README finds its row, and every file and name the row gives exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _features() -> list[str]:
    """The bold names of the README's feature lists ("What it does now", "Staff pages")."""
    readme = (ROOT / "README.md").read_text()
    start = readme.index("## What it does now")
    end = readme.index("## Configuration")
    return re.findall(r"^- \*\*([^*]+)\*\*", readme[start:end], re.M)


def _rows() -> dict[str, str]:
    doc = (ROOT / "docs" / "architecture.md").read_text()
    table = doc[doc.index("## Where to find a feature") :].split("\n## ", 1)[0]
    rows = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and not set(cells[0]) <= {"-"} and cells[0] != "feature":
            rows[cells[0]] = cells[1]
    return rows


def _names(path: Path) -> set[str]:
    """What a module defines at its top level (functions, classes, assignments)."""
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_every_readme_feature_has_a_row():
    rows = _rows()
    missing = [f for f in _features() if not any(key.startswith(f) for key in rows)]
    assert len(_features()) >= 15
    assert missing == []


def test_every_file_and_name_in_the_table_exists():
    wrong = []
    for feature, where in _rows().items():
        # `path/to/module.py` (`name`, `other`): the names are defined in that module.
        for path, names in re.findall(r"`([\w./-]+)`(?: \(([^)]*)\))?", where):
            if "/" not in path:
                continue
            target = ROOT / path
            if not target.exists():
                wrong.append((feature, path))
                continue
            if path.endswith(".py") and names:
                defined = _names(target)
                for name in re.findall(r"`(\w+)`", names):
                    if name not in defined:
                        wrong.append((feature, f"{path}: {name}"))
    assert len(_rows()) >= 20
    assert wrong == []
