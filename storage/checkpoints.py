"""Checkpoints kept in the database beside the anchors they were published to, and the reads
anchoring needs (the chain head, the manifest hash at a chain position).

A stored checkpoint is only a convenience for ``export`` (which carries the latest one): it is
checked against the chain before use, and the anchors outside the database are what count.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, select

from storage.blobs import chunks, insert_ignore
from storage.canonical import canonical_json
from storage.db import read_tx, write_tx
from storage.models import ChainHead, Checkpoint, Run, table_of


class CheckpointStore:
    """Repository methods for checkpoints (mixed into ``Repository``)."""

    _engine: Engine

    def chain_head(self) -> tuple[int, str | None]:
        """(seq, manifest sha256) of the last sealed run as ``chain_head`` records it."""
        with read_tx(self._engine, "reading the chain head") as conn:
            row = conn.execute(select(ChainHead.seq, ChainHead.head_sha256)
                               .where(ChainHead.id == 1)).one()
            return int(row.seq), row.head_sha256

    def manifest_hashes(self, seqs: Sequence[int]) -> dict[int, str]:
        """chain_seq -> manifest sha256 of the sealed runs at these positions (absent ones are
        left out)."""
        out: dict[int, str] = {}
        with read_tx(self._engine, "reading manifest hashes") as conn:
            for batch in chunks(sorted(set(seqs))):
                query = select(Run.chain_seq, Run.manifest_sha256).where(Run.chain_seq.in_(batch))
                out.update((int(s), str(h)) for s, h in conn.execute(query)
                           if s is not None and h is not None)
        return out

    def put_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        """Keep a published checkpoint (the first one kept for a position stays)."""
        row = {"seq": int(checkpoint["seq"]), "body": canonical_json(checkpoint).decode()}
        with write_tx(self._engine, "recording a checkpoint") as conn:
            insert_ignore(conn, table_of(Checkpoint), [row])

    def checkpoint_at(self, seq: int) -> dict[str, Any] | None:
        """The checkpoint kept for chain position ``seq``, if any."""
        with read_tx(self._engine, "reading a checkpoint") as conn:
            body = conn.execute(select(Checkpoint.body).where(Checkpoint.seq == seq)
                                ).scalar_one_or_none()
        if body is None:
            return None
        parsed = json.loads(body)
        return parsed if isinstance(parsed, dict) else None
