"""Settings: defaults here, overridden by TRACE_* environment variables (see README).

The app factory loads DEFAULTS, then `TRACE_<KEY>` variables (Flask's from_prefixed_env),
then a test mapping.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

DEFAULTS = {
    # A SQLite file beside the code; PostgreSQL in production (postgresql+psycopg://…).
    "DATABASE_URL": f"sqlite:///{INSTANCE / 'trace.db'}",
    # Signs session cookies. The default is only for a laptop; set your own in production.
    "SECRET_KEY": "dev-only-not-secret",
    # The domain printed codes point at: GS1 Digital Link URIs on labels start with it.
    "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
    # The organisation's GS1 company prefix: SSCCs of pallets are built from it.
    "GS1_COMPANY_PREFIX": "8931234",
    # SSCC extension digit (0–9) the organisation uses for pallets.
    "SSCC_EXTENSION_DIGIT": 0,
    # API lists: default and largest page size.
    "PAGE_SIZE": 50,
}


def normalise(config) -> None:
    """Coerce values read from the environment (Flask parses them as JSON) to their types."""
    config["GS1_COMPANY_PREFIX"] = str(config["GS1_COMPANY_PREFIX"])
    config["SSCC_EXTENSION_DIGIT"] = int(config["SSCC_EXTENSION_DIGIT"])
    config["PAGE_SIZE"] = int(config["PAGE_SIZE"])
    config["PUBLIC_BASE_URL"] = str(config["PUBLIC_BASE_URL"]).rstrip("/")
