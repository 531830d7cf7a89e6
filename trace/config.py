"""Settings: defaults here, overridden by TRACE_* environment variables (see README).

The app factory loads DEFAULTS, then `TRACE_<KEY>` variables (Flask's from_prefixed_env),
then a test mapping.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

DEFAULTS = {
    # A SQLite file beside the code; PostgreSQL in production (postgresql+psycopg://…).
    "DATABASE_URL": f"sqlite:///{INSTANCE / 'trace.db'}",
    # Signs session cookies. Empty: a random key made once in the instance folder (secret-key);
    # several hosts need the same long random value. Placeholders are refused (security.py).
    "SECRET_KEY": "",
    # The domain printed codes point at: GS1 Digital Link URIs on labels start with it.
    "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
    # The organisation's GS1 company prefix: SSCCs of pallets are built from it.
    "GS1_COMPANY_PREFIX": "8931234",
    # SSCC extension digit (0–9) the organisation uses for pallets.
    "SSCC_EXTENSION_DIGIT": 0,
    # The largest request body read (bytes): an EPCIS capture of 100,000 events fits; more is
    # refused with 413 before it is read.
    "MAX_CONTENT_LENGTH": 96 * 1024 * 1024,
    # API lists: default and largest page size.
    "PAGE_SIZE": 50,
    # EPCIS 2.0: the official JSON schema captured documents are validated against (GS1's
    # file, shipped with the service: trace/standards/README.md says where it comes from).
    "EPCIS_SCHEMA_PATH": str(ROOT / "trace" / "standards" / "EPCIS-JSON-Schema.json"),
    # The IRI of our EPCIS extension fields (prefix `trace:`); empty: {PUBLIC_BASE_URL}/ns/epcis/.
    "EPCIS_EXTENSION_NAMESPACE": "",
    # Most events one capture request may carry (GS1-EPCIS-Capture-Limit); more: 413.
    "EPCIS_CAPTURE_LIMIT": 100_000,
    # Partners within bounds (docs/epcis.md, "Caps"): the largest capture document (bytes; more:
    # 413 before it is read), the longest text in it (characters, any value or field name;
    # longer: 422 naming the field), and captures one partner token may send (Flask-Limiter
    # syntax, counted per token in RATELIMIT_STORAGE_URL; more: 429; "" switches it off).
    "EPCIS_CAPTURE_MAX_BYTES": 64 * 1024 * 1024,
    "EPCIS_CAPTURE_MAX_TEXT": 8192,
    "EPCIS_CAPTURE_RATE": "30/minute;600/hour",
    # The organisation's Ed25519 private key (PEM) that signs evidence; never in the database.
    # Empty: signing-key.pem in the instance folder. `flask --app wsgi keys create` writes it.
    "SIGNING_KEY_PATH": "",
    # Labels of one request: a pallet's (it carries two, on adjacent sides; a few spare), and a
    # lot's stickers when the lot has no cartons to count (else at most its cartons). More: 422.
    "LABEL_PALLET_MAX": 4,
    "LABEL_STICKER_MAX": 2000,
    # Public lookup pages (trace/lookup): whom a reader of a doubtful code should contact.
    "LOOKUP_CONTACT_NAME": "",
    "LOOKUP_CONTACT_EMAIL": "",
    "LOOKUP_CONTACT_PHONE": "",
    # A carton's page opened by more than this many people (each phone counts once a day) is
    # flagged as a possibly copied label; so is one opened over more than LOOKUP_SCAN_DAYS days
    # (longer than the produce keeps). See docs/lookup.md, "Scan counting".
    "LOOKUP_SCAN_ALERT": 20,
    "LOOKUP_SCAN_DAYS": 120,
    # Seconds browsers and CDNs may keep a lot's page before asking again (ETag makes it cheap).
    "LOOKUP_MAX_AGE": 60,
    # Lots whose pages each worker keeps rendered in memory (trace/lookup/cache.py: a new
    # event or a changed place shows at once), and for how many seconds at most.
    "LOOKUP_CACHE_SIZE": 2000,
    "LOOKUP_CACHE_SECONDS": 3600,
    # Seconds a worker trusts its last look at the database before asking again whether anything
    # was recorded (a write through another worker shows within this; through this one, at once).
    "LOOKUP_CACHE_RECHECK": 0.25,
    # Rate limit of the public pages, per client address (Flask-Limiter syntax).
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_PUBLIC": "60/minute",
    # Where the limiter counts: memory:// (one process) or redis://host:6379 (shared).
    "RATELIMIT_STORAGE_URL": "memory://",
    # How many reverse proxies (nginx, a CDN) stand in front: the client is the address they
    # saw, taken from X-Forwarded-For. 0: the connecting address is the client.
    "RATELIMIT_PROXIES": 0,
    # Staff web pages (trace/web): wrong passwords allowed from one address for one user name,
    # and for all names together (Flask-Limiter syntax; "" switches one off); then 429 until the
    # window has room. Counted in RATELIMIT_STORAGE_URL, addresses read as RATELIMIT_PROXIES says.
    "WEB_LOGIN_LIMIT": "5/minute;20/hour",
    "WEB_LOGIN_LIMIT_ADDRESS": "60/hour",
    # Staff web pages (trace/web): a login lasts at most this many hours however it is used
    # (absolute lifetime), and ends after this many minutes without a page opened (idle).
    "WEB_SESSION_HOURS": 12,
    "WEB_SESSION_IDLE_MINUTES": 30,
    # The session cookie is Secure whenever a page is served over HTTPS; set true behind a
    # TLS proxy that talks plain HTTP to the app, so the cookie is never sent unencrypted.
    "SESSION_COOKIE_SECURE": False,
    # Session cookies are never sent with another site's request (with the CSRF tokens, a
    # second guard against forged forms); they are HttpOnly (Flask's default).
    "SESSION_COOKIE_SAMESITE": "Lax",
}


def normalise(config: MutableMapping[str, Any]) -> None:
    """Coerce values read from the environment (Flask parses them as JSON) to their types."""
    config["GS1_COMPANY_PREFIX"] = str(config["GS1_COMPANY_PREFIX"])
    config["SSCC_EXTENSION_DIGIT"] = int(config["SSCC_EXTENSION_DIGIT"])
    config["PAGE_SIZE"] = int(config["PAGE_SIZE"])
    config["MAX_CONTENT_LENGTH"] = int(config["MAX_CONTENT_LENGTH"])
    config["PUBLIC_BASE_URL"] = str(config["PUBLIC_BASE_URL"]).rstrip("/")
    config["EPCIS_CAPTURE_LIMIT"] = int(config["EPCIS_CAPTURE_LIMIT"])
    config["EPCIS_CAPTURE_MAX_BYTES"] = int(config["EPCIS_CAPTURE_MAX_BYTES"])
    config["EPCIS_CAPTURE_MAX_TEXT"] = int(config["EPCIS_CAPTURE_MAX_TEXT"])
    config["EPCIS_CAPTURE_RATE"] = str(config["EPCIS_CAPTURE_RATE"] or "")
    config["LABEL_PALLET_MAX"] = int(config["LABEL_PALLET_MAX"])
    config["LABEL_STICKER_MAX"] = int(config["LABEL_STICKER_MAX"])
    config["EPCIS_EXTENSION_NAMESPACE"] = str(
        config["EPCIS_EXTENSION_NAMESPACE"] or f"{config['PUBLIC_BASE_URL']}/ns/epcis/"
    )
    config["LOOKUP_SCAN_ALERT"] = int(config["LOOKUP_SCAN_ALERT"])
    config["LOOKUP_SCAN_DAYS"] = int(config["LOOKUP_SCAN_DAYS"])
    config["LOOKUP_MAX_AGE"] = int(config["LOOKUP_MAX_AGE"])
    config["LOOKUP_CACHE_SIZE"] = int(config["LOOKUP_CACHE_SIZE"])
    config["LOOKUP_CACHE_SECONDS"] = int(config["LOOKUP_CACHE_SECONDS"])
    config["LOOKUP_CACHE_RECHECK"] = float(config["LOOKUP_CACHE_RECHECK"])
    config["RATELIMIT_ENABLED"] = _flag(config["RATELIMIT_ENABLED"])
    config["RATELIMIT_PROXIES"] = int(config["RATELIMIT_PROXIES"])
    config["WEB_SESSION_HOURS"] = float(config["WEB_SESSION_HOURS"])
    config["WEB_SESSION_IDLE_MINUTES"] = float(config["WEB_SESSION_IDLE_MINUTES"])
    config["SESSION_COOKIE_SECURE"] = _flag(config["SESSION_COOKIE_SECURE"])
    for key in ("LOOKUP_CONTACT_NAME", "LOOKUP_CONTACT_EMAIL", "LOOKUP_CONTACT_PHONE"):
        config[key] = str(config[key] or "")


def _flag(value: object) -> bool:
    """true/false, 1/0, yes/no, on/off (TRACE_X=off arrives as the string "off")."""
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no", "off")
    return bool(value)


def signing_key_path(config: Mapping[str, Any], instance_path: str | Path) -> Path:
    """Where the signing key is: SIGNING_KEY_PATH, or signing-key.pem in the instance folder."""
    value = str(config.get("SIGNING_KEY_PATH") or "")
    return Path(value) if value else Path(instance_path) / "signing-key.pem"
