"""The checkpoint object and its signature (standard library only; signing is injected).

A checkpoint is exactly::

    {"format": "evidence-checkpoint/1", "seq": int, "head_sha256": hex, "at": RFC 3339 UTC,
     "signature": base64 or null, "public_key_sha256": hex or null}

``seq`` and ``head_sha256`` are the chain position and manifest hash of the last sealed run.
The signature is Ed25519 over :func:`signed_bytes`: the JSON of every other key, sorted, with
no spaces (``public_key_sha256`` included, so the key cannot be swapped).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

FORMAT = "evidence-checkpoint/1"
KEYS = ("format", "seq", "head_sha256", "at", "signature", "public_key_sha256")
_HEX = re.compile(r"[0-9a-f]{64}")
_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z")
MAX_SEQ = 2**53


def format_at(at: datetime) -> str:
    """RFC 3339 UTC with a ``Z``, seconds precision."""
    return at.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def signed_bytes(checkpoint: dict[str, Any]) -> bytes:
    """What the signature covers: every key but ``signature``, sorted, compact JSON."""
    body = {k: checkpoint[k] for k in KEYS if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("ascii")


def make(seq: int, head_sha256: str, at: datetime,
         sign: tuple[Callable[[bytes], bytes], str] | None = None) -> dict[str, Any]:
    """A checkpoint; ``sign`` is (sign bytes, public key sha256) when a key is configured."""
    checkpoint: dict[str, Any] = {
        "format": FORMAT, "seq": seq, "head_sha256": head_sha256, "at": format_at(at),
        "signature": None, "public_key_sha256": None if sign is None else sign[1]}
    if sign is not None:
        checkpoint["signature"] = base64.b64encode(sign[0](signed_bytes(checkpoint))).decode()
    return checkpoint


def problem(checkpoint: object) -> str | None:
    """Why ``checkpoint`` is not a well-formed checkpoint, ``None`` when it is."""
    if not isinstance(checkpoint, dict):
        return "a checkpoint is a JSON object"
    if sorted(checkpoint) != sorted(KEYS):
        return f"a checkpoint has exactly the keys {', '.join(KEYS)}"
    if checkpoint["format"] != FORMAT:
        return f"format is not {FORMAT!r}"
    seq = checkpoint["seq"]
    if type(seq) is not int or not 1 <= seq <= MAX_SEQ:
        return "seq is not a positive integer"
    if not isinstance(checkpoint["head_sha256"], str) or not _HEX.fullmatch(
            checkpoint["head_sha256"]):
        return "head_sha256 is not 64 lowercase hex digits"
    if not isinstance(checkpoint["at"], str) or not _AT.fullmatch(checkpoint["at"]):
        return "at is not an RFC 3339 UTC time like 2026-01-02T03:04:05Z"
    sig, key = checkpoint["signature"], checkpoint["public_key_sha256"]
    if (sig is None) != (key is None):
        return "signature and public_key_sha256 are both set or both null"
    if key is not None and (not isinstance(key, str) or not _HEX.fullmatch(key)):
        return "public_key_sha256 is not 64 lowercase hex digits"
    if sig is not None:
        try:
            raw = base64.b64decode(sig, validate=True) if isinstance(sig, str) else b""
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 64:
            return "signature is not a base64 Ed25519 signature (64 bytes)"
    return None


def signature_of(checkpoint: dict[str, Any]) -> bytes | None:
    """The raw signature of a well-formed checkpoint, ``None`` when unsigned."""
    sig = checkpoint["signature"]
    return None if sig is None else base64.b64decode(sig, validate=True)
