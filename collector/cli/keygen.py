"""`evidence keygen`: an Ed25519 key pair for signing bundles.

Both files are written atomically (a temp file beside the target, 0600 whatever the umask,
renamed into place), never through a symbolic link (a link at either path is refused, also
with --force), and never both to the same file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import click
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from collector.cli.errors import UserError
from collector.export.signing import Signer, public_pem

PATH = click.Path(path_type=Path, dir_okay=False)
KEY_MODE = 0o600


def check_targets(private_key: Path, public_key: Path, *, force: bool) -> None:
    """Refuse one path for both keys, a symbolic link at either path, a non-regular file, and
    (without ``force``) an existing file."""
    if _same(private_key, public_key):
        raise UserError(f"--private-key and --public-key are the same file ({private_key}); "
                        "the public key would overwrite the private one")
    for path in (private_key, public_key):
        if path.is_symlink():
            raise UserError(f"{path}: is a symbolic link; refusing to write a key through it "
                            "(also with --force)")
        if path.exists() and not path.is_file():
            raise UserError(f"{path}: exists and is not a regular file")
        if path.exists() and not force:
            raise UserError(f"{path}: already exists (use --force to replace it)")


def _same(a: Path, b: Path) -> bool:
    if os.path.abspath(a) == os.path.abspath(b) or a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def write_atomic(path: Path, data: bytes, *, replace: bool) -> None:
    """Write ``data`` to ``path`` 0600 (whatever the umask) via a temp file in the same
    directory: the target is never half-written, and a rename never follows a symlink.
    Without ``replace`` an existing file (appearing meanwhile) is left alone: FileExistsError."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, KEY_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # atomic no-clobber: fails if the path exists
    finally:
        with contextlib.suppress(FileNotFoundError):  # gone already after os.replace
            os.unlink(tmp)


@click.command("keygen")
@click.option("--private-key", "private_key", type=PATH, default=Path("evidence-signing.pem"),
              show_default=True, help="Where to write the private key (PEM, mode 0600).")
@click.option("--public-key", "public_key", type=PATH, default=Path("public.pem"),
              show_default=True, help="Where to write the public key (PEM) to give auditors.")
@click.option("--force", is_flag=True, help="Replace existing key files (never through a "
                                            "symbolic link).")
def keygen(private_key: Path, public_key: Path, force: bool) -> None:
    """Write an Ed25519 key pair for signing bundles.

    Set signing_key in evidence.yaml to the private key's path; `evidence export` then signs
    manifest.json. Give public.pem to the auditor through a channel they trust.
    """
    check_targets(private_key, public_key, force=force)
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    try:
        write_atomic(private_key, private, replace=force)
        write_atomic(public_key, public_pem(key.public_key()).encode("ascii"), replace=force)
    except FileExistsError as e:
        raise UserError(f"{e.filename2 or e.filename}: already exists (use --force to "
                        "replace it)") from e
    except OSError as e:
        raise UserError(f"cannot write the key: {e.filename or ''}: {e.strerror or e}") from e
    signer = Signer(key)
    click.echo(f"wrote {private_key} (private, 0600) and {public_key} (public); "
               f"fingerprint {signer.fingerprint}")
    click.echo(f"next: add `signing_key: {private_key.resolve()}` to evidence.yaml")
