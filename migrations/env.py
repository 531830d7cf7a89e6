"""Alembic environment: the engine comes from the caller (`flask --app wsgi db upgrade`)."""

from alembic import context
from sqlmodel import SQLModel

import trace.db.models  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTERs by table copy
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
