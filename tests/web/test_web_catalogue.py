"""The staff pages' Vietnamese catalogue is complete, compiled, and keeps every placeholder."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from trace.web.language import TRANSLATIONS

ROOT = Path(__file__).resolve().parents[2]


def catalogue(language: str | None):
    path = TRANSLATIONS / (f"{language}/LC_MESSAGES/messages.po" if language else "messages.pot")
    with open(path, "rb") as po:
        return read_po(po)


def test_the_template_holds_every_message_of_the_code(tmp_path):
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "trace/web/babel.cfg",
            "-k",
            "_l",
            "-k",
            "N_",
            "--no-location",
            "--sort-output",
            "-o",
            str(fresh),
            "trace/web",
            "trace/domain/markets.py",  # the vocabularies' words, as `make translations` reads
            "trace/domain/vocabulary.py",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with open(fresh, "rb") as pot:
        extracted = {m.id for m in read_po(pot) if m.id}
    committed = {m.id for m in catalogue(None) if m.id}
    assert extracted == committed, "run `make translations`: " + repr(extracted ^ committed)


def test_every_message_has_a_vietnamese_text_with_the_same_placeholders():
    translated = catalogue("vi")
    for message in catalogue(None):
        if not message.id:
            continue
        ours = translated.get(message.id)
        assert ours is not None and ours.string and not ours.fuzzy, f"vi: {message.id!r}"
        names = set(re.findall(r"%\((\w+)\)", message.id))
        assert set(re.findall(r"%\((\w+)\)", ours.string)) == names, message.id


def test_the_compiled_catalogue_matches_its_source():
    compiled = io.BytesIO()
    write_mo(compiled, catalogue("vi"))
    with open(TRANSLATIONS / "vi" / "LC_MESSAGES" / "messages.mo", "rb") as mo:
        committed = {m.id: m.string for m in read_mo(mo) if m.id}
    fresh = {m.id: m.string for m in read_mo(io.BytesIO(compiled.getvalue())) if m.id}
    assert committed == fresh, "messages.mo is stale: run `make`"
