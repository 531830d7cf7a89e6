"""What the browser tests share: Debian's Chromium through Playwright, and the app served on a
free port of 127.0.0.1 in a thread.

Skips where /usr/bin/chromium or the playwright package is missing, except under CI (CI=true),
where it fails: `.ci/run` installs Debian's chromium. Nothing here downloads a browser.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import IN_CI
from trace.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}


def require_browser() -> None:
    reason = None
    if not CHROMIUM.exists():
        reason = "no /usr/bin/chromium: apt-get install -y chromium (Debian's package)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright package is missing: pip install -r requirements-dev.txt"
    if reason:
        if IN_CI:
            pytest.fail(reason + " — CI must run the browser tests")
        pytest.skip(reason)


def sqlite_app(template: Path, folder: Path, **settings):
    """An app on a fresh copy of the migrated SQLite template in `folder`."""
    shutil.copy(template, folder / "trace.db")
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{folder / 'trace.db'}",
            "INSTANCE_PATH": str(folder),
            **settings,
        }
    )


@contextmanager
def served(app) -> Iterator[str]:
    """Serve `app` on a free local port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        app.extensions["trace.engine"].dispose()


@contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def shots(tmp_path: Path) -> Path:
    """Where screenshots go: docs/ under `make screenshots`, else the test's temporary folder."""
    return Path("docs") if os.environ.get("TRACE_SCREENSHOTS") == "docs" else tmp_path
