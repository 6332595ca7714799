"""`evidence verify`: check a bundle offline.

Exit codes: 0 when it holds; 4 when the bundle is altered, malformed or unverifiable (one line
names the member or manifest key); 2 when the command's own arguments are unusable: BUNDLE or
--public-key is not a regular file (a directory, /dev/zero, a FIFO), the key file is larger
than 64 KiB, unreadable, or not an Ed25519 public key in PEM (nothing was judged about the
bundle then).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import click

from collector.cli.errors import EXIT_OK, EXIT_VERIFY, UserError
from collector.export.signing import SigningKeyError, load_public, read_public_file
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

    With --public-key the signature over manifest.json is checked before anything else in the
    bundle is parsed. Exit 0 when everything holds; 4 when anything does not, naming the first
    file, key or run; 2 when BUNDLE or --public-key is not a usable file.
    """
    pem = _public_key(public_key) if public_key is not None else None
    _regular(bundle, "BUNDLE")
    try:
        done = verify_file(bundle, pem)
    except Failed as e:
        return _failed(str(e))
    except MemoryError:
        raise
    except Exception as e:  # the last guard: one line, never a traceback
        return _failed(f"{bundle}: cannot be verified (unexpected {type(e).__name__}: "
                       f"{' '.join(str(e).split())[:200]})")
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


def _failed(message: str) -> int:
    click.echo(f"evidence: verify FAILED: {' '.join(message.split())}", err=True)
    return EXIT_VERIFY


def _public_key(path: Path) -> bytes:
    """The --public-key file's bytes, once they load as an Ed25519 key (UserError if not)."""
    try:
        pem = read_public_file(path)
        load_public(pem, f"--public-key {path}")
    except SigningKeyError as e:
        raise UserError(f"--public-key {e}" if str(e).startswith(str(path)) else str(e)) from e
    return pem


def _regular(path: Path, what: str) -> None:
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        raise UserError(f"{what} {path}: cannot be read ({e.strerror})") from e
    if not stat.S_ISREG(mode):
        raise UserError(f"{what} {path}: not a regular file (a bundle is a ZIP file)")
