"""docs/benchmarks.md is shared by the benchmarks: each replaces only its own section."""

from __future__ import annotations

import re
from pathlib import Path

HEADER = (
    "# Benchmarks\n\n"
    "Written by `make bench` (each script in `bench/` rewrites its own section); figures from "
    "one machine, with the reference measured in the same run. The sections for 1,000,000 events "
    "(the size issue 17's targets are set for) come from the runs by hand each section names, "
    "and only those runs rewrite them.\n"
)


def write_section(path: str | Path, name: str, markdown: str) -> None:
    """Replace the section between `<!-- bench:name -->` markers (or add it at the end)."""
    path = Path(path)
    text = path.read_text() if path.exists() else HEADER
    block = f"<!-- bench:{name} -->\n{markdown.strip()}\n<!-- /bench:{name} -->"
    pattern = re.compile(
        rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S
    )
    text = (
        pattern.sub(lambda _: block, text)
        if pattern.search(text)
        else (text.rstrip() + "\n\n" + block + "\n")
    )
    path.write_text(text)


def section(name: str, events: int, default: int) -> str:
    """The section of a run on `events` events: make bench's size (`default`) writes `name`; any
    other size its own (`name-1000000`), so the runs by hand stay beside make bench's."""
    return name if events == default else f"{name}-{events}"
