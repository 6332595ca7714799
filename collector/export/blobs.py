"""Reading many blobs at once, in hash order, each checked against its hash.

``Repository.get_blob`` opens a transaction per blob; a year's bundle reads tens of thousands,
so this reads them by batches of :data:`BATCH` in one query each (same checks: the bytes must
decompress and hash to their key). Memory: one batch at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import select

from storage import BlobNotFound, Repository
from storage.blobs import unpack
from storage.db import read_tx
from storage.models import Blob

BATCH = 200


def iter_blobs(repo: Repository, shas: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    """``(sha, bytes)`` for every hash, in sorted order; BlobNotFound if one is missing."""
    ordered = sorted(set(shas))
    for start in range(0, len(ordered), BATCH):
        batch = ordered[start:start + BATCH]
        with read_tx(repo.engine, "reading blobs") as conn:
            rows = conn.execute(select(Blob.sha256, Blob.data).where(Blob.sha256.in_(batch)))
            found = {row.sha256: row.data for row in rows}
        for sha in batch:
            if sha not in found:
                raise BlobNotFound(f"no blob {sha} in the evidence database")
            yield sha, unpack(found[sha], sha, "blob")
