"""Ed25519 keys for signing bundles: generate, load, sign, verify (``cryptography``).

The signature (manifest.sig) is the raw 64-byte Ed25519 signature of manifest.json's bytes, the
form ``openssl pkeyutl -verify -rawin -sigfile manifest.sig`` checks. Keys are PEM: PKCS#8 for
the private key (written 0600), SubjectPublicKeyInfo for the public key.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "Ed25519"
MAX_PUBLIC_KEY_BYTES = 64 << 10
"""A public key file larger than this is refused unread (an Ed25519 PEM is 113 bytes)."""


class SigningKeyError(ValueError):
    """A key file that is missing, unreadable or not an Ed25519 key (one-line message)."""


@dataclass(frozen=True)
class Signer:
    """A loaded private key and the public facts a bundle records about it."""

    key: Ed25519PrivateKey

    @property
    def public_pem(self) -> str:
        """The public key as PEM text."""
        return public_pem(self.key.public_key())

    @property
    def fingerprint(self) -> str:
        """sha256 (hex) of the public key's DER SubjectPublicKeyInfo."""
        return fingerprint(self.key.public_key())

    def sign(self, data: bytes) -> bytes:
        """The raw 64-byte signature of ``data``."""
        return self.key.sign(data)


def public_pem(key: Ed25519PublicKey) -> str:
    """PEM (SubjectPublicKeyInfo) text of a public key."""
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def fingerprint(key: Ed25519PublicKey) -> str:
    """sha256 (hex) of the DER SubjectPublicKeyInfo: what `openssl pkey -pubin -outform DER |
    sha256sum` prints."""
    der = key.public_bytes(serialization.Encoding.DER,
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def generate(private_path: Path, public_path: Path, *, force: bool = False) -> Signer:
    """Write a new key pair; the private key file is created 0600. Refuses to overwrite."""
    for path in (private_path, public_path):
        if path.exists() and not force:
            raise SigningKeyError(f"{path}: already exists (use --force to replace it)")
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    if force:
        private_path.unlink(missing_ok=True)
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(private)
    os.chmod(private_path, 0o600)  # whatever the umask
    public_path.write_text(public_pem(key.public_key()), encoding="ascii")
    return Signer(key)


def load_private(path: Path) -> Signer:
    """Load an unencrypted Ed25519 private key (PEM)."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SigningKeyError(f"{path}: cannot read the signing key ({e.strerror})") from e
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as e:
        raise SigningKeyError(
            f"{path}: signing_key must be an unencrypted Ed25519 private key in PEM "
            f"(evidence keygen writes one): {str(e).splitlines()[0]}") from e
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path}: signing_key must be an Ed25519 private key, "
                        f"not {type(key).__name__}")
    return Signer(key)


def read_public_file(path: Path, limit: int = MAX_PUBLIC_KEY_BYTES) -> bytes:
    """The bytes of a public key file, read safely: a regular file of at most ``limit`` bytes.

    Opened without blocking (a FIFO does not hang) and checked with fstat on the open file, so
    /dev/zero, a FIFO, a directory or a socket is refused before a byte is read; at most
    ``limit`` + 1 bytes are ever read (a file that grows while read is refused too).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise SigningKeyError(f"{path}: cannot read the public key ({e.strerror})") from e
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise SigningKeyError(f"{path}: the public key must be a regular file, not "
                                  f"{_kind(mode)}")
        try:
            data = fh.read(limit + 1)
        except OSError as e:
            raise SigningKeyError(f"{path}: cannot read the public key ({e.strerror})") from e
    if len(data) > limit:
        raise SigningKeyError(f"{path}: more than {limit} bytes is not a PEM public key "
                              "(an Ed25519 one is 113 bytes)")
    return data


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "a special file"


def load_public(data: bytes, where: str) -> Ed25519PublicKey:
    """Load an Ed25519 public key from PEM bytes; ``where`` names the source in errors.

    Any failure (not PEM, an algorithm ``cryptography`` does not know, not Ed25519) is a
    SigningKeyError with a one-line message.
    """
    try:
        key = serialization.load_pem_public_key(data)
    except UnsupportedAlgorithm as e:
        raise SigningKeyError(f"{where}: a public key of an unsupported algorithm "
                              f"(an Ed25519 key is expected): {_first_line(e)}") from e
    except (ValueError, TypeError) as e:
        raise SigningKeyError(f"{where}: not a PEM public key ({_first_line(e)})") from e
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(f"{where}: not an Ed25519 public key ({type(key).__name__})")
    return key


def _first_line(e: Exception) -> str:
    lines = str(e).strip().splitlines()
    return lines[0] if lines else type(e).__name__


def signature_holds(key: Ed25519PublicKey, signature: bytes | bytearray,
                    data: bytes | bytearray) -> bool:
    """Whether ``signature`` is ``key``'s signature of ``data``."""
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True
