"""random carton serials, and scans counted once per person and day

Revision ID: 0008_scans
Revises: 0008_masterdata
Create Date: 2026-12-03 12:00:00

`carton_serial` holds the random serial printed on each carton of a new label job (its number in
the product's sequence stays in `label_job.serial_first`…`serial_last`); jobs printed before keep
their numbered serials (`label_job.random_serials` false). `scan` holds one row per carton and
client-day (a salted hash, never an address), `scan_salt` the day's salt. The counts kept so far
counted every page view, reloads and embedded images included: each becomes one person (its
first and last scan stay), so no genuine carton starts out flagged as copied.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008_scans"
down_revision: str | None = "0008_masterdata"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("label_job") as batch:
        batch.add_column(
            sa.Column("random_serials", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "carton_serial",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("serial", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("label_job_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"]),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"]),
        sa.ForeignKeyConstraint(["label_job_id"], ["label_job.id"]),
        sa.PrimaryKeyConstraint("product_id", "serial"),
    )
    op.create_index(
        "ix_carton_serial_number", "carton_serial", ["product_id", "number"], unique=True
    )
    op.create_index("ix_carton_serial_label_job_id", "carton_serial", ["label_job_id"])
    op.create_table(
        "scan",
        sa.Column("gtin", sqlmodel.sql.sqltypes.AutoString(length=14), nullable=False),
        sa.Column("lot", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("serial", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("client", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("gtin", "lot", "serial", "client"),
    )
    op.create_table(
        "scan_salt",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("salt", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.execute("UPDATE scan_counter SET count = 1 WHERE count > 1")


def downgrade() -> None:
    op.drop_table("scan_salt")
    op.drop_table("scan")
    op.drop_index("ix_carton_serial_label_job_id", table_name="carton_serial")
    op.drop_index("ix_carton_serial_number", table_name="carton_serial")
    op.drop_table("carton_serial")
    with op.batch_alter_table("label_job") as batch:
        batch.drop_column("random_serials")
