"""Captures per partner token: each token (its user) may send EPCIS_CAPTURE_RATE capture
requests (Flask-Limiter's syntax, e.g. "30/minute;600/hour"); past that, 429 with Retry-After
and nothing read. Counted where the other limits count (RATELIMIT_STORAGE_URL), with the
`limits` library Flask-Limiter is built on; off with RATELIMIT_ENABLED=false or an empty rate.
"""

from __future__ import annotations

import math
import time

from flask import current_app
from flask_smorest import abort
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

EXTENSION = "trace.api.capture_rate"


class CaptureRate:
    def __init__(self, storage_url: str, rate: str):
        self.window = MovingWindowRateLimiter(storage_from_string(storage_url))
        self.limits = parse_many(rate) if rate.strip() else []

    def take(self, user_id: int) -> int:
        """Count one capture of `user_id`; 0 if it may go on, else the seconds to wait."""
        wait = 0.0
        for limit in self.limits:
            if not self.window.hit(limit, "epcis-capture", str(user_id)):
                reset, _left = self.window.get_window_stats(limit, "epcis-capture", str(user_id))
                wait = max(wait, reset - time.time(), 1)
        return math.ceil(wait)


def check(user_id: int) -> None:
    """Abort with 429 when this user's token has sent its captures for now."""
    config = current_app.config
    if not config["RATELIMIT_ENABLED"] or not config["EPCIS_CAPTURE_RATE"]:
        return
    rate = current_app.extensions.get(EXTENSION)
    if rate is None:
        rate = current_app.extensions[EXTENSION] = CaptureRate(
            config["RATELIMIT_STORAGE_URL"], config["EPCIS_CAPTURE_RATE"]
        )
    wait = rate.take(user_id)
    if wait:
        abort(
            429,
            message=f"this token has sent its captures for now ({config['EPCIS_CAPTURE_RATE']}, "
            f"EPCIS_CAPTURE_RATE): try again in {wait} seconds",
            headers={"Retry-After": str(wait)},
        )
