"""`evidence db`: database maintenance."""

from __future__ import annotations

import json

import click

from collector.cli.context import AppContext


@click.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(app: AppContext) -> None:
    """Apply pending schema migrations (also done automatically on first use)."""
    revision = app.repo.upgrade()
    click.echo(json.dumps({"database": "ok", "revision": revision}))
