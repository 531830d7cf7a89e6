"""EPCIS capture and signed evidence: captured events' identifiers, capture jobs, checkpoints

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 00:10:00

Also widens `event.event_id` (EPCIS eventIDs such as `ni:///sha-256;…?ver=CBV2.0` are longer
than 64 characters), `epcis_type`, `biz_step` and `disposition` (CBV values may be full URIs).
On PostgreSQL that is an ALTER of the column type. SQLite does not enforce VARCHAR lengths, and
a batch ALTER would copy the append-only `event` table (its triggers refuse the DELETE of the
copy), so there only the declared type in the schema text is rewritten: the procedure of
SQLite's "ALTER TABLE", section 7, for changes that leave the stored data as it is.
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WIDER = {
    "event_id": (64, 255),
    "epcis_type": (32, 64),
    "biz_step": (64, 255),
    "disposition": (64, 255),
}


def _widen(sizes: dict[str, int]) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for column, size in sizes.items():
            op.alter_column("event", column, type_=sa.String(size))
        return
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'event'"
    ).scalar_one()
    for column, size in sizes.items():
        sql = re.sub(rf"\b{column} VARCHAR\(\d+\)", f"{column} VARCHAR({size})", sql)
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'event'", (sql,)
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    _widen({column: new for column, (_, new) in WIDER.items()})
    op.create_table(
        "event_uri",
        sa.Column("uri", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"]),
        sa.PrimaryKeyConstraint("uri", "event_id"),
    )

    op.create_table(
        "capture_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("capture_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("finished_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("running", sa.Boolean(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("error_behaviour", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("stored", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("capture_id"),
    )
    op.create_table(
        "checkpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=True),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("chain_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("key_fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("public_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("signature", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("checkpoint")
    op.drop_table("capture_job")
    op.drop_table("event_uri")
    _widen({column: old for column, (old, _) in WIDER.items()})
