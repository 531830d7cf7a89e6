"""`trace.gs1` as a whole: what it exports, what it imports, its documented example."""

from __future__ import annotations

import doctest
import os
import subprocess
import sys
from pathlib import Path

import trace.gs1

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = ("flask", "flask_smorest", "sqlalchemy", "sqlmodel", "marshmallow")


def test_importing_trace_gs1_loads_no_framework() -> None:
    # A fresh interpreter: in this one, other tests may already have imported Flask.
    code = (
        "import sys, trace.gs1\n"
        f"loaded = [m for m in {FRAMEWORKS!r} if m in sys.modules]\n"
        "assert trace.gs1.__file__.startswith(sys.argv[1]), trace.gs1.__file__\n"
        "assert not loaded, loaded\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code, str(ROOT)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_public_api_is_small() -> None:
    assert sorted(trace.gs1.__all__) == [
        "DigitalLink",
        "GS1Error",
        "Gln",
        "Gtin",
        "Sscc",
        "check_digit",
        "digital_link",
        "gln_link",
        "parse_digital_link",
        "sscc_link",
        "validate_lot",
        "validate_serial",
    ]


def test_package_docstring_example_runs() -> None:
    failures, tried = doctest.testmod(trace.gs1, report=True)
    assert (failures, tried) == (0, 4)
