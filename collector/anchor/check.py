"""Verifying a database against checkpoints kept outside it (``evidence db verify --anchor``).

Every checkpoint read from the anchor file must be well formed, validly signed when signed (by
the given public key when one is given), and still hold in the database: the sealed run at its
``seq`` has its ``head_sha256``, and the chain head is at least as far as the newest checkpoint.
A database whose newest runs were deleted (and ``chain_head`` rolled back), or whose chain was
rewritten, fails with :class:`storage.errors.AnchorMismatch` naming the checkpoint.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from collector.anchor.checkpoint import problem, signature_of, signed_bytes
from storage import Repository
from storage.errors import AnchorMismatch

MAX_FILE_BYTES = 64 << 20


class AnchorFileError(ValueError):
    """The anchor file cannot be read or holds a malformed line (one line)."""


@dataclass(frozen=True)
class AnchorCheck:
    """What a verification against an anchor found (it raised otherwise)."""

    checkpoints: int
    newest_seq: int
    chain_seq: int
    """The database's chain head position (at least ``newest_seq``)."""


def read_checkpoints(path: Path) -> list[dict[str, Any]]:
    """The checkpoints of a JSON-lines anchor file, in file order; AnchorFileError naming the
    line for a malformed one."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise AnchorFileError(f"{path}: larger than {MAX_FILE_BYTES >> 20} MB")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise AnchorFileError(f"{path}: cannot read it ({e})") from e
    out: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            parsed = json.loads(line)
        except (ValueError, RecursionError) as e:
            raise AnchorFileError(f"{path}:{number}: not JSON ({e})") from e
        bad = problem(parsed)
        if bad is not None:
            raise AnchorFileError(f"{path}:{number}: {bad}")
        out.append(parsed)
    return out


def signature_problem(checkpoint: dict[str, Any], public_pem: bytes | None) -> str | None:
    """Why a checkpoint's signature does not hold (``None`` when it does, or when it is unsigned
    and no key is required)."""
    from collector.export.signing import (
        SigningKeyError,
        fingerprint,
        load_public,
        signature_holds,
    )

    sig = signature_of(checkpoint)
    if public_pem is None:
        return None  # without a key to check against, a signature is not checked
    try:
        key = load_public(public_pem, "the public key")
    except SigningKeyError as e:
        return str(e)
    if sig is None:
        return "it is not signed, but a public key was given"
    if checkpoint["public_key_sha256"] != fingerprint(key):
        return "it was signed by another key"
    if not signature_holds(key, sig, signed_bytes(checkpoint)):
        return "its signature does not hold"
    return None


def verify_database(repo: Repository, checkpoints: list[dict[str, Any]],
                    public_pem: bytes | None = None) -> AnchorCheck:
    """Check the database extends every checkpoint (see the module docstring)."""
    if not checkpoints:
        raise AnchorMismatch("the anchor holds no checkpoint to verify against")
    for cp in checkpoints:
        bad = signature_problem(cp, public_pem)
        if bad is not None:
            raise AnchorMismatch(f"checkpoint seq {cp['seq']}: {bad}")
    head_seq, _ = repo.chain_head()
    newest = max(checkpoints, key=lambda c: int(c["seq"]))
    if head_seq < newest["seq"]:
        raise AnchorMismatch(
            f"checkpoint seq {newest['seq']} (at {newest['at']}) is beyond the database's chain "
            f"head (seq {head_seq}): the newest runs were deleted and the chain rolled back")
    held = repo.manifest_hashes([int(c["seq"]) for c in checkpoints])
    for cp in sorted(checkpoints, key=lambda c: int(c["seq"])):
        found = held.get(int(cp["seq"]))
        if found is None:
            raise AnchorMismatch(f"checkpoint seq {cp['seq']} (at {cp['at']}): the database has "
                                 "no sealed run at that position: it was deleted")
        if found != cp["head_sha256"]:
            raise AnchorMismatch(f"checkpoint seq {cp['seq']} (at {cp['at']}): the run there "
                                 f"has manifest hash {found}, not {cp['head_sha256']}: the "
                                 "chain was rewritten")
    return AnchorCheck(len(checkpoints), int(newest["seq"]), head_seq)
