"""The JSON API under /api/v1 (flask-smorest): one module per resource, schemas at the edge.

Views parse with schemas, call one use case in `trace.services`, and dump its result. Domain
errors become HTTP answers in `errors.py`, the only place that knows the mapping.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api
from flask_smorest.pagination import PaginationMetadataSchema
from flask_swagger_ui import get_swaggerui_blueprint

from . import (
    audit,
    epcis,
    errors,
    events,
    exports,
    labels,
    locations,
    lots,
    packings,
    pallets,
    products,
    shipments,
    tracing,
)
from .common import DomainErrorSchema

PREFIX = "/api/v1"


class TraceApi(Api):
    ERROR_SCHEMA = DomainErrorSchema  # errors of rules carry their kind and params

    def handle_http_exception(self, error):
        """flask-smorest's JSON errors, keeping the error's own headers (405's Allow) and
        always a message a person can act on."""
        payload, code, headers = super().handle_http_exception(error)
        headers = dict(headers or {})
        for key, value in error.get_headers():
            if key.lower() != "content-type":
                headers.setdefault(key, value)
        if "message" not in payload and "errors" not in payload and error.description:
            payload["message"] = error.description
        return payload, code, headers

    def _register_pagination_header(self):
        """X-Pagination is a JSON object serialised into one header: OpenAPI 3 says so with
        `content` (flask-smorest's `schema` would describe a comma-separated object)."""
        self.spec.components.header(
            "PAGINATION",
            {
                "description": "Pagination metadata (JSON)",
                "content": {"application/json": {"schema": PaginationMetadataSchema}},
            },
            lazy=True,
        )


def init_app(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "trace")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {
                "description": "Farm-to-export traceability: lots, events, pallets, shipments, "
                "trace and recall. Send `Authorization: Bearer <token>`."
            },
            "servers": [{"url": "/"}],
        },
    )
    api = TraceApi(app)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for module in (
        locations,
        products,
        lots,
        packings,
        pallets,
        shipments,
        events,
        tracing,
        audit,
        labels,
    ):
        api.register_blueprint(module.blp, url_prefix=PREFIX)
    for module in (exports, epcis):  # EPCIS 2.0, FSMA 204, signed evidence
        api.register_blueprint(module.blp, url_prefix=PREFIX)
    # The interactive docs page, served from the package's own copy (no CDN).
    app.register_blueprint(
        get_swaggerui_blueprint(
            f"{PREFIX}/docs", f"{PREFIX}/openapi.json", config={"app_name": "trace API"}
        ),
        url_prefix=f"{PREFIX}/docs",
    )
    errors.init_app(app)
