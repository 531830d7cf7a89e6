"""The translations are complete and compiled: every message of the pages has a Vietnamese, a
Japanese and a Simplified Chinese text, and the committed .mo files say what the .po files say."""

from __future__ import annotations

import io

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from trace.lookup import TRANSLATIONS


def catalogue(language: str | None):
    path = TRANSLATIONS / (f"{language}/LC_MESSAGES/messages.po" if language else "messages.pot")
    with open(path, "rb") as po:
        return read_po(po)


def texts(messages) -> dict:
    """msgid → msgstr, plural forms as tuples (read_mo gives lists, read_po tuples)."""
    return {
        (m.id if isinstance(m.id, str) else tuple(m.id)): (
            m.string if isinstance(m.string, str) else tuple(m.string)
        )
        for m in messages
        if m.id
    }


@pytest.mark.parametrize("language", ["vi", "ja", "zh_Hans"])
def test_every_message_is_translated(language):
    template = catalogue(None)
    translated = catalogue(language)
    for message in template:
        if not message.id:
            continue
        ours = translated.get(message.id)
        assert ours is not None, f"{language}: {message.id!r} missing: run `make translations`"
        assert not ours.fuzzy, f"{language}: {message.id!r} is fuzzy"
        strings = ours.string if isinstance(ours.string, tuple) else (ours.string,)
        assert all(strings), f"{language}: {message.id!r} has no translation"


@pytest.mark.parametrize("language", ["vi", "ja", "zh_Hans"])
def test_the_compiled_catalogue_matches_its_source(language):
    compiled = io.BytesIO()
    write_mo(compiled, catalogue(language))
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo", "rb") as mo:
        committed = read_mo(mo)
    fresh = read_mo(io.BytesIO(compiled.getvalue()))
    assert texts(committed) == texts(fresh), f"{language}: messages.mo is stale: run `make`"
