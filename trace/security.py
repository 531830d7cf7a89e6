"""What every answer of the service carries, and the secret key it signs cookies with.

- Headers: no MIME sniffing, no referrer sent to other sites, no framing by other sites, a
  Content-Security-Policy on everything (the pages set their own stricter ones; the API
  documentation page allows exactly its one inline script by hash, never 'unsafe-inline'),
  and HSTS when the request came over HTTPS (behind RATELIMIT_PROXIES proxies, the scheme
  they saw: X-Forwarded-Proto).
- The secret key: TRACE_SECRET_KEY when set, and refused when it is short or a known
  placeholder; otherwise a random key made once and kept in the instance folder
  (`secret-key`, readable by its owner only), so no deployment runs on a key from the source.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

# Placeholders from examples and older defaults: a key anyone can read is no secret.
PLACEHOLDERS = frozenset({"dev-only-not-secret", "change-me", "changeme", "secret", "dev"})
MIN_LENGTH = 16
KEY_FILE = "secret-key"
# The answers that are documents (JSON, CSS, PDF, …): nothing may run or be framed.
DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


# Every id is a PostgreSQL integer: a larger number names nothing (404), and must never reach
# the database (where it is an error, a 500).
MAX_ID = 2_147_483_647


class WeakSecretKey(RuntimeError):
    pass


class BoundedInt(IntegerConverter):
    """`<int:ident>` in every route matches ASCII digits up to MAX_ID only: a longer number,
    or digits of another script (`٣`), is a 404."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits, min, max, signed)


def bounded_id(value) -> int:
    """An id typed in a query string or form (`?shipment=12`): ValueError unless 1…MAX_ID, so
    `request.args.get("shipment", type=bounded_id)` is None for anything else."""
    text = str(value).strip()
    if not text.isdecimal() or not text.isascii() or len(text) > 10 or not 0 < int(text) <= MAX_ID:
        raise ValueError(value)
    return int(text)


def init_app(app: Flask) -> None:
    app.config["SECRET_KEY"] = secret_key(app.config.get("SECRET_KEY"), app.instance_path)
    app.url_map.converters["int"] = BoundedInt  # before any route is added
    proxies = app.config["RATELIMIT_PROXIES"]
    if proxies:  # the scheme the outermost proxy saw; the client address is read elsewhere
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=0, x_proto=proxies)
    app.after_request(_headers)


def secret_key(configured: str | None, instance_path: str) -> str:
    """The configured key if it is fit to sign with; else the instance's own random key."""
    if configured:
        if configured in PLACEHOLDERS or len(configured) < MIN_LENGTH:
            raise WeakSecretKey(
                f"TRACE_SECRET_KEY is a placeholder or shorter than {MIN_LENGTH} characters: "
                "set a long random value (python3 -c 'import secrets; "
                "print(secrets.token_hex(32))'), or unset it to have one made in the "
                "instance folder"
            )
        return configured
    path = Path(instance_path) / KEY_FILE
    if not path.exists():
        _make_key(path)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_LENGTH:
        raise WeakSecretKey(f"{path} holds no usable key: delete it to have a new one made")
    return key


def _make_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Several workers start at once: each writes a whole key to a file of its own and links it
    # into place; the first link wins and the others read what it wrote.
    draft = path.with_name(f".{KEY_FILE}-{os.getpid()}-{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(secrets.token_hex(32) + "\n")
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()


def client_address() -> str:
    """Who is asking, for rate limits and login throttling (see `address_in`)."""
    return address_in(request.environ, current_app.config["RATELIMIT_PROXIES"])


def address_in(environ: Mapping[str, Any], proxies: int) -> str:
    """The connecting address, or with RATELIMIT_PROXIES = n the address the n-th proxy from us
    saw (X-Forwarded-For; entries before it are the client's own to forge)."""
    hops = [environ.get("REMOTE_ADDR") or "?"]
    if proxies:
        forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()] + hops
    return hops[-(proxies + 1)] if len(hops) > proxies else hops[0]


def _headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    if "Content-Security-Policy" not in headers:
        if response.mimetype == "text/html" and not response.direct_passthrough:
            headers["Content-Security-Policy"] = _page_policy(response.get_data(as_text=True))
        else:
            headers["Content-Security-Policy"] = DEFAULT_CSP
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def _page_policy(html: str) -> str:
    """A page without a policy of its own (the API documentation): its scripts from here, and
    its inline scripts only as they are, each allowed by its SHA-256."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(html)
    )
    return (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ).replace("'self' ;", "'self';")
