"""`evidence keygen`: an Ed25519 key pair for signing bundles."""

from __future__ import annotations

from pathlib import Path

import click

from collector.cli.errors import UserError
from collector.export.signing import SigningKeyError, generate

PATH = click.Path(path_type=Path, dir_okay=False)


@click.command("keygen")
@click.option("--private-key", "private_key", type=PATH, default=Path("evidence-signing.pem"),
              show_default=True, help="Where to write the private key (PEM, mode 0600).")
@click.option("--public-key", "public_key", type=PATH, default=Path("public.pem"),
              show_default=True, help="Where to write the public key (PEM) to give auditors.")
@click.option("--force", is_flag=True, help="Replace existing key files.")
def keygen(private_key: Path, public_key: Path, force: bool) -> None:
    """Write an Ed25519 key pair for signing bundles.

    Set signing_key in evidence.yaml to the private key's path; `evidence export` then signs
    manifest.json. Give public.pem to the auditor through a channel they trust.
    """
    try:
        signer = generate(private_key, public_key, force=force)
    except (SigningKeyError, OSError) as e:
        raise UserError(str(e)) from e
    click.echo(f"wrote {private_key} (private, 0600) and {public_key} (public); "
               f"fingerprint {signer.fingerprint}")
    click.echo(f"next: add `signing_key: {private_key.resolve()}` to evidence.yaml")
