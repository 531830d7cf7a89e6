"""Rate limiting of the public pages: a friendly 429 in the reader's language; configurable; off
with TRACE_RATELIMIT_ENABLED=false."""

from __future__ import annotations

import pytest

from tests.lookup.test_lookup_pages import text_of
from trace.app import create_app


def make_app(database_url, tmp_path, **config):
    return create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path), **config}
    )


@pytest.fixture
def limited(database_url, tmp_path):
    app = make_app(database_url, tmp_path, RATELIMIT_PUBLIC="3/minute")
    yield app
    app.extensions["trace.engine"].dispose()


def test_the_fourth_request_in_a_minute_gets_a_friendly_429(limited):
    client = limited.test_client()
    for _ in range(3):
        assert client.get("/01/08931234567897").status_code == 404  # counted all the same
    response = client.get("/01/08931234567897", headers={"Accept-Language": "ja"})
    assert response.status_code == 429
    assert "アクセスが集中しています" in text_of(response)
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert response.headers["Cache-Control"] == "no-store"
    other = limited.test_client().get(
        "/01/08931234567897", environ_base={"REMOTE_ADDR": "10.9.8.7"}
    )
    assert other.status_code == 404  # another reader has their own allowance
    assert limited.test_client().get("/api/v1/openapi.json").status_code == 200  # API unaffected


def test_behind_a_proxy_the_forwarded_address_is_the_reader(database_url, tmp_path):
    app = make_app(database_url, tmp_path, RATELIMIT_PUBLIC="1/minute", RATELIMIT_PROXIES=1)
    client = app.test_client()
    one = {"X-Forwarded-For": "203.0.113.1"}
    assert client.get("/.well-known/gs1resolver", headers=one).status_code == 200
    assert client.get("/.well-known/gs1resolver", headers=one).status_code == 429
    two = {"X-Forwarded-For": "203.0.113.2"}
    assert client.get("/.well-known/gs1resolver", headers=two).status_code == 200
    app.extensions["trace.engine"].dispose()


def test_rate_limiting_can_be_switched_off(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("TRACE_RATELIMIT_ENABLED", "false")
    monkeypatch.setenv("TRACE_RATELIMIT_PUBLIC", "1/minute")
    app = make_app(database_url, tmp_path)
    assert app.config["RATELIMIT_ENABLED"] is False
    client = app.test_client()
    assert [client.get("/.well-known/gs1resolver").status_code for _ in range(3)] == [200] * 3
    app.extensions["trace.engine"].dispose()


def test_a_redis_url_for_shared_counters_is_accepted(database_url, tmp_path):
    """Several servers share the limiter's counters in Redis: the app starts with such a URL (the
    client library is a dependency; the server is only reached when a request is counted)."""
    app = make_app(database_url, tmp_path, RATELIMIT_STORAGE_URL="redis://127.0.0.1:1/0")
    limiter = app.extensions["limiter"]
    limiter = next(iter(limiter)) if isinstance(limiter, set) else limiter
    assert type(limiter.storage).__name__ == "RedisStorage"
    app.extensions["trace.engine"].dispose()
