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
from typing import Any

import click

from collector.anchor.checkpoint import problem
from collector.anchor.consistency import Consistency, extends_all
from collector.anchor.files import MAX_CHECKPOINT_BYTES, AnchorFileError, read_checkpoint_file
from collector.anchor.signature import key_problem
from collector.cli.errors import EXIT_OK, EXIT_VERIFY, UserError
from collector.export.signing import SigningKeyError, load_public, read_public_file
from collector.export.verify import Failed, verify_file


@click.command("verify")
@click.argument("bundle", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--public-key", "public_key", type=click.Path(path_type=Path, dir_okay=False,
              exists=True), metavar="PEM",
              help="The signer's Ed25519 public key, obtained from the organisation. Without it "
                   "a signature is checked against the key the bundle carries (integrity only).")
@click.option("--checkpoint", "checkpoint", type=click.Path(path_type=Path, dir_okay=False,
              exists=True), metavar="FILE",
              help="An earlier checkpoint (JSON, e.g. the 'checkpoint' of an earlier bundle's "
                   "manifest.json) or a JSON-lines anchor file: prove this bundle's chain "
                   "extends it (nothing rewritten, rolled back or deleted since).")
def verify(bundle: Path, public_key: Path | None, checkpoint: Path | None) -> int:
    """Verify an evidence bundle offline: every file's sha256 against manifest.json, the
    signature of manifest.json (when signed), and the run chain (each run's manifest hashes to
    what the chain says and names the previous run). Never extracts anything.

    With --public-key the signature over manifest.json is checked before anything else in the
    bundle is parsed. Exit 0 when everything holds; 4 when anything does not, naming the first
    file, key or run; 2 when BUNDLE, --public-key or --checkpoint is not a usable file.

    With --checkpoint, the bundle's chain must also extend the earlier checkpoint(s) kept
    outside the organisation's database (Certificate Transparency's consistency check).
    """
    pem = _public_key(public_key) if public_key is not None else None
    earlier = _checkpoints(checkpoint) if checkpoint is not None else None
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
    if earlier is not None and checkpoint is not None:
        try:
            sig += "; " + _consistent(earlier, checkpoint, done.header, pem)
        except _Mismatch as e:
            return _failed(f"--checkpoint {checkpoint}: {e}")
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


class _Mismatch(Exception):
    """The bundle does not extend a checkpoint (one line)."""


def _checkpoints(path: Path) -> list[dict[str, Any]]:
    """The --checkpoint file's checkpoints, read safely (UserError if unusable)."""
    try:
        return read_checkpoint_file(path, MAX_CHECKPOINT_BYTES)
    except AnchorFileError as e:
        raise UserError(f"--checkpoint {e}") from e


def _consistent(earlier: list[dict[str, Any]], path: Path, header: dict[str, Any],
                pem: bytes | None) -> str:
    """What the OK line says of the --checkpoint proof; _Mismatch when it does not hold."""
    key = load_public(pem, "--public-key") if pem is not None else None
    current = header.get("checkpoint")
    if key is not None:
        for cp in earlier:
            bad = key_problem(cp, key, unsigned_ok=True)
            if bad is not None:
                raise _Mismatch(f"checkpoint seq {cp['seq']}: {bad}")
        if isinstance(current, dict) and problem(current) is None:
            bad = key_problem(current, key, unsigned_ok=True)
            if bad is not None:
                raise _Mismatch(f"the bundle's own checkpoint: {bad}")
    done, why = extends_all(earlier, header)
    if done is None:
        raise _Mismatch(why or "the bundle does not extend it")
    return _proof(done, earlier, key is not None)


def _proof(done: Consistency, earlier: list[dict[str, Any]], keyed: bool) -> str:
    seqs = ", ".join(str(s) for s in done.checked[:5]) + (", ..." if len(done.checked) > 5
                                                           else "")
    text = f"extends {len(done.checked)} earlier checkpoint(s) (seq {seqs})"
    if done.later:
        text += f", {done.later} made after this bundle's head"
    if done.earlier:
        text += f", {done.earlier} before what its chain reaches (not covered)"
    unsigned = sum(1 for cp in earlier if cp["signature"] is None)
    if not keyed:
        text += "; checkpoint signatures not checked (pass --public-key)"
    elif unsigned:
        text += f"; {unsigned} checkpoint(s) unsigned (kept by you, not signed by the key)"
    return text


def _regular(path: Path, what: str) -> None:
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        raise UserError(f"{what} {path}: cannot be read ({e.strerror})") from e
    if not stat.S_ISREG(mode):
        raise UserError(f"{what} {path}: not a regular file (a bundle is a ZIP file)")
