"""An exporter's consumer contact: location.contact (name, phone, email, website)

Revision ID: 0011_staff
Revises: 0008_security

The public page of a carton names whom to contact about it: the exporter's contact kept as
master data (with its history), else the TRACE_LOOKUP_CONTACT_* settings. Existing places get
an empty contact, which their state (and so their kept versions) leaves out.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_staff"
down_revision: str | None = "0008_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("location") as batch_op:
        batch_op.add_column(sa.Column("contact", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("location") as batch_op:
        batch_op.drop_column("contact")
