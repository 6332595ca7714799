"""Helpers of the hostile-bundle tests: run `verify` (library and CLI), locate member data."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from collector.export.verify import Failed, Verified, verify_file
from tests.support.cli import run_cli

ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Outcome:
    """What verifying gave: the Verified, or the one-line failure."""

    verified: Verified | None
    problem: str | None


def outcome(bundle: bytes, tmp_path: Path, public_key: Path | None = None) -> Outcome:
    """Verify through the library; anything but Failed propagates (and fails the test)."""
    path = tmp_path / "b.zip"
    path.write_bytes(bundle)
    try:
        done = verify_file(path, public_key.read_bytes() if public_key else None)
    except Failed as e:
        assert "\n" not in str(e), f"a failure of more than one line: {e!r}"
        return Outcome(None, str(e))
    return Outcome(done, None)


def cli_one_line(capsys: pytest.CaptureFixture[str], bundle: bytes, tmp_path: Path,
                 *extra: str) -> tuple[int, str]:
    """Run `evidence verify` in-process; assert a failure is exactly one stderr line."""
    path = tmp_path / "c.zip"
    path.write_bytes(bundle)
    res = run_cli(capsys, "verify", str(path), *extra)
    if res.code != 0:
        lines = res.err.strip().splitlines()
        assert len(lines) == 1, f"stderr is not one line: {res.err!r}"
        assert "Traceback" not in res.err
    return res.code, res.err.strip()


def cli_subprocess(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m collector verify ARGS` (interpreter shutdown included: no "Exception
    ignored" lines may follow the verdict)."""
    return subprocess.run([sys.executable, "-m", "collector", "verify", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)


def contents(bundle: bytes) -> dict[str, bytes] | None:
    """Every member's bytes read by plain zipfile, or None when that fails."""
    try:
        with zipfile.ZipFile(io.BytesIO(bundle)) as zf:
            return {i.filename: zf.read(i) for i in zf.infolist()}
    except Exception:  # any failure means "not the same contents"
        return None


def data_span(bundle: bytes, name: str) -> tuple[int, int]:
    """Offset and length of a member's compressed data in the ZIP bytes."""
    with zipfile.ZipFile(io.BytesIO(bundle)) as zf:
        info = zf.getinfo(name)
    at = info.header_offset
    name_len, extra_len = struct.unpack("<HH", bundle[at + 26:at + 30])
    return at + 30 + name_len + extra_len, info.compress_size


def zip_of(members: list[tuple[str, bytes]]) -> bytes:
    """A ZIP with exactly these (name, bytes) members, duplicates and odd names included."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name), data)
    return out.getvalue()
