"""Print and scan: every carton and pallet linear symbol reads after a printer and a phone.

A few trials per symbol and degradation here (seeded, so a failure repeats); the full
sweep is bench/print_scan.py, whose figures are in docs/labels.md.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.labels.decoding import lot_facts, pallet_facts
from tests.labels.print_scan import DEGRADATIONS, symbol_crops, trial
from trace.labels.content import carton_label, pallet_label

TRIALS = 5  # per degradation and symbol


@pytest.mark.parametrize(
    "label",
    [
        carton_label(lot_facts(market="US"), "7KQ2M9XD4TNRB"),
        carton_label(lot_facts(lot="20260615HD01"), "00042"),
        pallet_label(pallet_facts()),
    ],
    ids=["carton-us", "carton-numeric-lot", "pallet"],
)
def test_linear_symbols_read_after_print_and_scan(label):
    crops = symbol_crops(label)
    assert len(crops) == 2
    for data, crop in crops:
        outcomes = Counter(
            (degradation, trial(data, crop, degradation, seed))
            for degradation in DEGRADATIONS
            for seed in range(TRIALS)
        )
        reads = sum(count for (_, outcome), count in outcomes.items() if outcome == "read")
        misreads = sum(count for (_, outcome), count in outcomes.items() if outcome == "misread")
        assert misreads == 0, (data, outcomes)
        assert reads >= 0.95 * TRIALS * len(DEGRADATIONS), (data, outcomes)
