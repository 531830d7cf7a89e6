"""Persistence: SQLModel tables, engines, the session per request and the migrations' runner.

May import SQLAlchemy/SQLModel and `trace.domain`/`trace.gs1`; never the API or pages.
"""
