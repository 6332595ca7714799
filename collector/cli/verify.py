"""`evidence verify`: check a bundle offline (exit 0 when it holds, 4 when it does not)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from collector.cli.errors import EXIT_OK, EXIT_VERIFY
from collector.export.verify import Failed, verify_file


@click.command("verify")
@click.argument("bundle", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--public-key", "public_key", type=click.Path(path_type=Path, dir_okay=False,
              exists=True), metavar="PEM",
              help="The signer's Ed25519 public key, obtained from the organisation. Without it "
                   "a signature is checked against the key the bundle carries (integrity only).")
def verify(bundle: Path, public_key: Path | None) -> int:
    """Verify an evidence bundle offline: every file's sha256 against manifest.json, the
    signature of manifest.json (when signed), and the run chain (each run's manifest hashes to
    what the chain says and names the previous run). Never extracts anything.

    Exit 0 when everything holds; 4 when anything does not, naming the first file or run.
    """
    pem = public_key.read_bytes() if public_key is not None else None
    try:
        done = verify_file(bundle, pem)
    except Failed as e:
        click.echo(f"evidence: verify FAILED: {e}", err=True)
        return EXIT_VERIFY
    if done.signed and done.embedded_key:
        sig = (f"signature holds for the key the bundle carries ({done.key_fingerprint}); "
               "pass --public-key to check it is the organisation's key")
    elif done.signed:
        sig = f"signature holds (key {done.key_fingerprint})"
    else:
        sig = "NOT signed: compare manifest.json's sha256 with the one the exporter reported"
    click.echo(f"OK {bundle}: {done.files} files and {done.runs} chained run(s) verified; "
               f"chain head {done.chain_head}; {sig}")
    sys.stdout.flush()
    return EXIT_OK
