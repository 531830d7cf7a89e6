"""Commands: `flask --app wsgi db upgrade`, `users create`, `demo load`. Thin: parse, call, echo."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlmodel import Session, select

from trace.db import migrate
from trace.db.models import User
from trace.domain.errors import DomainError


def _engine():
    return current_app.extensions["trace.engine"]


def init_app(app: Flask) -> None:
    app.cli.add_command(db)
    app.cli.add_command(users)
    app.cli.add_command(demo)


db = AppGroup("db", help="The database: migrations.")


@db.command("upgrade", help="Apply the migrations (creates the database on first use).")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str):
    migrate.upgrade(_engine(), revision)
    click.echo(f"database at {_engine().url.render_as_string(hide_password=True)} is up to date")


@db.command("revision", help="Autogenerate a migration from the tables (developers).")
@click.option("-m", "--message", required=True)
def db_revision(message: str):
    migrate.revision(_engine(), message)


users = AppGroup("users", help="Users and their API tokens.")


@users.command("create", help="Create a user; prints its API token as the last line.")
@click.argument("name")
@click.option(
    "--role", required=True, type=click.Choice(["admin", "worker", "inspector", "importer"])
)
@click.option("--location", "location_id", type=int, help="an importer's location id")
def users_create(name: str, role: str, location_id: int | None):
    from trace.services import users as service

    with Session(_engine(), expire_on_commit=False) as session:
        try:
            user, token = service.create(session, name, role, location_id)
        except DomainError as error:
            raise click.ClickException(error.message) from None
    click.echo(f"created {user.role} {user.name!r} (id {user.id}); its API token, shown once:")
    click.echo(token)


@users.command("token", help="Issue another API token for a user; prints it as the last line.")
@click.argument("name")
def users_token(name: str):
    from trace.services import users as service

    with Session(_engine(), expire_on_commit=False) as session:
        user = session.exec(select(User).where(User.name == name)).first()
        if user is None:
            raise click.ClickException(f"no user called {name!r}")
        token = service.issue_token(session, user)
    click.echo(f"new API token for {name!r}, shown once:")
    click.echo(token)


@users.command("revoke", help="Revoke an API token.")
@click.argument("token")
def users_revoke(token: str):
    from trace.services import users as service

    with Session(_engine()) as session:
        if not service.revoke(session, token):
            raise click.ClickException("no such active token")
    click.echo("revoked")


demo = AppGroup("demo", help="The demo season.")


@demo.command("load", help="Load a believable lychee season (only into an empty database).")
@click.option("--force", is_flag=True, help="load even if the database holds data")
def demo_load(force: bool):
    from trace import demo as season

    with Session(_engine(), expire_on_commit=False) as session:
        if season.has_data(session) and not force:
            click.echo("the database holds data already; the demo season was not loaded")
            return
        summary = season.load(
            session,
            company_prefix=current_app.config["GS1_COMPANY_PREFIX"],
            extension_digit=current_app.config["SSCC_EXTENSION_DIGIT"],
        )
    click.echo(summary)
    # The tokens are shown once; keep them beside the laptop database for the demo's users.
    saved = Path(current_app.instance_path) / "demo-tokens.txt"
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(summary + "\n")
    saved.chmod(0o600)
    click.echo(f"(also saved in {saved})")
