"""The engine of the app and a session per request (closed when the request ends)."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlmodel import Session

from .engine import make_engine


def init_app(app: Flask) -> None:
    app.extensions["trace.engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close)


def get_session() -> Session:
    if "db_session" not in g:
        # Objects stay readable after commit: views serialise what a use case returned.
        g.db_session = Session(current_app.extensions["trace.engine"], expire_on_commit=False)
    return g.db_session


def _close(_error=None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
