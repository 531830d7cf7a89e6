"""Master data history: every change of a place, its codes or a product, chained; phones

Revision ID: 0008_masterdata
Revises: 0007
Create Date: 2026-12-03 12:00:00

`masterdata_version` keeps each change of a location (with its codes) or a product with who made
it, when, and the whole state before and after, hash-chained like the event log (the head is
`chain_head.masterdata_hash`) and append-only (the database refuses UPDATE and DELETE). Pages
and exports of a past event read the version valid at its time. Every place and product that
exists now gets a first version, its current state, valid from when it was created.
`location.phone` keeps the phone number an FSMA 204 location description needs.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from trace.domain.events import GENESIS_HASH, chain_hash
from trace.domain.masterdata import location_state, product_state, version_content

revision: str = "0008_masterdata"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "master data versions are append-only: change the place or product instead"


def upgrade() -> None:
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
    with op.batch_alter_table("chain_head", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "masterdata_hash",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=False,
                server_default=GENESIS_HASH,
            )
        )
    op.create_table(
        "masterdata_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("change", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("valid_from", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_masterdata_version_entity",
        "masterdata_version",
        ["entity", "entity_id", "valid_from"],
        unique=False,
    )
    _first_versions()
    _append_only()


def _first_versions() -> None:
    bind = op.get_bind()
    stamp = sqlmodel.sql.sqltypes.UTCDateTime()
    location = sa.table(
        "location",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("name", sa.String),
        sa.column("gln", sa.String),
        sa.column("phone", sa.String),
        sa.column("address", sa.JSON),
        sa.column("methods", sa.JSON),
        sa.column("created_at", stamp),
    )
    code = sa.table(
        "location_code",
        *(sa.column(c, sa.String) for c in ("scheme", "value", "market", "status", "issuer")),
        sa.column("season", sa.String),
        sa.column("id", sa.Integer),
        sa.column("location_id", sa.Integer),
    )
    product = sa.table(
        "product",
        sa.column("id", sa.Integer),
        sa.column("gtin", sa.String),
        sa.column("name", sa.JSON),
        sa.column("commodity", sa.String),
        sa.column("variety", sa.String),
        sa.column("unit", sa.String),
        sa.column("net_weight_kg", sa.Float),
        sa.column("created_at", stamp),
    )
    version = sa.table(
        "masterdata_version",
        sa.column("entity", sa.String),
        sa.column("entity_id", sa.Integer),
        sa.column("change", sa.String),
        sa.column("valid_from", stamp),
        sa.column("user_id", sa.Integer),
        sa.column("before", sa.JSON),
        sa.column("after", sa.JSON),
        sa.column("prev_hash", sa.String),
        sa.column("hash", sa.String),
    )
    codes: dict[int, list[dict]] = {}
    for row in bind.execute(sa.select(code).order_by(code.c.id)).mappings():
        codes.setdefault(row["location_id"], []).append(dict(row))
    states = [
        ("location", row["id"], row["created_at"], location_state(row, codes.get(row["id"], [])))
        for row in bind.execute(sa.select(location).order_by(location.c.id)).mappings()
    ]
    states += [
        ("product", row["id"], row["created_at"], product_state(row))
        for row in bind.execute(sa.select(product).order_by(product.c.id)).mappings()
    ]
    states.sort(key=lambda s: (s[2], s[0], s[1]))
    prev = GENESIS_HASH
    rows = []
    for entity, ident, created, state in states:
        change = "as it was when its history began"
        content = version_content(entity, ident, change, created, None, None, state)
        hashed = chain_hash(content, prev)
        rows.append(
            {
                "entity": entity,
                "entity_id": ident,
                "change": change,
                "valid_from": created,
                "user_id": None,
                "before": None,
                "after": state,
                "prev_hash": prev,
                "hash": hashed,
            }
        )
        prev = hashed
    if rows:
        op.bulk_insert(version, rows)
        bind.execute(sa.text("UPDATE chain_head SET masterdata_hash = :h"), {"h": prev})


def _append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION refuse_masterdata_change() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
        for verb in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER masterdata_version_no_{verb} BEFORE {verb.upper()} "
                "ON masterdata_version FOR EACH ROW EXECUTE FUNCTION refuse_masterdata_change()"
            )
    else:
        for verb in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER masterdata_version_no_{verb} BEFORE {verb.upper()} "
                f"ON masterdata_version BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER masterdata_version_no_{verb} ON masterdata_version")
        op.execute("DROP FUNCTION refuse_masterdata_change()")
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER masterdata_version_no_{verb}")
    op.drop_index("ix_masterdata_version_entity", table_name="masterdata_version")
    op.drop_table("masterdata_version")
    with op.batch_alter_table("chain_head", schema=None) as batch_op:
        batch_op.drop_column("masterdata_hash")
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.drop_column("phone")
