"""staff sessions that end on the server, and a second factor

Revision ID: 0008_security
Revises: 0008_scans
Create Date: 2026-12-03 12:00:00

`user.session_epoch` counts the user's session generations: logging out, changing the password
or an admin's "end sessions" adds one, and every session cookie of an older generation stops
working at once, wherever it was copied to. `totp_secret` is the confirmed TOTP key (RFC 6238),
`totp_pending` one being set up, `totp_required` an admin's demand that the user set one up, `totp_last_step` the time step of
the last code used (a code works once),
`recovery_codes` the SHA-256 of each unused recovery code. Plain added columns (no batch copy
of `user`: the event log refers to it).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008_security"
down_revision: str | None = "0008_scans"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "user", sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column(
        "user", sa.Column("totp_secret", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
    )
    op.add_column(
        "user",
        sa.Column("totp_pending", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    )
    op.add_column(
        "user",
        sa.Column("totp_required", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("user", sa.Column("totp_last_step", sa.Integer(), nullable=True))
    op.add_column(
        "user",
        sa.Column("recovery_codes", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    )


def downgrade() -> None:
    for column in (
        "recovery_codes",
        "totp_last_step",
        "totp_required",
        "totp_pending",
        "totp_secret",
    ):
        op.drop_column("user", column)
    op.drop_column("user", "session_epoch")
