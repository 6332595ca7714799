"""An in-memory evidence sink: what a context stores as it reads, kept in dicts for a test."""

from __future__ import annotations

import hashlib
import threading

from storage.records import CallRecord


class MemorySink:
    """Implements collector.cloud.base.EvidenceSink over dicts (storage is not under test)."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.calls: dict[str, CallRecord] = {}
        self._lock = threading.Lock()

    def put_blob(self, kind: str, data: bytes) -> str:
        """Keep `data` under its sha256, as the database does."""
        digest = hashlib.sha256(data).hexdigest()
        with self._lock:
            self.blobs[digest] = data
        return digest

    def put_calls(self, calls: list[CallRecord]) -> list[str]:
        """Keep each call record under its digest; the digests, in order."""
        out = []
        with self._lock:
            for call in calls:
                digest = call.digest()
                self.calls[digest] = call
                out.append(digest)
        return out
