"""shipments by road: truck, trailer, border gate and the crossing

Revision ID: 0011_china
Revises: 0011_staff
Create Date: 2026-12-03 15:20:00

A shipment travels by sea, air (a container) or road (a truck and trailer through a border
gate, as Vietnamese lychee goes to China). `crossed_at` is the time of the shipment's `cross`
event, kept beside `departed_at` and `arrived_at`. Existing shipments went by sea. Plain added
columns.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011_china"
down_revision: str | None = "0011_staff"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.add_column(
        "shipment", sa.Column("conveyance", _text(8), nullable=False, server_default="sea")
    )
    op.add_column("shipment", sa.Column("truck_plate", _text(16), nullable=True))
    op.add_column("shipment", sa.Column("trailer_plate", _text(16), nullable=True))
    op.add_column("shipment", sa.Column("border_gate", _text(32), nullable=True))
    op.add_column(
        "shipment", sa.Column("crossed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
    )
    op.create_index("ix_shipment_truck_plate", "shipment", ["truck_plate"])


def downgrade() -> None:
    op.drop_index("ix_shipment_truck_plate", table_name="shipment")
    for column in ("crossed_at", "border_gate", "trailer_plate", "truck_plate", "conveyance"):
        op.drop_column("shipment", column)
