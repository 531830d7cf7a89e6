"""The staff and public pages name places, treatments and event kinds from one table each
(trace/page_words.py), and each page still says them in its own catalogue's words."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from trace.app import create_app
from trace.lookup import words as public
from trace.web import words as staff
from trace.web.language import DOMAIN as STAFF_DOMAIN


@pytest.fixture
def said(tmp_path):
    """A table's word as a Vietnamese reader of a staff page or of a public page reads it."""
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/t.db", "INSTANCE_PATH": tmp_path}
    )
    yield lambda table, key, staff_page: _said(app, table, key, staff_page)
    app.extensions["trace.engine"].dispose()


def _said(app, table, key, staff_page):
    with app.test_request_context("/"), force_locale("vi"):
        if staff_page:
            STAFF_DOMAIN.as_default()  # as trace/web/render.py does for a staff page
        return str(table[key])


def test_a_shared_word_is_said_in_each_pages_own_words(said):
    assert staff.EVENTS["wash"] is public.EVENTS["wash"]  # one table
    assert said(staff.EVENTS, "wash", staff_page=True) == "Đã rửa"
    assert said(public.EVENTS, "wash", staff_page=False) == "Rửa sạch"
    # A kind each page words its own way keeps its page's word.
    assert said(staff.EVENTS, "receive", staff_page=True) == "Tiếp nhận"
    assert said(public.EVENTS, "receive", staff_page=False).startswith("Tiếp nhận tại")
    assert said(public.PLACES, "orchard", staff_page=False) == "Vườn trồng"
