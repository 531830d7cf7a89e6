"""The repository stands on its own: a clone anywhere runs and tests with nothing beside it.
No tracked file outside the vendored standards points at a folder beside the repository or at
documents that are not in it, and every setting the README lists has the default the code has."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from trace.config import DEFAULTS

ROOT = Path(__file__).resolve().parents[1]
# Spelled in parts so that this file does not name what it looks for.
OUTSIDE = [".." + "/shared", "shared" + "/standards", "DESIGN" + ".md", "FIND" + "INGS"]
VENDORED = ("tests/standards/", "tests/epcis/vectors/", "tests/gs1/vectors/", "trace/gs1/")


def _tracked() -> list[Path]:
    names = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [ROOT / n for n in names if not n.startswith(VENDORED) or n.endswith(".py")]


def test_nothing_points_outside_the_repository():
    found = []
    for path in _tracked():
        if path.suffix in (".png", ".mo", ".pdf", ".ttf") or not path.is_file():
            continue
        text = path.read_text(errors="ignore")
        found += [f"{path.relative_to(ROOT)}: {word}" for word in OUTSIDE if word in text]
    assert found == []


def test_the_readme_gives_each_setting_the_default_the_code_has():
    readme = (ROOT / "README.md").read_text()
    rows = re.findall(r"^\| `TRACE_([A-Z0-9_]+)` \| `([^`]*)` \|", readme, re.M)
    assert len(rows) >= 10
    wrong = [
        (key, shown, DEFAULTS[key])
        for key, shown in rows
        if key in DEFAULTS
        and not isinstance(DEFAULTS[key], str | bool)
        and shown != str(DEFAULTS[key])
    ]
    wrong += [
        (key, shown, DEFAULTS[key])
        for key, shown in rows
        if isinstance(DEFAULTS.get(key), str)
        and DEFAULTS[key]
        and shown != DEFAULTS[key]
        and str(ROOT) not in DEFAULTS[key]  # paths in the checkout: the README says where
    ]
    assert wrong == []
