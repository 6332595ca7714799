"""Verifying a database against checkpoints kept outside it (``evidence db verify --anchor``).

Every checkpoint read from the anchor file must be well formed, validly signed when signed (by
the given public key when one is given), and still hold in the database: the sealed run at its
``seq`` has its ``head_sha256``, and the chain head is at least as far as the newest checkpoint.
A database whose newest runs were deleted (and ``chain_head`` rolled back), or whose chain was
rewritten, fails with :class:`storage.errors.AnchorMismatch` naming the checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from collector.anchor.files import MAX_ANCHOR_BYTES, AnchorFileError, read_checkpoint_file
from collector.anchor.signature import key_problem
from storage import Repository
from storage.errors import AnchorMismatch

MAX_FILE_BYTES = MAX_ANCHOR_BYTES
__all__ = ["AnchorCheck", "AnchorFileError", "read_checkpoints", "signature_problem",
           "verify_database"]


@dataclass(frozen=True)
class AnchorCheck:
    """What a verification against an anchor found (it raised otherwise)."""

    checkpoints: int
    newest_seq: int
    chain_seq: int
    """The database's chain head position (at least ``newest_seq``)."""


def read_checkpoints(path: Path) -> list[dict[str, Any]]:
    """The checkpoints of an anchor file (JSON lines, or one checkpoint object), in file order;
    AnchorFileError naming the file and line for an unreadable file or a malformed line (see
    :mod:`collector.anchor.files`: a FIFO, device or oversized file is refused unread)."""
    return read_checkpoint_file(path, MAX_FILE_BYTES)


def signature_problem(checkpoint: dict[str, Any], public_pem: bytes | None) -> str | None:
    """Why a checkpoint's signature does not hold (``None`` when it does, or when no key is
    given: without a key to check against, a signature is not checked)."""
    from collector.export.signing import SigningKeyError, load_public

    if public_pem is None:
        return None
    try:
        key = load_public(public_pem, "the public key")
    except SigningKeyError as e:
        return str(e)
    return key_problem(checkpoint, key)


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
