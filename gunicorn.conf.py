"""gunicorn's settings for trace, read by `gunicorn wsgi:app` started from the repository root
(gunicorn loads ./gunicorn.conf.py by itself; flags on the command line win).

Threaded workers (gthread) whose threads stop waiting for a client that sends half a request
and stalls: every read of a request (and write of an answer) gives up after READ_TIMEOUT
seconds and the connection is closed. Sync workers, or plain gthread, wait for such a client
as long as it keeps the connection open, so two of them (a slow phone, or someone doing it on
purpose) stalled `gunicorn -w 2`. nginx in front (docs/operations.md) still buffers whole
requests before they reach gunicorn; these settings hold without it too.
"""

import os
import socket
from concurrent import futures

from gunicorn.workers.gthread import ThreadWorker

READ_TIMEOUT = float(
    os.environ.get("TRACE_READ_TIMEOUT", "10")
)  # seconds one read or write may wait
THREADS = 8  # threads per worker


class _Deadline(socket.socket):
    """A connection whose blocking reads and writes time out instead of waiting forever."""

    __slots__ = ()

    def setblocking(self, flag):
        if flag:
            self.settimeout(READ_TIMEOUT)
        else:
            super().setblocking(flag)


class DeadlineThreadWorker(ThreadWorker):
    """gthread with READ_TIMEOUT on every connection and THREADS threads (not set as gunicorn's
    `threads`, which would turn a `-k sync` given on the command line into gthread too)."""

    def handle(self, conn):
        if type(conn.sock) is socket.socket:
            conn.sock.__class__ = _Deadline
        return super().handle(conn)

    def get_thread_pool(self):
        return futures.ThreadPoolExecutor(max_workers=max(self.cfg.threads, THREADS))


worker_class = DeadlineThreadWorker
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = 120  # a large label job (docs/operations.md); nginx's proxy_read_timeout matches
graceful_timeout = 30
keepalive = 5  # seconds an idle kept-alive connection is kept
# What one request may send before its body (gunicorn's defaults, written down).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
