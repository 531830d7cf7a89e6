"""The one list of error kinds (trace/domain/kinds.py) against the code that raises them and the
pages that word them: every kind raised is listed, every listed kind is raised, and every kind a
page may show has a sentence there in each of its languages. A kind added without a sentence
(another branch's `market.*`, say) fails here by name; the page meanwhile shows the English."""

from __future__ import annotations

import ast
import logging
import re
from datetime import date, datetime, timedelta, timezone
from functools import cache
from pathlib import Path

import pytest

from trace.app import create_app
from trace.domain.errors import RuleViolation
from trace.domain.kinds import KINDS
from trace.gs1 import GS1Error
from trace.lookup import words as public_words
from trace.lookup.i18n import LANGUAGES as PUBLIC_LANGUAGES
from trace.services.lookup import Problem
from trace.web import messages
from trace.web.language import DOMAIN as STAFF_DOMAIN

TRACE = Path(__file__).resolve().parents[1] / "trace"
STAFF_LANGUAGES = ["vi"]  # besides English, the words of the code


@cache
def _nodes() -> list[tuple[Path, ast.AST]]:
    """Every syntax node of trace's code, with its file (read once for the tests below)."""
    return [
        (path, node)
        for path in sorted(TRACE.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
    ]


def _raised() -> dict[str, set[str]]:
    """Every kind the code names (`kind="…"`, either side of `… if … else …`, or a default),
    with the files that name it."""
    found: dict[str, set[str]] = {}

    def note(node, path):
        values = [node.body, node.orelse] if isinstance(node, ast.IfExp) else [node]
        for value in values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.setdefault(value.value, set()).add(path.name)

    for path, node in _nodes():
        if isinstance(node, ast.keyword) and node.arg == "kind":
            note(node.value, path)
        elif isinstance(node, ast.arguments):
            positional = node.args[len(node.args) - len(node.defaults) :]
            pairs = [
                *zip(positional, node.defaults, strict=True),
                *zip(node.kwonlyargs, node.kw_defaults, strict=True),
            ]
            for arg, default in pairs:
                if arg.arg == "kind" and default is not None:
                    note(default, path)
    return {kind: files for kind, files in found.items() if "." in kind}


def test_every_kind_raised_is_listed_and_every_listed_kind_is_raised():
    raised = _raised()
    unlisted = {kind: sorted(files) for kind, files in raised.items() if kind not in KINDS}
    assert unlisted == {}, "add these kinds to trace/domain/kinds.py"
    assert sorted(set(KINDS) - set(raised)) == [], "listed but never raised"


def test_no_domain_error_is_raised_without_a_kind():
    bare = []
    for path, node in _nodes():
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", None)
            in {"RuleViolation", "Invalid", "NotFound", "Forbidden", "BackupError"}
            and not any(k.arg in ("kind", None) for k in node.keywords)
        ):
            bare.append(f"{path.relative_to(TRACE.parent)}:{node.lineno}")
    assert bare == []


def test_each_raise_gives_its_kind_the_listed_params():
    """Read from the code, so a raise no test provokes is checked too (the autouse fixture in
    tests/conftest.py checks those that are provoked)."""
    wrong = []
    for path, node in _nodes():
        if not isinstance(node, ast.Call):
            continue
        named = {k.arg: k.value for k in node.keywords}
        kind = named.pop("kind", None)
        if not isinstance(kind, ast.Constant) or None in named or kind.value not in KINDS:
            continue
        if set(named) != set(KINDS[kind.value].params):
            wrong.append(f"{path.relative_to(TRACE.parent)}:{node.lineno} {kind.value}")
    assert wrong == []


def _sample(kind: str) -> dict:
    """Params of `kind` with values of the right shape (the names tell numbers from text)."""
    params = {}
    for name in KINDS[kind].params:
        if name == "missing":
            params[name] = [
                {"kind": "orchard", "name": "A", "scheme": "PUC", "issuer": "PPD", "market": "US"}
            ]
        elif name in {
            "correctable",
            "wanted",
            "lots",
            "methods",
            "roles",
            "needs",
            "had",
            "known",
            "classes",
        }:
            params[name] = []
        else:
            params[name] = "X"
    return params


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", text))


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """An app for wording errors (no request reaches its database)."""
    folder = tmp_path_factory.mktemp("kinds")
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{folder}/t.db", "INSTANCE_PATH": str(folder)}
    )
    yield app
    app.extensions["trace.engine"].dispose()


def _staff_texts(app, error) -> dict[str, str]:
    texts = {}
    for language in ["en", *STAFF_LANGUAGES]:
        with app.test_request_context("/app/", headers={"Accept-Language": language}):
            STAFF_DOMAIN.as_default()
            texts[language] = messages.translate(error)[0]
    return texts


def test_every_staff_kind_has_a_sentence_in_each_language(pages):
    problems = []
    for kind in (k for k, v in KINDS.items() if "staff" in v.pages):
        entry = messages.SENTENCES.get(kind)
        if entry is not None and not _placeholders(entry[0]._args[0]) <= set(KINDS[kind].params):
            problems.append(f"{kind}: its sentence names params it does not have")
        texts = _staff_texts(pages, RuleViolation("English", kind=kind, **_sample(kind)))
        if texts["en"] == "English":
            problems.append(f"{kind}: no sentence in trace/web/messages.py")
        problems += [
            f"{kind}: not in {lang}" for lang in STAFF_LANGUAGES if texts[lang] == texts["en"]
        ]
    assert problems == []


def test_every_public_kind_has_a_sentence_in_each_language(pages):
    problems = []
    for kind in (k for k, v in KINDS.items() if "public" in v.pages):
        if kind not in public_words.SENTENCES:
            problems.append(f"{kind}: no sentence in trace/lookup/words.py")
            continue
        problem = Problem(kind, _sample(kind), "the English detail")
        texts = set()
        for language in PUBLIC_LANGUAGES:
            with pages.test_request_context(f"/01/1?lang={language}"):
                texts.add(str(public_words.problem_text(problem)))
        if len(texts) != len(PUBLIC_LANGUAGES):
            problems.append(f"{kind}: not in each of {PUBLIC_LANGUAGES}")
    assert problems == []


def test_kinds_without_a_sentence_are_listed():
    """The list the lead reads after a merge: kinds a page shows that no table words."""
    staff = [k for k, v in KINDS.items() if "staff" in v.pages]
    public = [k for k, v in KINDS.items() if "public" in v.pages]
    missing = [k for k in staff if k not in messages.SENTENCES and k not in messages.MISSING]
    missing += [k for k in public if k not in public_words.SENTENCES]
    assert missing == []


@pytest.mark.unlisted_kind
def test_a_kind_without_a_sentence_shows_the_english_message_and_is_logged(pages, caplog):
    error = RuleViolation("cannot ship to US: consignee is outside", kind="market.new_rule")
    with pages.test_request_context("/app/", headers={"Accept-Language": "vi"}):
        STAFF_DOMAIN.as_default()
        with caplog.at_level(logging.WARNING):
            text, hint = messages.translate(error)
    assert (text, hint) == ("cannot ship to US: consignee is outside", None)
    assert "market.new_rule" in caplog.text


def test_a_gs1_error_keeps_its_kind_when_told_where_it_was_found():
    params = {"key": "GTIN", "value": "1", "expected": "7"}
    error = GS1Error("GTIN 1: check digit should be 7", kind="gs1.check_digit", **params)
    wrapped = error.within("Digital Link /01/1")
    assert (wrapped.kind, wrapped.params) == ("gs1.check_digit", params)
    assert str(wrapped) == "Digital Link /01/1: GTIN 1: check digit should be 7"


def test_the_openapi_document_lists_the_kinds_and_params_of_an_error(pages):
    spec = pages.test_client().get("/api/v1/openapi.json").json
    receipt = spec["paths"]["/api/v1/lots/{code}/receipts"]["post"]["responses"]["409"]
    name = receipt["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    error = spec["components"]["schemas"][name]["properties"]
    assert set(error["kind"]["enum"]) == set(KINDS)
    assert "mass_balance.received_exceeds_harvested (lot, harvested" in error["kind"]["description"]
    assert error["params"]["type"] == "object"


def test_days_and_times_are_written_as_the_reader_writes_them(pages):
    at = datetime(2026, 6, 9, 10, 0, tzinfo=timezone(timedelta(hours=7)))
    before = RuleViolation(
        "…", kind="time.before_lot", at=at, lot="H1", what="harvested", day=date(2026, 6, 10)
    )
    later = RuleViolation(
        "…", kind="time.before_existing", doing="…", at=at, what="…", since=at + timedelta(hours=3)
    )
    vi, en = (_staff_texts(pages, error) for error in (before, later))
    assert "(10 thg 6, 2026)" in vi["vi"] and "(Jun 10, 2026)" in vi["en"]
    assert "(10:00 9/6/26)" in en["vi"]  # in the event's own zone (+07:00), not UTC
