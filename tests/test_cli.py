"""Commands: migrations, users with tokens."""

from __future__ import annotations

from sqlalchemy import inspect

from trace.db import migrate


def test_users_create_prints_a_working_token_as_its_last_line(app, client):
    result = app.test_cli_runner().invoke(args=["users", "create", "lan", "--role", "worker"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    response = client.get("/api/v1/lots", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    again = app.test_cli_runner().invoke(args=["users", "create", "lan", "--role", "worker"])
    assert again.exit_code != 0 and "exists already" in again.output


def test_tokens_are_stored_hashed(app, engine):
    result = app.test_cli_runner().invoke(args=["users", "create", "an", "--role", "inspector"])
    token = result.output.strip().splitlines()[-1]
    with engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT token_hash FROM api_token").scalars().all()
    assert token not in stored and all(len(h) == 64 for h in stored)


def test_migrations_go_down_and_up_again(engine):
    migrate.upgrade(engine)  # already at head: nothing to do
    from alembic import command

    command.downgrade(migrate.alembic_config(engine), "base")
    assert "event" not in inspect(engine).get_table_names()
    migrate.upgrade(engine)
    assert {"event", "lot", "pallet", "shipment", "chain_head"} <= set(
        inspect(engine).get_table_names()
    )


def test_the_migrations_make_the_tables_and_indexes_the_models_describe(engine):
    """A column or index added to a model without its migration (or the other way round) would
    leave a database made by `make run` unlike the one the code expects."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []


def test_a_token_can_be_issued_to_expire(app, client):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["users", "create", "kim", "--role", "inspector"]).exit_code == 0
    result = runner.invoke(args=["users", "token", "kim", "--expires-in", "30"])
    assert result.exit_code == 0, result.output
    assert "valid until" in result.output
    token = result.output.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/lots", headers=headers).status_code == 200
    with app.extensions["trace.engine"].begin() as conn:  # thirty days later
        conn.exec_driver_sql("UPDATE api_token SET expires_at = created_at")
    assert client.get("/api/v1/lots", headers=headers).status_code == 401
    refused = runner.invoke(args=["users", "token", "kim", "--expires-in", "0"])
    assert refused.exit_code != 0
