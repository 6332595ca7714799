"""The archive layer of `evidence verify`: refuse unsafe or bomb-like archives from the central
directory alone, and read members streaming, with bounded memory and hard caps.

Every error a damaged archive can raise while a member is read (``zlib.error`` for corrupt
deflate data, ``BadZipFile`` for a bad CRC or a local header that disagrees with the central
directory, ``EOFError`` for a cut archive, ``OSError``, ``ValueError``, ``NotImplementedError``)
becomes :class:`Failed` naming the member.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

CHUNK = 1 << 20
"""Bytes decompressed per read: the most of a member held at once."""
READ_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError,
               NotImplementedError, OverflowError, UnicodeDecodeError)
"""What reading a damaged member can raise (zipfile lets zlib.error and EOFError through)."""
DRIVE = re.compile(r"^[A-Za-z]:")


class Failed(Exception):
    """The bundle does not verify; the message names the first file or run that fails."""


class Refused(Failed):
    """The archive is malformed or malicious and was not read."""


@dataclass(frozen=True)
class Limits:
    """What an archive may declare or hold before it is refused (zip-bomb and memory guards)."""

    max_members: int = 500_000
    max_member_bytes: int = 16 << 30
    max_total_bytes: int = 64 << 30
    max_ratio: float = 1100.0
    """Deflate cannot exceed about 1032:1, so a higher declared ratio is a lie or a bomb."""
    ratio_floor_bytes: int = 1 << 20
    """Members smaller than this are exempt from the ratio check."""
    max_manifest_bytes: int = 32 << 20
    """manifest.json: about 130 bytes per listed file, so room for ~250,000 files."""
    max_signature_bytes: int = 1024
    max_depth: int = 32
    """JSON nesting allowed in manifest.json and in the top level of a run manifest."""
    max_name_chars: int = 1024


def name_problem(name: str, limits: Limits) -> str | None:
    """Why ``name`` may not be a member name (absolute, traversal, odd parts), or None."""
    parts = name.split("/")
    if len(name) > limits.max_name_chars:
        return f"has a name of {len(name)} characters (limit {limits.max_name_chars})"
    if not name or name.startswith(("/", "\\")) or DRIVE.match(name):
        return "has an absolute path"
    if ".." in name.replace("\\", "/").split("/") or "\\" in name or "\x00" in name:
        return "has a path outside the bundle (path traversal)"
    if name.endswith("/") or "" in parts or "." in parts:
        return "is not a plain file name"
    if any(ord(c) < 0x20 or c == "\x7f" for c in name):
        return "has a control character in its name"
    return None


def screen(archive: zipfile.ZipFile, limits: Limits) -> dict[str, zipfile.ZipInfo]:
    """Refuse archives with unsafe names, duplicates, links, encryption or bomb-like sizes;
    return the members by name."""
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise Refused(f"refusing the archive: {len(infos)} members (limit {limits.max_members})")
    seen: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        shown = repr(name[:200] + ("..." if len(name) > 200 else ""))
        problem = name_problem(name, limits)
        if problem:
            raise Refused(f"refusing the archive: member {shown} {problem}")
        if name in seen:
            raise Refused(f"refusing the archive: member {shown} appears more than once")
        seen[name] = info
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
    return seen


def stream(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int,
           sink: Callable[[bytes], None]) -> int:
    """Feed a member's bytes to ``sink`` chunk by chunk; return how many there were.

    Reading stops as soon as more than ``limit`` bytes came out (Failed: the member is larger
    than it may be), so a member that lies about its size costs at most ``limit`` + one chunk.
    ``sink`` may raise Failed itself (a parser that refuses what it sees).
    """
    size = 0
    try:
        with archive.open(info) as fh:
            while chunk := fh.read(min(CHUNK, limit + 1 - size)):
                size += len(chunk)
                if size > limit:
                    raise Failed(f"{info.filename}: more than {limit} bytes")
                sink(chunk)
    except READ_ERRORS as e:
        raise Failed(f"{info.filename}: cannot be read from the archive "
                     f"({type(e).__name__}: {_one_line(e)})") from e
    except RecursionError as e:
        raise Failed(f"{info.filename}: nested too deeply to read") from e
    return size


def read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytearray:
    """A small member's bytes (at most ``limit``: larger is Failed, without reading it all;
    held once, in a bytearray, not as chunks joined into a second copy)."""
    if info.file_size > limit:
        raise Failed(f"{info.filename}: declares {info.file_size} bytes; at most {limit} are "
                     "allowed")
    held = bytearray()
    stream(archive, info, limit, held.extend)
    return held


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return text[:300] if text else "no detail"
