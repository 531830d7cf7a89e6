"""A staff form's one-time token (trace/services/form_once.py): the first submission claims it,
a repeat learns where the first one led, a failed one may be sent again, and tokens of forms
sent days ago are forgotten."""

from __future__ import annotations

from datetime import timedelta

from trace.services import form_once, users
from trace.services.common import now


def test_a_token_is_claimed_once_and_tells_a_repeat_where_the_first_led(session, tokens):
    worker = users.get_by_name(session, "worker-1")
    token = "first-tap-token-0123456789"
    assert form_once.claim(session, token, worker.id)
    assert not form_once.claim(session, token, worker.id)  # the second tap
    assert form_once.outcome(session, token) == (True, None)  # the first is still recording
    form_once.settle(session, token, "/app/lots/LOT-1")
    assert not form_once.claim(session, token, worker.id)
    assert form_once.outcome(session, token) == (True, "/app/lots/LOT-1")


def test_a_failed_form_may_be_sent_again_and_old_tokens_are_forgotten(session, tokens, monkeypatch):
    worker = users.get_by_name(session, "worker-1")
    assert form_once.claim(session, "failed-form-token-0123", worker.id)
    form_once.settle(session, "failed-form-token-0123", None)  # the use case refused it
    assert form_once.outcome(session, "failed-form-token-0123") == (False, None)
    assert form_once.claim(session, "failed-form-token-0123", worker.id)  # the corrected form
    moment = now()
    monkeypatch.setattr(form_once, "now", lambda: moment - timedelta(days=3))
    form_once.claim(session, "three-days-old-token-01", worker.id)
    monkeypatch.setattr(form_once, "now", lambda: moment)
    form_once.forget_old(session)
    assert form_once.outcome(session, "three-days-old-token-01") == (False, None)
    assert form_once.outcome(session, "failed-form-token-0123")[0]  # today's are kept
