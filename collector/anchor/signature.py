"""Is a checkpoint signed by the key an auditor trusts? (No database import: ``evidence verify``
uses it offline.)"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from collector.anchor.checkpoint import signature_of, signed_bytes
from collector.export.signing import fingerprint, signature_holds


def key_problem(checkpoint: dict[str, Any], key: Ed25519PublicKey,
                unsigned_ok: bool = False) -> str | None:
    """Why a well-formed checkpoint is not signed by ``key`` (``None`` when it is, or when it is
    unsigned and ``unsigned_ok``)."""
    sig = signature_of(checkpoint)
    if sig is None:
        return None if unsigned_ok else "it is not signed, but a public key was given"
    if checkpoint["public_key_sha256"] != fingerprint(key):
        return (f"it was signed by another key ({checkpoint['public_key_sha256']}, not "
                f"{fingerprint(key)})")
    if not signature_holds(key, sig, signed_bytes(checkpoint)):
        return "its signature does not hold (the checkpoint was altered)"
    return None
