"""Failed staff logins are throttled: a password is guessed by trying many, so each client address
gets a few wrong tries per user name (WEB_LOGIN_LIMIT) and a few more over all names
(WEB_LOGIN_LIMIT_ADDRESS); past them the login page answers 429 with Retry-After, and the password
is not even checked (a right one too waits). Only failures count: staff who type their password
right log in as often as they like. The counters live where the public pages' rate limit keeps
its own (RATELIMIT_STORAGE_URL: one process's memory, or Redis shared by several servers).
"""

from __future__ import annotations

import math
import time

from flask import current_app
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

EXTENSION = "trace.web.logins"


class LoginThrottle:
    def __init__(self, storage_url: str, per_name: str, per_address: str):
        self.window = MovingWindowRateLimiter(storage_from_string(storage_url))
        self.per_name: list[RateLimitItem] = parse_many(per_name) if per_name.strip() else []
        self.per_address: list[RateLimitItem] = (
            parse_many(per_address) if per_address.strip() else []
        )

    def _counters(self, address: str, name: str):
        name = name.strip().casefold()[:64]  # a user name has at most 64 characters
        for limit in self.per_name:
            yield limit, ("web-login", address, name)
        for limit in self.per_address:
            yield limit, ("web-login", address)

    def wait(self, address: str, name: str) -> int:
        """Seconds until `address` may try `name` again; 0: now."""
        seconds = 0.0
        for limit, keys in self._counters(address, name):
            if not self.window.test(limit, *keys):
                reset, _left = self.window.get_window_stats(limit, *keys)
                seconds = max(seconds, reset - time.time())
        return math.ceil(seconds) if seconds > 0 else 0

    def failed(self, address: str, name: str) -> None:
        for limit, keys in self._counters(address, name):
            self.window.hit(limit, *keys)


def init_app(app) -> None:
    app.extensions[EXTENSION] = LoginThrottle(
        app.config["RATELIMIT_STORAGE_URL"],
        str(app.config["WEB_LOGIN_LIMIT"] or ""),
        str(app.config["WEB_LOGIN_LIMIT_ADDRESS"] or ""),
    )


def throttle() -> LoginThrottle:
    return current_app.extensions[EXTENSION]
