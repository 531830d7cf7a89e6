"""The application factory: the only module that sees every layer."""

from __future__ import annotations

from flask import Flask

from trace import api, cli, config, lookup, security, web
from trace.db import session


def create_app(test_config: dict | None = None) -> Flask:
    """An app configured from defaults, TRACE_* variables, then `test_config`."""
    test_config = test_config or {}
    app = Flask(
        "trace",
        static_folder=str(config.ROOT / "static"),
        instance_path=str(test_config.get("INSTANCE_PATH", config.INSTANCE)),
    )
    app.config.from_mapping(config.DEFAULTS)
    app.config.from_prefixed_env("TRACE")
    app.config.update(test_config)
    config.normalise(app.config)
    security.init_app(app)  # the secret key, and the headers of every answer
    _register_extensions(app)
    _register_blueprints(app)
    cli.init_app(app)
    return app


def _register_extensions(app: Flask) -> None:
    session.init_app(app)


def _register_blueprints(app: Flask) -> None:
    api.init_app(app)
    lookup.init_app(app)  # the public pages: /01/…, /00/…, /414/…, /t/…
    web.init_app(app)  # the staff pages: /, /login, /search, /app/…

    @app.get("/healthz")
    def health():
        return {"ok": True}
