"""An in-memory evidence sink for check tests (storage itself is tested in tests/storage)."""

from __future__ import annotations

import hashlib
import threading

from storage.records import CallRecord


class MemorySink:
    """Implements collector.cloud.base.EvidenceSink over dicts."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.calls: dict[str, CallRecord] = {}
        self._lock = threading.Lock()

    def put_blob(self, kind: str, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        with self._lock:
            self.blobs[digest] = data
        return digest

    def put_calls(self, calls: list[CallRecord]) -> list[str]:
        out = []
        with self._lock:
            for call in calls:
                digest = call.digest()
                self.calls[digest] = call
                out.append(digest)
        return out
