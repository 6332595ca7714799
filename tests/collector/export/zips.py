"""Reading and rebuilding bundles in tests (the tamperer's tools)."""

from __future__ import annotations

import io
import zipfile


def members(bundle: bytes) -> dict[str, bytes]:
    """Every member's bytes, in archive order."""
    with zipfile.ZipFile(io.BytesIO(bundle)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rebuild(files: dict[str, bytes]) -> bytes:
    """A ZIP with exactly these members (in this order)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()
