"""Reading checkpoint files safely (standard library only): ``evidence db verify --anchor FILE``
and ``evidence verify --checkpoint FILE``.

A file holds either one checkpoint (a JSON object, possibly pretty-printed: what an auditor
saved from a bundle's ``manifest.json``) or an anchor file (JSON lines, one checkpoint a line,
as :func:`collector.anchor.publish.append_line` writes). It is opened without blocking and
checked with ``fstat`` on the open file, so a directory, FIFO, socket or device is refused
before a byte is read, and at most ``limit`` + 1 bytes are ever read. Every problem is an
:class:`AnchorFileError` with one line naming the file (and the line, for JSON lines).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from collector.anchor.checkpoint import problem

MAX_ANCHOR_BYTES = 64 << 20
"""An anchor file of daily checkpoints stays far below this for centuries."""
MAX_CHECKPOINT_BYTES = 16 << 20
"""``verify --checkpoint``: a single checkpoint is ~300 bytes; an anchor log up to this."""


class AnchorFileError(ValueError):
    """The checkpoint file cannot be read or holds a malformed checkpoint (one line)."""


def read_capped(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (AnchorFileError otherwise)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise AnchorFileError(f"{path}: cannot read it ({e.strerror or e})") from e
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise AnchorFileError(f"{path}: not a regular file")
        try:
            data = fh.read(limit + 1)
        except OSError as e:
            raise AnchorFileError(f"{path}: cannot read it ({e.strerror or e})") from e
    if len(data) > limit:
        raise AnchorFileError(f"{path}: larger than {limit >> 20} MB: not a checkpoint file")
    return data


def parse_checkpoints(data: bytes, where: str) -> list[dict[str, Any]]:
    """The checkpoints in ``data`` (one JSON object, or JSON lines), in file order."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise AnchorFileError(f"{where}: not UTF-8 (byte {e.start})") from e
    try:
        whole = json.loads(text, parse_constant=_refuse)
    except (ValueError, RecursionError):
        whole = None  # JSON lines (or malformed: the line reader names the line)
    if isinstance(whole, dict):
        return [_checked(whole, where)]
    out: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            parsed = json.loads(line, parse_constant=_refuse)
        except (ValueError, RecursionError) as e:
            raise AnchorFileError(f"{where}:{number}: not JSON ({_short(e)})") from e
        out.append(_checked(parsed, f"{where}:{number}"))
    if not out:
        raise AnchorFileError(f"{where}: holds no checkpoint")
    return out


def read_checkpoint_file(path: Path, limit: int = MAX_ANCHOR_BYTES) -> list[dict[str, Any]]:
    """The checkpoints of the file at ``path`` (see the module docstring)."""
    return parse_checkpoints(read_capped(path, limit), str(path))


def _checked(value: object, where: str) -> dict[str, Any]:
    bad = problem(value)
    if bad is not None:
        raise AnchorFileError(f"{where}: not a checkpoint: {bad}")
    assert isinstance(value, dict)
    return value


def _refuse(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _short(e: Exception) -> str:
    return " ".join(str(e).split())[:200]
