"""A streaming, deterministic ZIP writer that hashes every member as it writes it.

Determinism: every member gets the same timestamp (:data:`ZIP_EPOCH`), the same permissions
(0644, "made by" Unix), the same compression (deflate, level :data:`COMPRESS_LEVEL`) and no
extra fields beyond the ZIP64 one large members need; members must be added in strictly
increasing name order (the writer refuses anything else), so the same content always gives the
same bytes (with the same zlib build). Memory: members are written in chunks straight into the
archive; only the list of ``(path, sha256, size)`` entries is kept.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
"""The timestamp of every member (the earliest a ZIP can hold: no clock leaks into a bundle)."""
COMPRESS_LEVEL = 6
"""Deflate level of every member."""
FILE_MODE = 0o100644
"""Unix mode of every member: a regular file, rw-r--r--."""

SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*$")
"""Names a bundle may contain: relative, ``/``-separated, no ``..``, no spaces or quotes (so
``sha256sum -c`` lines and shell commands in README.txt never need quoting)."""


class BundleWriteError(Exception):
    """A member could not be added (bad name, out of order, duplicate)."""


@dataclass(frozen=True)
class Entry:
    """One member written to the archive."""

    path: str
    """Its name in the ZIP."""
    sha256: str
    """Lower-case hex sha256 of its uncompressed bytes."""
    size: int
    """Uncompressed size in bytes."""


def check_name(path: str) -> None:
    """Raise BundleWriteError unless ``path`` is a safe member name."""
    if not SAFE_NAME.match(path) or any(part in (".", "..") for part in path.split("/")):
        raise BundleWriteError(f"unsafe member name {path!r}")


class _Zip(zipfile.ZipFile):
    """A ZipFile finished only by :meth:`BundleWriter.close`. One abandoned after an error
    (a full disk, a refused export) is dropped at garbage collection instead of writing its
    central directory into a file that is closed or full ("Exception ignored in
    ZipFile.__del__"); the caller removes the partial file."""

    def __del__(self) -> None:
        self.fp = None  # the output belongs to the caller: nothing to write, nothing to close


class BundleWriter:
    """Writes members to a ZIP in strictly increasing name order, hashing as it goes."""

    def __init__(self, out: IO[bytes]) -> None:
        """Write to ``out`` (a binary file opened for writing; seekable is best)."""
        self._zip = _Zip(out, "w", compression=zipfile.ZIP_DEFLATED,
                                    compresslevel=COMPRESS_LEVEL, allowZip64=True)
        self._entries: list[Entry] = []
        self._last: str | None = None
        self._names: set[str] = set()
        self._ordered = True

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every member written so far, in write order."""
        return tuple(self._entries)

    def unordered(self) -> None:
        """Allow the final members (manifest.json, manifest.sig) after the sorted content."""
        self._ordered = False

    def _info(self, path: str) -> zipfile.ZipInfo:
        check_name(path)
        if self._ordered and self._last is not None and path <= self._last:
            raise BundleWriteError(f"member {path!r} is not after {self._last!r}")
        if path in self._names:
            raise BundleWriteError(f"duplicate member {path!r}")
        self._names.add(path)
        self._last = path
        info = zipfile.ZipInfo(path, date_time=ZIP_EPOCH)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = 3  # Unix, so external_attr carries the mode
        info.external_attr = FILE_MODE << 16
        return info

    def add_bytes(self, path: str, data: bytes) -> Entry:
        """Add one member from bytes."""
        return self.add_chunks(path, [data])

    def add_chunks(self, path: str, chunks: Iterable[bytes], *, large: bool = False) -> Entry:
        """Add one member from an iterable of byte chunks (streamed; never held whole).

        ``large``: the member may exceed 1 GiB, so write a ZIP64 header up front.
        """
        info = self._info(path)
        digest = hashlib.sha256()
        size = 0
        with self._zip.open(info, "w", force_zip64=large) as member:
            for chunk in chunks:
                if chunk:
                    digest.update(chunk)
                    member.write(chunk)
                    size += len(chunk)
        entry = Entry(path, digest.hexdigest(), size)
        self._entries.append(entry)
        return entry

    def close(self) -> None:
        """Write the central directory."""
        self._zip.close()


def buffered(pieces: Iterable[str | bytes], size: int = 1 << 20) -> Iterator[bytes]:
    """Join small text/bytes pieces into chunks of about ``size`` bytes (UTF-8)."""
    buf: list[bytes] = []
    held = 0
    for piece in pieces:
        data = piece.encode("utf-8") if isinstance(piece, str) else piece
        buf.append(data)
        held += len(data)
        if held >= size:
            yield b"".join(buf)
            buf, held = [], 0
    if buf:
        yield b"".join(buf)
