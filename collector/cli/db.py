"""`evidence db`: database maintenance."""

from __future__ import annotations

import json
from pathlib import Path

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


@db.command("verify")
@click.option("--anchor", "anchor", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="A checkpoint file (JSON lines) kept outside the database: "
              "the database must still extend every checkpoint in it.")
@click.option("--public-key", "public_key", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="With --anchor: every checkpoint must be signed by this key.")
@click.pass_obj
def db_verify(app: AppContext, anchor: Path | None, public_key: Path | None) -> None:
    """Verify the database: every sealed run against its manifest and the links between them,
    every blob and call they cite, the chain head, the ledger (attachments, revocations...) and
    the change index; with --anchor, against checkpoints kept elsewhere (detects deleted newest
    runs and a rolled-back or rewritten chain). Exit 4 and one line naming the first run or
    record that does not hold."""
    from collector.anchor.check import AnchorFileError, read_checkpoints, verify_database
    from collector.cli.errors import UserError
    from collector.export.signing import SigningKeyError, read_public_file

    repo = app.read_repo
    check = repo.require_intact()
    out: dict[str, object] = {"database": "ok", "runs": check.runs_checked}
    if anchor is not None:
        try:
            checkpoints = read_checkpoints(anchor)
            pem = read_public_file(public_key) if public_key is not None else None
        except (AnchorFileError, SigningKeyError) as e:
            raise UserError(str(e)) from e
        done = verify_database(repo, checkpoints, pem)
        out["anchor"] = {"checkpoints": done.checkpoints, "newest_seq": done.newest_seq,
                         "chain_seq": done.chain_seq}
    click.echo(json.dumps(out))
