"""scan counter: how often each serialised carton's public page was opened

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The primary key is the index every scan uses: one row per code, found and bumped in one
    # upsert.
    op.create_table(
        "scan_counter",
        sa.Column("gtin", sqlmodel.sql.sqltypes.AutoString(length=14), nullable=False),
        sa.Column("lot", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("serial", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("last_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("gtin", "lot", "serial"),
    )


def downgrade() -> None:
    op.drop_table("scan_counter")
