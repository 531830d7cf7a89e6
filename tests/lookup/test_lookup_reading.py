"""Reading codes without the web: what `explain` makes of each GS1 error, date attributes,
link type spellings."""

from __future__ import annotations

import pytest

from trace.gs1 import GS1Error, parse_digital_link
from trace.services.linkset import link_type
from trace.services.lookup import Problem, check_attributes, explain

GTIN = "08931234567897"


@pytest.mark.parametrize(
    ("path", "kind", "params"),
    [
        (
            "/01/08931234567895",
            "gs1.check_digit",
            {"key": "GTIN", "value": "08931234567895", "expected": "7"},
        ),
        ("/01/893123456", "gs1.length", {"key": "GTIN", "value": "893123456", "found": 9}),
        ("/01/0893123456789O", "gs1.not_digits", {"key": "GTIN", "char": "O"}),
        (f"/01/{GTIN}/10/A%23B", "gs1.character", {"key": "lot", "char": "#"}),
        (
            f"/01/{GTIN}/21/{'9' * 21}",
            "gs1.too_long",
            {"key": "serial", "found": 21, "expected": 20},
        ),
        (f"/01/{GTIN}/21/1/10/A", "gs1.order", {"found": "10", "previous": "21"}),
        (f"/01/{GTIN}/10/A/10/B", "gs1.repeated", {"found": "10"}),
        (f"/01/{GTIN}/10", "gs1.missing_value", {"found": "10"}),
        (f"/01/{GTIN}/99/x", "gs1.qualifier", {"key": "01", "found": "99"}),
        ("/00/089312340000000012", "gs1.check_digit", {"key": "SSCC", "expected": "1"}),
        ("/414/89312340000", "gs1.length", {"key": "GLN", "expected": "13"}),
        ("/02/123", "gs1.no_key", {}),
    ],
)
def test_explain_names_the_kind_of_mistake(path, kind, params):
    with pytest.raises(GS1Error) as caught:
        parse_digital_link(path)
    problem = explain(caught.value)
    assert problem.kind == kind, str(caught.value)
    assert params.items() <= problem.params.items()
    assert problem.detail == str(caught.value)


def test_an_error_nobody_foresaw_is_still_explained():
    assert explain(GS1Error("something new")) == Problem("gs1.unreadable", {}, "something new")


@pytest.mark.parametrize("value", ["260731", "260700", "280229"])
def test_good_dates(value):
    assert check_attributes({"17": value, "99": "anything"}) is None


@pytest.mark.parametrize("value", ["261340", "260732", "270229", "2607", "26073A"])
def test_bad_dates(value):
    problem = check_attributes({"17": value})
    assert problem is not None and problem.kind == "gs1.date" and problem.params["value"] == value


@pytest.mark.parametrize(
    "spelling",
    [
        "gs1:epcis",
        "https://ref.gs1.org/voc/epcis",
        "https://gs1.org/voc/epcis",
        "http://gs1.org/voc/epcis",
    ],
)
def test_link_type_spellings(spelling):
    assert link_type(spelling) == "https://ref.gs1.org/voc/epcis"


@pytest.mark.parametrize("spelling", ["epcis", "gs1:", "gs1:../x", "schema:url"])
def test_link_types_we_do_not_know(spelling):
    assert link_type(spelling) is None
