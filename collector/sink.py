"""A write-behind evidence sink: responses and call records written in batches.

A cloud context stores every response and call record as it makes the request. Written one
by one, that is a database transaction per API request; with SQLite (one writer at a time,
a sync per commit) the database, not the cloud, then bounds the run. Hashes and digests are
content addresses computed locally, so they can be handed back at once and the rows written
later, in one transaction per batch.

The runner stores each result set together with the pending batch (one transaction: the
result set and every call it cites commit together), and flushes before it stores a scope's
call list, so a killed process never leaves a stored result pointing at a missing call; at
worst the calls of checks that had not finished are lost with them. If a batch cannot be
stored, every later flush raises too: a later result set would cite calls of the lost batch.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import Protocol

from storage import StorageError
from storage.records import CallRecord, Evidence

MAX_PENDING = 512
"""Rows kept before a flush is forced (bounds memory between the runner's flushes)."""


class EvidenceStore(Protocol):
    """Where batches go (the repository)."""

    def put_evidence(self, evidence: Evidence) -> None: ...


class BatchingSink:
    """Wraps a store (the repository); `flush()` writes what is pending, oldest first."""

    def __init__(self, target: EvidenceStore) -> None:
        self._target = target
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._blobs: list[tuple[str, bytes]] = []
        self._calls: list[CallRecord] = []
        self._failed: BaseException | None = None

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

    def flush(self, store: Callable[[Evidence], None] | None = None) -> None:
        """Write every pending blob and call in one transaction, through `store` if given
        (e.g. with the result set citing them; it is called even when nothing is pending).

        Flushes are serialised, so a batch never lands before an earlier one it depends on;
        after a batch failed to store, every flush raises StorageError."""
        with self._flushing:
            if self._failed is not None:
                raise StorageError("evidence not stored: an earlier batch of responses and "
                                   f"calls failed to store ({self._failed})")
            with self._lock:
                batch = Evidence(tuple(self._blobs), tuple(self._calls))
                self._blobs, self._calls = [], []
            try:
                if store is not None:
                    store(batch)
                elif batch:
                    self._target.put_evidence(batch)
            except BaseException as exc:
                self._failed = exc
                raise
