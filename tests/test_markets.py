"""Market profiles: the data every market rule, label and page reads (trace/domain/markets.py)."""

from __future__ import annotations

import dataclasses

import pytest

from trace.domain import markets


def test_each_known_market_has_a_profile_that_validates():
    assert markets.codes() == ("AU", "CN", "EU", "JP", "KR", "US")
    for market in markets.all_markets():
        assert markets.validate(market) is market


def test_china_goes_by_road_through_its_border_gates_with_gacc_codes():
    china = markets.get("CN")
    assert china.border_gates == ("Hữu Nghị", "Tân Thanh", "Kim Thành")
    assert {c.kind: c.issuer for c in china.codes} == {
        "orchard": markets.GACC,
        "packing_house": markets.GACC,
    }
    assert china.label_languages == ("zh-Hans", "vi")


def test_eu_labels_add_the_consignees_language():
    eu = markets.get("EU")
    assert eu.label_names("DE") == ("en", "de")
    assert eu.label_names("IE") == ("en",)
    assert eu.label_names(None) == ("en",)
    assert "FR" in eu.consignee_countries and "GB" not in eu.consignee_countries


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"code": "Japan"}, "two capital letters"),
        ({"treatments": {"lychee": ("cold",)}}, "treatment 'cold'"),
        ({"conveyances": (markets.Conveyance("road"),)}, "border gates"),
        ({"consignee_countries": ()}, "consignee_countries"),
        ({"page_languages": ("Japanese",)}, "BCP 47"),
    ],
)
def test_a_wrong_profile_is_refused_when_registered(change, problem):
    wrong = dataclasses.replace(markets.get("JP"), **change)
    with pytest.raises(markets.ProfileError, match=problem):
        markets.register(wrong)
    assert markets.get("JP").code == "JP"  # the good one stays
