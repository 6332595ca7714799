"""A write-behind evidence sink: responses and call records written in batches.

A cloud context stores every response and call record as it makes the request. Written one
by one, that is two database transactions per API request; with SQLite (one writer at a time,
a sync per commit) the database, not the cloud, then bounds the run. Hashes and digests are
content addresses computed locally, so they can be handed back at once and the rows written
later, in one transaction per batch.

The runner flushes before it stores anything that cites the buffered rows (a check's result
set, a scope's call list), so a killed process never leaves a stored result pointing at a
missing call; at worst the calls of checks that had not finished are lost with them.
"""

from __future__ import annotations

import hashlib
import threading

from collector.cloud.base import EvidenceSink
from storage.records import CallRecord

MAX_PENDING = 512
"""Rows kept before a flush is forced (bounds memory between the runner's flushes)."""


class BatchingSink:
    """Wraps a sink (the repository); `flush()` writes what is pending, oldest first."""

    def __init__(self, target: EvidenceSink) -> None:
        self._target = target
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._blobs: list[tuple[str, bytes]] = []
        self._calls: list[CallRecord] = []

    def put_blob(self, kind: str, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        with self._lock:
            self._blobs.append((kind, bytes(data)))
            full = len(self._blobs) + len(self._calls) >= MAX_PENDING
        if full:
            self.flush()
        return sha

    def put_calls(self, calls: list[CallRecord]) -> list[str]:
        digests = [call.digest() for call in calls]
        with self._lock:
            self._calls.extend(calls)
            full = len(self._blobs) + len(self._calls) >= MAX_PENDING
        if full:
            self.flush()
        return digests

    def flush(self) -> None:
        """Write every pending blob, then every pending call (calls cite response blobs).

        Flushes are serialised, so a batch never lands before an earlier one it depends on."""
        with self._flushing:
            with self._lock:
                blobs, self._blobs = self._blobs, []
                calls, self._calls = self._calls, []
            if blobs:
                put_blobs = getattr(self._target, "put_blobs", None)
                if put_blobs is not None:
                    put_blobs(blobs)
                else:
                    for kind, data in blobs:
                        self._target.put_blob(kind, data)
            if calls:
                self._target.put_calls(calls)
