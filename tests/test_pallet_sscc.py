"""Pallet SSCCs stay unique and valid but are no counter: an outsider holding one pallet's SSCC
cannot open its neighbours' public pages (SQLite and PostgreSQL)."""

from __future__ import annotations

from trace.gs1 import Sscc


def test_ssccs_are_not_a_counter_an_outsider_can_walk(app, client, season):
    prefix = app.config["GS1_COMPANY_PREFIX"]
    references = []
    for sscc in season["ssccs"]:
        assert Sscc.parse(sscc).value == sscc and sscc[1:].startswith(prefix)
        references.append(int(sscc[1 + len(prefix) : -1]))
        assert client.get(f"/00/{sscc}").status_code == 200
    assert len(set(season["ssccs"])) == 2
    # Random among 10^9 references: two pallets in a row are not neighbours.
    assert abs(references[0] - references[1]) > 1000
    for reference in references:
        for step in (-2, -1, 1, 2):
            neighbour = Sscc.build(0, prefix, reference + step).value
            assert client.get(f"/00/{neighbour}").status_code == 404, neighbour
