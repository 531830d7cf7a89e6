"""Commands: `flask --app wsgi db upgrade`, `users create|password`, `demo load`, `keys create|
rotate|show`, `checkpoint`, `verify [FILE]`, `backup FILE`, `restore FILE`. Thin: parse, call, echo."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlmodel import Session

from trace.db import migrate
from trace.domain.errors import DomainError


def _engine():
    return current_app.extensions["trace.engine"]


def init_app(app: Flask) -> None:
    app.cli.add_command(db)
    app.cli.add_command(users)
    app.cli.add_command(demo)
    app.cli.add_command(labels)
    app.cli.add_command(keys)
    app.cli.add_command(checkpoint)
    app.cli.add_command(verify)
    app.cli.add_command(backup)
    app.cli.add_command(restore)


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
@click.option(
    "--location",
    "location_id",
    type=int,
    help="an importer's location id; a worker's packing house (the web pages start there)",
)
@click.option("--password", help="a password for the staff web pages (at least 8 characters)")
def users_create(name: str, role: str, location_id: int | None, password: str | None):
    from trace.services import users as service

    with Session(_engine(), expire_on_commit=False) as session:
        try:
            user, token = service.create(session, name, role, location_id, password)
        except DomainError as error:
            raise click.ClickException(error.message) from None
    if password is not None:
        click.echo(f"{user.name!r} can log in to the staff pages at /login")
    click.echo(f"created {user.role} {user.name!r} (id {user.id}); its API token, shown once:")
    click.echo(token)


@users.command("password", help="Set a user's password for the staff web pages.")
@click.argument("name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def users_password(name: str, password: str):
    from trace.services import users as service

    with Session(_engine(), expire_on_commit=False) as session:
        user = service.get_by_name(session, name)
        if user is None:
            raise click.ClickException(f"no user called {name!r}")
        try:
            service.set_password(session, user, password)
        except DomainError as error:
            raise click.ClickException(error.message) from None
    click.echo(f"{name!r} can log in to the staff pages with the new password")


@users.command("token", help="Issue another API token for a user; prints it as the last line.")
@click.argument("name")
@click.option(
    "--expires-in",
    "days",
    type=click.FloatRange(min=0, min_open=True, max=3650),
    help="days until the token stops working (default: until revoked)",
)
def users_token(name: str, days: float | None):
    from trace.services import users as service
    from trace.services.common import now

    expires = now() + timedelta(days=days) if days else None
    with Session(_engine(), expire_on_commit=False) as session:
        user = service.get_by_name(session, name)
        if user is None:
            raise click.ClickException(f"no user called {name!r}")
        token = service.issue_token(session, user, expires)
    until = f", valid until {expires:%Y-%m-%d %H:%M} UTC" if expires else ""
    click.echo(f"new API token for {name!r}{until}, shown once:")
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


@demo.command(
    "load", help="Load a believable season of lychee and carrots (only into an empty database)."
)
@click.option("--force", is_flag=True, help="load even if the database holds data")
def demo_load(force: bool):
    from trace.demo import load as season

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


@demo.command("urls", help="A carton page of each market of the demo to open on a phone.")
@with_appcontext
def demo_urls():
    from trace.demo import load as season

    base = current_app.config["PUBLIC_BASE_URL"]
    with Session(_engine()) as session:
        found = season.carton_urls(session, base)
    if not found:
        click.echo("no carton label printed yet: load the demo season first (demo load)")
        return
    click.echo("carton pages to open on a phone (a genuine label each):")
    for market, url in found:
        click.echo(f"  {market}  {url}")


keys = AppGroup("keys", help="The organisation's Ed25519 key that signs evidence.")


def _key_path() -> Path:
    from trace.config import signing_key_path

    return signing_key_path(current_app.config, current_app.instance_path)


@keys.command("create", help="Create the signing key (private key file, public key beside it).")
@click.option("--force", is_flag=True, help="retire an existing key, as `keys rotate` does")
def keys_create(force: bool):
    from trace.services import evidence

    path = _key_path()
    try:
        key = evidence.create_key(path, force=force)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"private key: {path} (keep it secret; back it up)")
    click.echo(f"public key for inspectors: {evidence.public_path(path)}")
    click.echo(f"fingerprint: {evidence.fingerprint(evidence.raw_public(key))}")


@keys.command(
    "rotate",
    help="Retire the signing key and sign with a new one from now on. The retired public key "
    "stays published with the period it signed in, so what it signed still verifies.",
)
def keys_rotate():
    from trace.services import evidence

    path = _key_path()
    try:
        key = evidence.rotate_key(path)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    for entry in evidence.published_keys(path)[:-1]:
        if entry["status"] == "retired":
            click.echo(f"retired: {entry['fingerprint']} (signed until {entry['validUntil']})")
    click.echo(f"new fingerprint: {evidence.fingerprint(evidence.raw_public(key))}")


@keys.command("show", help="Print the public key (PEM), its fingerprint and the retired keys.")
def keys_show():
    from trace.services import evidence

    try:
        key = evidence.require_key(_key_path())
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(evidence.public_pem(key).decode().strip())
    for entry in evidence.published_keys(_key_path()):
        if entry["status"] == "retired":
            click.echo(
                f"retired: {entry['fingerprint']} ({entry['validFrom']} to {entry['validUntil']})"
            )
    click.echo(f"fingerprint: {evidence.fingerprint(evidence.raw_public(key))}")


@click.command("checkpoint", help="Sign the hash chain's head as it is now (a checkpoint).")
@click.option(
    "--every",
    type=click.FloatRange(min=0),
    default=None,
    help="Seconds: sign only if the latest checkpoint is older (for a schedule, e.g. cron "
    "every 5 minutes with --every 3600: at most one an hour).",
)
@with_appcontext
def checkpoint(every: float | None):
    from trace.services import evidence

    with Session(_engine(), expire_on_commit=False) as session:
        if every is not None and not evidence.checkpoint_due(session, every):
            click.echo(f"no checkpoint: the latest is less than {every:g} seconds old")
            return
        try:
            point = evidence.make_checkpoint(
                session, evidence.require_key(_key_path()), "schedule" if every else "cli"
            )
        except DomainError as error:
            raise click.ClickException(error.message) from None
    click.echo(
        f"checkpoint {point.id}: {point.events} events, last event {point.last_event_id}, "
        f"chain hash {point.chain_hash}, signed by key {point.key_fingerprint[:16]}…"
    )


@click.command(
    "verify",
    help="Without FILE: check the event log's hash chain and signed checkpoints. With FILE: "
    "check a signed evidence file against this instance's own signing keys (current and "
    "retired) and hash chain; exit status 1, naming why, for anything else.",
)
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@with_appcontext
def verify(file: Path | None):
    from trace.services import audit, evidence

    if file is not None:
        _verify_file(file)
        return
    with Session(_engine()) as session:
        result = audit.verify(session, evidence.trusted_keys(_key_path()))
    click.echo(
        f"{result['events_checked']} events and "
        f"{result['masterdata_checked']} master-data versions checked"
    )
    for point in result["checkpoints"]:
        state = "ok  " if point["ok"] else "FAIL"
        click.echo(
            f"  {state} checkpoint {point['id']} (event {point['last_event_id']}, "
            f"{point['created_at']})" + ("" if point["ok"] else ": " + "; ".join(point["problems"]))
        )
    if not result["ok"]:
        broken = result["first_broken"]
        if broken.get("type") == "masterdata":
            click.echo(f"BROKEN in the master data: {broken['reason']}")
        else:
            click.echo(f"BROKEN at event {broken['id']}: {broken['reason']}")
        raise SystemExit(1)
    click.echo("the chain and its checkpoints hold")


def _verify_file(file: Path) -> None:
    """The file's own checks (tools/verify_evidence.py) with this instance's keys as the only
    trusted ones, then what only the instance knows: its checkpoint and chain."""
    import importlib.util
    import json

    from trace.config import ROOT
    from trace.services import evidence

    spec = importlib.util.spec_from_file_location(
        "verify_evidence", ROOT / "tools" / "verify_evidence.py"
    )
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    path = _key_path()
    try:
        envelope = json.loads(file.read_bytes())
    except ValueError as error:
        raise click.ClickException(f"{file} is not JSON: {error}") from None
    anchors = tool.anchors_from_keys(
        evidence.keys_document(path, current_app.config["PUBLIC_BASE_URL"]),
        "this instance's signing keys",
    )
    ok, lines, _ = tool.verify(envelope, anchors)
    with Session(_engine()) as session:
        problems = evidence.check_on_instance(session, envelope, path)
    click.echo(f"{file}:")
    for good, text in lines:
        click.echo(f"  {'ok  ' if good else 'FAIL'} {text}")
    for problem in problems:
        click.echo(f"  FAIL {problem}")
    if ok and not problems:
        click.echo("VALID: signed by this instance, and its hash chain still holds the checkpoint")
        return
    click.echo("INVALID: see FAIL above")
    raise SystemExit(1)


def _size(size: float) -> str:
    for unit in ("bytes", "KB", "MB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


@click.command(
    "backup",
    help="Back up the whole database to FILE while the service runs: SQLite's online backup "
    "(FILE is a SQLite database) or pg_dump's custom format (PostgreSQL). FILE is replaced "
    "only when the backup is complete.",
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(file: Path):
    from trace.services import backup as service

    url = _engine().url
    try:
        summary = service.backup(url.render_as_string(hide_password=False), file)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(
        f"backed up {url.render_as_string(hide_password=True)} to {file} ({_size(summary.size)}): "
        f"{summary.events} events, chain head {summary.last_hash} (event "
        f"{summary.last_event_id}), migration {summary.revision}"
    )


@click.command(
    "restore",
    help="Restore a backup made by `backup` into the configured database, then check the "
    "restored hash chain. Refuses a database that holds data unless --force.",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="replace everything in a database that holds data")
@with_appcontext
def restore(file: Path, force: bool):
    from trace.services import backup as service
    from trace.services import evidence

    url = _engine().url
    trusted = evidence.trusted_keys(_key_path())
    _engine().dispose()  # our own pooled connections must not hold the old database open
    try:
        done = service.restore(
            url.render_as_string(hide_password=False),
            file,
            force=force,
            trusted_key=trusted,
        )
    except DomainError as error:
        raise click.ClickException(error.message) from None
    summary, result = done.summary, done.verify
    click.echo(
        f"restored {file} into {url.render_as_string(hide_password=True)}: {summary.events} "
        f"events, chain head {summary.last_hash} (event {summary.last_event_id})"
    )
    if done.needs_upgrade:
        click.echo(
            f"the backup is at migration {summary.revision}; this trace's newest is "
            f"{done.head_revision}: run `flask --app wsgi db upgrade`"
        )
    if not result["ok"]:
        broken = result["first_broken"]
        click.echo(
            f"the hash chain does NOT verify: BROKEN at event {broken['id']}: {broken['reason']}"
        )
        raise SystemExit(1)
    checkpoints = len(result["checkpoints"])
    click.echo(
        f"the hash chain verifies: {result['events_checked']} events checked"
        + (f", {checkpoints} signed checkpoints hold" if checkpoints else "")
    )


labels = AppGroup("labels", help="Print labels to a file (PDF, PNG, ZPL).")


@labels.command("print", help="Print labels to a file; carton labels allocate serials.")
@click.option("--user", "user_name", required=True, help="who prints (a worker or admin)")
@click.option("--kind", type=click.Choice(["carton", "pallet", "sticker"]), required=True)
@click.option("--lot", help="the packed lot (cartons, stickers)")
@click.option("--sscc", help="the pallet (pallet labels)")
@click.option("--count", type=click.IntRange(1, 20_000), help="how many labels")
@click.option(
    "--serials",
    help="reprint these cartons: printed serials or carton numbers, e.g. 0G7M9656647JF,18",
)
@click.option(
    "--size",
    type=click.Choice(["100x150mm", "4x6in", "50x30mm", "a4-24"]),
    default="100x150mm",
    show_default=True,
)
@click.option(
    "--format", "fmt", type=click.Choice(["pdf", "png", "zpl"]), default="pdf", show_default=True
)
@click.option("--dpi", type=click.Choice(["203", "300", "600"]))
@click.option("--market", help="destination market, e.g. JP (default: the lot's shipment's)")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="file to write (default: a name like cartons-LOT-1-200.pdf)",
)
def labels_print(user_name, kind, lot, sscc, count, serials, size, fmt, dpi, market, output):
    from trace.api.labels import LabelIn
    from trace.labels.render import render, suffix
    from trace.services import labels as service
    from trace.services import users

    request = {"kind": kind, "size": size, "format": fmt}
    for key, value in [
        ("lot", lot),
        ("sscc", sscc),
        ("count", count),
        ("market", market),
        ("dpi", dpi and int(dpi)),
    ]:
        if value is not None:
            request[key] = value
    if serials:
        wanted = [s.strip() for s in serials.split(",") if s.strip()]
        request["serials"] = [int(s) if s.isdigit() else s for s in wanted]
    errors = LabelIn().validate(request)
    if errors:
        raise click.ClickException(f"{errors}")
    request = LabelIn().load(request)
    with Session(_engine(), expire_on_commit=False) as session:
        user = users.get_by_name(session, user_name)
        if user is None or user.role not in ("admin", "worker"):
            raise click.ClickException(f"{user_name!r} is not a worker or admin")
        try:
            chosen, name = service.prepare(
                session,
                user,
                request,
                base_url=current_app.config["PUBLIC_BASE_URL"],
                company_prefix=current_app.config["GS1_COMPANY_PREFIX"],
            )
        except DomainError as error:
            raise click.ClickException(error.message) from None
    output = output or Path(name + suffix(fmt))
    total = len(request.get("serials") or []) or request.get("count") or 1
    with open(output, "wb") as out, click.progressbar(length=total, label="labels") as bar:

        def counted(items):
            for item in items:
                yield item
                bar.update(1)

        for chunk in render(counted(chosen), request["size"], fmt, request.get("dpi")):
            out.write(chunk)
    click.echo(f"wrote {output}")
