"""Verifying a bundle offline: the archive is safe to read, every file matches manifest.json,
the signature holds, and the run chain links. Nothing is ever extracted to disk, nothing is
held whole but manifest.json (capped), and every malformed input is :class:`Failed` with one
line naming the member or key (never another exception).

Order of checks (the first failure is reported):

1. the archive's central directory: names, duplicates, links, declared sizes and ratios
   (:mod:`collector.export.verify_zip`), before any member is read;
2. with a trusted public key: manifest.sig over the raw bytes of manifest.json (read with a
   cap), before manifest.json is parsed;
3. manifest.json against its strict schema (:mod:`collector.export.verify_manifest`);
4. without a trusted key: the signature against the key the manifest carries, if signed;
5. files present versus listed; each listed file streamed once for its size and sha256 (and,
   for content-addressed evidence, that its name is its hash); run manifests are read
   streaming as they are hashed (:mod:`collector.export.verify_runs`);
6. the run chain.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from collector.export.manifest import MANIFEST, SIGNATURE
from collector.export.signing import (
    SigningKeyError,
    fingerprint,
    load_public,
    signature_holds,
)
from collector.export.verify_manifest import Manifest, parse
from collector.export.verify_runs import RunFile, TopLevel, check_chain
from collector.export.verify_zip import READ_ERRORS, Failed, Limits, Refused, read_capped, screen
from collector.export.verify_zip import stream as stream_member

__all__ = ["Failed", "Limits", "Refused", "Verified", "verify_file"]

CONTENT_ADDRESSED = re.compile(r"^evidence/_(?:calls|responses|result_sets)/([0-9a-f]{64})\.json$")


@dataclass(frozen=True)
class Verified:
    """A bundle that holds."""

    files: int
    runs: int
    signed: bool
    key_fingerprint: str | None
    chain_head: str
    embedded_key: bool
    """True when the signature was checked against the key manifest.json carries (no
    --public-key given): integrity, but not who signed it."""
    header: dict[str, Any] = field(default_factory=dict)
    """manifest.json's ``kind``, ``period``, ``chain`` and ``checkpoint``, once all held."""


class BundleVerifier:
    """Checks one open archive."""

    def __init__(self, archive: zipfile.ZipFile, public_key_pem: bytes | None,
                 limits: Limits) -> None:
        """Verify ``archive``; ``public_key_pem`` is the signer's key the auditor trusts."""
        self.archive = archive
        self.public_key_pem = public_key_pem
        self.limits = limits
        self.trusted: Ed25519PublicKey | None = None
        if public_key_pem is not None:
            try:
                self.trusted = load_public(public_key_pem, "--public-key")
            except SigningKeyError as e:
                raise Failed(str(e)) from e

    def verify(self) -> Verified:
        """Raise Failed naming the first problem; return what was checked."""
        trusted = self.trusted
        infos = screen(self.archive, self.limits)
        if MANIFEST not in infos:
            raise Failed(f"{MANIFEST} is missing: this is not an evidence bundle, or it was cut")
        body = read_capped(self.archive, infos[MANIFEST], self.limits.max_manifest_bytes)
        signature = None
        if SIGNATURE in infos:
            signature = read_capped(self.archive, infos[SIGNATURE],
                                    self.limits.max_signature_bytes)
        if trusted is not None:
            if signature is None:
                raise Failed(f"{SIGNATURE}: missing: the bundle is not signed, but --public-key "
                             "was given")
            if not signature_holds(trusted, signature, body):
                raise Failed(f"{SIGNATURE}: the signature of {MANIFEST} does not hold for the "
                             f"--public-key given (key {fingerprint(trusted)}): the manifest "
                             "was altered, or another key signed it")
        man = parse(body, len(infos), self.limits)
        fp, embedded = self._signature(man, body, signature)
        extra = sorted(set(infos) - set(man.files) - {MANIFEST, SIGNATURE})
        if extra:
            raise Failed(f"{extra[0]}: in the archive but not listed in {MANIFEST} "
                         "(added after export)")
        runs: dict[str, RunFile] = {}
        for path, (sha, size) in sorted(man.files.items()):
            info = infos.get(path)
            if info is None:
                raise Failed(f"{path}: listed in {MANIFEST} but missing from the archive")
            got = self._member(info, sha, size)
            if got is not None:
                runs[path] = got
        head, count = check_chain(man.runs, runs, man.head_sha256, man.anchor_prev_sha256)
        return Verified(len(man.files), count, fp is not None, fp, head, embedded, man.header)

    def _member(self, info: zipfile.ZipInfo, sha: str, size: int) -> RunFile | None:
        """Stream one listed member: its size and sha256 must be what manifest.json says; a
        run manifest's top level is kept."""
        path = info.filename
        if info.file_size != size:
            raise Failed(f"{path}: {info.file_size} bytes in the archive where {MANIFEST} "
                         f"says {size}")
        digest = hashlib.sha256()
        sink: Callable[[bytes], None] = digest.update
        top = TopLevel(path, self.limits.max_depth) if path.startswith("runs/") else None
        unparsed: list[Failed] = []
        if top is not None:
            scanner = top

            def sink(chunk: bytes) -> None:
                digest.update(chunk)
                if not unparsed:
                    try:
                        scanner.feed(chunk)
                    except Failed as e:  # reported after the hash: altered content says so
                        unparsed.append(e)

        got_size = stream_member(self.archive, info, size, sink)
        got_sha = digest.hexdigest()
        if got_size != size:
            raise Failed(f"{path}: {got_size} bytes where {MANIFEST} says {size}")
        if got_sha != sha:
            raise Failed(f"{path}: sha256 {got_sha} does not match {MANIFEST} ({sha})")
        named = CONTENT_ADDRESSED.match(path)
        if named and named.group(1) != got_sha:
            raise Failed(f"{path}: its content hashes to {got_sha}, not to its name")
        if unparsed:
            raise unparsed[0]
        return None if top is None else RunFile(got_sha, top.result())

    def _signature(self, man: Manifest, body: bytearray,
                   signature: bytearray | None) -> tuple[str | None, bool]:
        """Check manifest.sig against what the manifest says; return the signer's key
        fingerprint and whether it was the embedded key (``(None, False)`` if unsigned)."""
        if man.key_sha256 is None:
            if signature is not None:
                raise Failed(f"{SIGNATURE}: present but {MANIFEST} says the bundle is unsigned")
            if self.trusted is not None:
                raise Failed(f"{MANIFEST}: the bundle is not signed, but --public-key was given")
            return None, False
        if signature is None:
            raise Failed(f"{SIGNATURE}: missing, but {MANIFEST} says the bundle is signed")
        try:
            embedded = load_public((man.key_pem or "").encode("utf-8", "replace"),
                                   f"{MANIFEST} signature.public_key_pem")
        except SigningKeyError as e:
            raise Failed(str(e)) from e
        if fingerprint(embedded) != man.key_sha256:
            raise Failed(f"{MANIFEST}: signature.public_key_sha256 is not the fingerprint of "
                         "signature.public_key_pem")
        if self.trusted is not None:
            key = self.trusted
            if fingerprint(key) != fingerprint(embedded):
                raise Failed(f"{SIGNATURE}: the bundle was signed by key {fingerprint(key)} "
                             f"(the --public-key given) but {MANIFEST} names key "
                             f"{fingerprint(embedded)}")
            return fingerprint(key), False
        if not signature_holds(embedded, signature, body):
            raise Failed(f"{SIGNATURE}: the signature of {MANIFEST} does not hold")
        return fingerprint(embedded), True


def verify_file(path: Path, public_key_pem: bytes | None = None,
                limits: Limits | None = None) -> Verified:
    """Verify the bundle at ``path``; raise Failed (or Refused) naming the first problem.

    The file is opened once and the archive closed on every path (no ZipFile left to the
    garbage collector); a path that is not a regular file is Failed before it is read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError as e:
        raise Failed(f"{path}: no such file") from e
    except OSError as e:
        raise Failed(f"{path}: cannot be read ({e.strerror})") from e
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Failed(f"{path}: not a regular file")
        try:
            with zipfile.ZipFile(fh) as archive:
                return BundleVerifier(archive, public_key_pem, limits or Limits()).verify()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, struct.error) as e:
            raise Refused(f"{path}: not a readable ZIP archive ({e})") from e
        except RecursionError as e:
            raise Failed(f"{path}: nested too deeply to verify") from e
        except READ_ERRORS as e:
            raise Failed(f"{path}: cannot be read ({type(e).__name__}: "
                         f"{' '.join(str(e).split())[:300]})") from e
