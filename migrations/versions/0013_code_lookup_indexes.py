"""indexes for reading a plain code: a bill of lading, a place's official code

Revision ID: 0013_code_lookup
Revises: 0011_china
Create Date: 2026-12-04 05:00:00

A code typed or scanned without GS1 parts (identify's plain reading) is looked up in every
table that may hold it in one statement. A shipment is found by its container, its
phytosanitary certificate or its bill of lading: with no index on the bill of lading the
database read every shipment for each code (a season of 20,000 shipments: milliseconds on
every trace, recall and lookup by code). A place's official code (PUC, PHC…) is looked up by
its value alone, which the unique constraint (location, scheme, market, value) does not serve.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013_code_lookup"
down_revision: str | None = "0011_china"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_shipment_bill_of_lading", "shipment", ["bill_of_lading"])
    op.create_index("ix_location_code_value", "location_code", ["value"])


def downgrade() -> None:
    op.drop_index("ix_location_code_value", table_name="location_code")
    op.drop_index("ix_shipment_bill_of_lading", table_name="shipment")
