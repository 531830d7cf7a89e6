"""staff web pages: users' password hashes, one-time form tokens

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 12:00:00

`user.password_hash` is added as a plain nullable column (no batch copy of `user`: the event
log refers to it). `form_once` remembers each staff form's one-time token, so a worker who taps
Submit twice records one harvest, not two.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "user",
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    )
    op.create_table(
        "form_once",
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("result", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("token"),
    )
    op.create_index("ix_form_once_created_at", "form_once", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_form_once_created_at", table_name="form_once")
    op.drop_table("form_once")
    # SQLite ≥ 3.35 drops a column in place (ALTER TABLE … DROP COLUMN), without a table copy.
    op.drop_column("user", "password_hash")
