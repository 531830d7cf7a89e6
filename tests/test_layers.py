"""The package is ours, and its pure layers load no framework."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_trace_is_our_package_not_the_standard_library_module():
    import trace

    assert Path(trace.__file__).resolve() == ROOT / "trace" / "__init__.py"


def test_pure_layers_import_no_framework():
    code = (
        "import sys, trace.gs1, trace.domain.events, trace.domain.errors; "
        "loaded = [m for m in ('flask', 'sqlalchemy', 'sqlmodel', 'marshmallow') if m in sys.modules]; "
        "print(','.join(loaded))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""
