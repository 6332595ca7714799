"""Verifying a bundle offline: the archive is safe to read, every file matches manifest.json,
the signature holds, and the run chain links. Nothing is ever extracted to disk.

Order of checks (the first failure is reported): the archive's names and declared sizes
(malicious archives are refused before any member is read); manifest.json; the signature;
files present versus listed; each listed file's size and sha256 (and, for content-addressed
evidence, that its name is its hash); the run chain.
"""

from __future__ import annotations

import hashlib
import json
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from collector.export.manifest import BUNDLE_FORMAT, MANIFEST, SIGNATURE
from collector.export.signing import (
    SigningKeyError,
    fingerprint,
    load_public,
    signature_holds,
)
from storage.chain import MANIFEST_FORMAT

CHUNK = 1 << 20
CONTENT_ADDRESSED = re.compile(r"^evidence/_(?:calls|responses|result_sets)/([0-9a-f]{64})\.json$")


class Failed(Exception):
    """The bundle does not verify; the message names the first file or run that fails."""


class Refused(Failed):
    """The archive is malformed or malicious and was not read."""


@dataclass(frozen=True)
class Limits:
    """What an archive may declare before it is refused (zip-bomb guards)."""

    max_members: int = 2_000_000
    max_member_bytes: int = 16 << 30
    max_total_bytes: int = 64 << 30
    max_ratio: float = 1100.0
    """Deflate cannot exceed about 1032:1, so a higher declared ratio is a lie or a bomb."""
    ratio_floor_bytes: int = 1 << 20
    """Members smaller than this are exempt from the ratio check."""
    max_manifest_bytes: int = 512 << 20


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


def screen(archive: zipfile.ZipFile, limits: Limits) -> list[zipfile.ZipInfo]:
    """Refuse archives with unsafe names, duplicates, links, encryption or bomb-like sizes."""
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise Refused(f"refusing the archive: {len(infos)} members (limit {limits.max_members})")
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        shown = repr(name)
        parts = name.replace("\\", "/").split("/")
        if not name or name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
            raise Refused(f"refusing the archive: member {shown} has an absolute path")
        if ".." in parts or "\\" in name or "\x00" in name:
            raise Refused(f"refusing the archive: member {shown} has a path outside the bundle "
                          "(path traversal)")
        if name.endswith("/") or "" in parts or "." in parts:
            raise Refused(f"refusing the archive: member {shown} is not a plain file name")
        if name in seen:
            raise Refused(f"refusing the archive: member {shown} appears more than once")
        seen.add(name)
        mode = info.external_attr >> 16
        if info.create_system == 3 and stat.S_IFMT(mode) not in (0, stat.S_IFREG):
            raise Refused(f"refusing the archive: member {shown} is not a regular file "
                          "(link or device)")
        if info.flag_bits & 0x1:
            raise Refused(f"refusing the archive: member {shown} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refused(f"refusing the archive: member {shown} uses compression method "
                          f"{info.compress_type}")
        if info.file_size > limits.max_member_bytes:
            raise Refused(f"refusing the archive: member {shown} declares {info.file_size} "
                          f"bytes (limit {limits.max_member_bytes}): a zip bomb?")
        if (info.file_size >= limits.ratio_floor_bytes
                and info.file_size > limits.max_ratio * max(info.compress_size, 1)):
            raise Refused(f"refusing the archive: member {shown} declares a compression ratio "
                          f"of {info.file_size / max(info.compress_size, 1):.0f}:1: a zip bomb?")
        total += info.file_size
        if total > limits.max_total_bytes:
            raise Refused(f"refusing the archive: members declare more than "
                          f"{limits.max_total_bytes} bytes in total: a zip bomb?")
    return infos


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo,
          keep: bool = True) -> tuple[str, int, bytes | None]:
    """sha256 and size of a member (and its bytes when ``keep``), streamed; Failed on a bad
    CRC or a truncated member."""
    digest, size = hashlib.sha256(), 0
    held: list[bytes] = []
    try:
        with archive.open(info) as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                if keep:
                    held.append(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise Failed(f"{info.filename}: cannot be read from the archive ({e})") from e
    return digest.hexdigest(), size, b"".join(held) if keep else None


def _json(data: bytes | None, what: str) -> Any:
    try:
        return json.loads(data or b"")
    except (ValueError, UnicodeDecodeError) as e:
        raise Failed(f"{what}: not valid JSON ({e})") from e


class BundleVerifier:
    """Checks one open archive."""

    def __init__(self, archive: zipfile.ZipFile, public_key_pem: bytes | None,
                 limits: Limits) -> None:
        """Verify ``archive``; ``public_key_pem`` is the signer's key the auditor trusts."""
        self.archive = archive
        self.public_key_pem = public_key_pem
        self.limits = limits

    def verify(self) -> Verified:
        """Raise Failed naming the first problem; return what was checked."""
        infos = {i.filename: i for i in screen(self.archive, self.limits)}
        if MANIFEST not in infos:
            raise Failed(f"{MANIFEST} is missing: this is not an evidence bundle, or it was cut")
        if infos[MANIFEST].file_size > self.limits.max_manifest_bytes:
            raise Refused(f"refusing the archive: {MANIFEST} declares "
                          f"{infos[MANIFEST].file_size} bytes")
        body = _read(self.archive, infos[MANIFEST])[2] or b""
        man = _json(body, MANIFEST)
        if not isinstance(man, dict) or man.get("format") != BUNDLE_FORMAT:
            raise Failed(f"{MANIFEST}: not an {BUNDLE_FORMAT} manifest")
        fp, embedded = self._signature(man, body, infos)
        files = self._listed(man)
        extra = sorted(set(infos) - set(files) - {MANIFEST, SIGNATURE})
        if extra:
            raise Failed(f"{extra[0]}: in the archive but not listed in {MANIFEST} "
                         "(added after export)")
        small: dict[str, bytes] = {}
        for path, (sha, size) in sorted(files.items()):
            info = infos.get(path)
            if info is None:
                raise Failed(f"{path}: listed in {MANIFEST} but missing from the archive")
            is_run = path.startswith("runs/")
            got_sha, got_size, data = _read(self.archive, info, keep=is_run)
            if got_size != size:
                raise Failed(f"{path}: {got_size} bytes where {MANIFEST} says {size}")
            if got_sha != sha:
                raise Failed(f"{path}: sha256 {got_sha} does not match {MANIFEST} ({sha})")
            named = CONTENT_ADDRESSED.match(path)
            if named and named.group(1) != got_sha:
                raise Failed(f"{path}: its content hashes to {got_sha}, not to its name")
            if is_run and data is not None:
                small[path] = data
        head, runs = self._chain(man, small)
        return Verified(len(files), runs, fp is not None, fp, head, embedded)

    def _listed(self, man: dict[str, Any]) -> dict[str, tuple[str, int]]:
        out: dict[str, tuple[str, int]] = {}
        for item in man.get("files") or []:
            try:
                path, sha, size = str(item["path"]), str(item["sha256"]), int(item["size"])
            except (KeyError, TypeError, ValueError) as e:
                raise Failed(f"{MANIFEST}: malformed file entry {item!r}") from e
            if path in out:
                raise Failed(f"{MANIFEST}: {path} is listed twice")
            out[path] = (sha, size)
        if not out:
            raise Failed(f"{MANIFEST}: lists no files")
        return out

    def _signature(self, man: dict[str, Any], body: bytes,
                   infos: dict[str, zipfile.ZipInfo]) -> tuple[str | None, bool]:
        """Check manifest.sig; return the signer's key fingerprint and whether it was the
        embedded key (``(None, False)`` for an unsigned bundle)."""
        sig_info = man.get("signature")
        if sig_info is None:
            if SIGNATURE in infos:
                raise Failed(f"{SIGNATURE}: present but {MANIFEST} says the bundle is unsigned")
            if self.public_key_pem is not None:
                raise Failed(f"{MANIFEST}: the bundle is not signed, but --public-key was given")
            return None, False
        if SIGNATURE not in infos:
            raise Failed(f"{SIGNATURE}: missing, but {MANIFEST} says the bundle is signed")
        if infos[SIGNATURE].file_size > 1024:
            raise Failed(f"{SIGNATURE}: {infos[SIGNATURE].file_size} bytes is not a signature")
        signature = self.archive.read(SIGNATURE)
        try:
            embedded = load_public(str(sig_info.get("public_key_pem", "")).encode(),
                                   f"{MANIFEST} signature.public_key_pem")
            key = embedded if self.public_key_pem is None else load_public(
                self.public_key_pem, "--public-key")
        except SigningKeyError as e:
            raise Failed(str(e)) from e
        if self.public_key_pem is not None and fingerprint(key) != fingerprint(embedded):
            raise Failed(f"{SIGNATURE}: the bundle was signed by key {fingerprint(embedded)}, "
                         f"not by the --public-key given ({fingerprint(key)})")
        if not signature_holds(key, signature, body):
            raise Failed(f"{SIGNATURE}: the signature of {MANIFEST} does not hold")
        return fingerprint(key), self.public_key_pem is None

    def _chain(self, man: dict[str, Any], runs_data: dict[str, bytes]) -> tuple[str, int]:
        chain = man.get("chain")
        if not isinstance(chain, dict) or not isinstance(chain.get("runs"), list):
            raise Failed(f"{MANIFEST}: no run chain")
        listed = sorted(chain["runs"], key=lambda r: int(r.get("chain_seq", 0)))
        if not listed:
            raise Failed(f"{MANIFEST}: the run chain is empty")
        prev_sha = chain.get("anchor_prev_sha256")
        prev_seq: int | None = None
        for entry in listed:
            run_id = str(entry.get("run_id"))
            path = f"runs/{run_id}.json"
            data = runs_data.get(path)
            if data is None:
                raise Failed(f"run {run_id}: {path} is not in the bundle")
            sha = hashlib.sha256(data).hexdigest()
            run = _json(data, path)
            where = f"run {run_id} ({path})"
            if not isinstance(run, dict) or run.get("format") != MANIFEST_FORMAT:
                raise Failed(f"{where}: not a run manifest")
            if run.get("run_id") != run_id:
                raise Failed(f"{where}: the file holds run {run.get('run_id')!r}")
            if sha != entry.get("manifest_sha256"):
                raise Failed(f"{where}: hashes to {sha}, not to the chain's "
                             f"{entry.get('manifest_sha256')}")
            seq = run.get("chain_seq")
            if seq != entry.get("chain_seq") or (prev_seq is not None and seq != prev_seq + 1):
                raise Failed(f"{where}: chain_seq {seq} breaks the sequence (a run before it "
                             "is missing or out of order)")
            if run.get("prev_sha256") != prev_sha:
                raise Failed(f"{where}: prev_sha256 does not link to the previous run's "
                             "manifest (a run before it is missing, altered or swapped)")
            prev_sha, prev_seq = sha, seq
            runs_data.pop(path)
        if prev_sha != chain.get("head_sha256"):
            raise Failed(f"run {listed[-1].get('run_id')}: the chain ends at {prev_sha}, not at "
                         f"the chain head {chain.get('head_sha256')} (a later run is missing)")
        if runs_data:
            stray = min(runs_data)
            raise Failed(f"{stray}: a run manifest that is not in the bundle's chain")
        return str(prev_sha), len(listed)


def verify_file(path: Path, public_key_pem: bytes | None = None,
                limits: Limits | None = None) -> Verified:
    """Verify the bundle at ``path``; raise Failed (or Refused) naming the first problem."""
    try:
        with zipfile.ZipFile(path) as archive:
            return BundleVerifier(archive, public_key_pem, limits or Limits()).verify()
    except zipfile.BadZipFile as e:
        raise Refused(f"{path}: not a readable ZIP archive ({e})") from e
    except FileNotFoundError as e:
        raise Failed(f"{path}: no such file") from e
