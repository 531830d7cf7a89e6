"""Served without a proxy, clients that send half a request and stall do not stall the
service: `gunicorn -w 2 wsgi:app` from the repository root (its gunicorn.conf.py: threaded
workers whose reads give up after READ_TIMEOUT) answers others."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from trace.config import ROOT

HALF_SENT = [
    b"GET /login HTTP/1.1\r\nHost: x\r\n",  # headers never finished
    b"GET /log",  # request line never finished
    b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nusername=a",  # short body
]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(tmp_path: Path, *flags: str, read_timeout: float = 10):
    port = _port()
    env = os.environ | {
        "TRACE_READ_TIMEOUT": str(read_timeout),
        "TRACE_DATABASE_URL": f"sqlite:///{tmp_path / 'trace.db'}",
        "TRACE_SECRET_KEY": secrets.token_hex(32),
        "TRACE_SIGNING_KEY_PATH": str(tmp_path / "no-key.pem"),
    }
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
         *flags, "--graceful-timeout", "2", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while _get(port, timeout=2) != 200:
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("gunicorn did not start:\n" + (tmp_path / "gunicorn.log").read_text())
            time.sleep(0.2)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover
            server.kill()
            server.wait()
        log.close()


def _get(port: int, timeout: float) -> int | None:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", "/healthz")
        status = conn.getresponse().status
        conn.close()
        return status
    except OSError:
        return None


def _stall(port: int, stack: ExitStack, count: int) -> None:
    for i in range(count):
        sock = stack.enter_context(socket.create_connection(("127.0.0.1", port)))
        sock.sendall(HALF_SENT[i % len(HALF_SENT)])
    time.sleep(0.5)


def test_half_sent_requests_do_not_stall_the_service(tmp_path):
    with gunicorn(tmp_path, read_timeout=2) as port, ExitStack() as stalled:
        _stall(port, stalled, 40)  # more than the two workers' 16 threads
        # A thread gives each stalled client READ_TIMEOUT, then takes the next one. At worst
        # one worker accepted all 40: 5 rounds of its 8 threads, 10 s. Then all were given up
        # and the service answers again (on a busy machine, allow it a few seconds more).
        time.sleep(5 * 2)
        deadline = time.monotonic() + 15
        while _get(port, timeout=3) != 200:
            assert time.monotonic() < deadline, "the service did not recover"
        assert [_get(port, timeout=3) for _ in range(5)] == [200] * 5
        _stall(port, stalled, 6)  # fewer than the threads: others are answered at once
        assert [_get(port, timeout=3) for _ in range(5)] == [200] * 5


def test_without_these_settings_two_half_sent_requests_stall_two_sync_workers(tmp_path):
    """The weakness the settings remove (gunicorn's own defaults: sync workers)."""
    with gunicorn(tmp_path, "-c", "/dev/null", "--timeout", "30") as port, ExitStack() as stalled:
        _stall(port, stalled, 2)
        assert _get(port, timeout=2) is None
