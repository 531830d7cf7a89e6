"""The translations are complete and compiled: every message of the pages has a text in each
language the page offers (Vietnamese, and each market profile's page languages), and the
committed .mo files say what the .po files say."""

from __future__ import annotations

import io

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from trace.domain import markets
from trace.lookup import TRANSLATIONS, i18n

CATALOGUES = [i18n.babel_name(language) for language in i18n.LANGUAGES if language != "en"]


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


@pytest.mark.parametrize("language", CATALOGUES)
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


@pytest.mark.parametrize("language", CATALOGUES)
def test_the_compiled_catalogue_matches_its_source(language):
    compiled = io.BytesIO()
    write_mo(compiled, catalogue(language))
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo", "rb") as mo:
        committed = read_mo(mo)
    fresh = read_mo(io.BytesIO(compiled.getvalue()))
    assert texts(committed) == texts(fresh), f"{language}: messages.mo is stale: run `make`"


def test_the_page_offers_every_language_a_market_profile_asks_for():
    asked = {language for market in markets.all_markets() for language in market.page_languages}
    assert asked <= set(i18n.LANGUAGES), "a page language without a catalogue"
    assert {"zh-Hans", "ko", "ja", "vi", "en"} <= set(i18n.LANGUAGES)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_page_names_each_treatment_as_the_data_records_it(app):
    """The data says "cold_treatment"; the page once looked up "cold" and printed English."""
    from flask_babel import force_locale

    from trace.lookup import words

    with app.test_request_context(), force_locale("ja"):
        named = {code: words.word(words.METHODS, code) for code in markets.TREATMENTS}
    assert named["cold_treatment"] == "低温処理"
    assert all(named[code] != english for code, english in markets.TREATMENTS.items())
