"""The ledger: one append-only hash chain for every audit-relevant record that is not a run.

Attachments, their revocations, the change-index digests of runs sealed before schema 0005, and
any record added later (accepted risks, notifications sent) are ledger entries. Entry ``seq``
(1, 2, ...) has the hash::

    sha256(canonical_json({"format": "evidence-ledger-entry/1", "seq", "kind", "at",
                           "body_sha256", "prev_sha256"}))

where the body is the canonical JSON of the record, stored as a content-addressed blob (kind
``ledger``) and ``prev_sha256`` is the previous entry's hash. ``chain_head`` keeps the last
entry's seq and hash, and every run sealed from schema 0005 on records that head in its
manifest (``"ledger": {"seq", "head_sha256"}``), so the run chain - and through it the
checkpoints anchored outside the database - vouches for every entry made before it.

Tables that exist for fast reads (``attachments``) are indexes of the ledger: they are verified
against it before they are used (:mod:`storage.attachments`) and by ``verify_chain``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from storage.blobs import read_blobs, store_blob
from storage.canonical import canonical_json, format_utc, sha256_hex
from storage.db import read_tx, write_tx
from storage.errors import LedgerTampered, StorageError
from storage.models import ChainHead, LedgerEntry, table_of
from storage.records import to_utc

LEDGER_FORMAT = "evidence-ledger-entry/1"
KIND_LEDGER = "ledger"
"""Blob kind of ledger bodies."""


@dataclass(frozen=True)
class LedgerRecord:
    """One verified ledger entry with its parsed body."""

    seq: int
    kind: str
    at: datetime
    body: dict[str, Any]
    body_sha256: str
    prev_sha256: str | None
    sha256: str


def entry_hash(seq: int, kind: str, at: datetime, body_sha256: str, prev: str | None) -> str:
    """The hash of a ledger entry (see the module docstring)."""
    return sha256_hex(canonical_json({
        "format": LEDGER_FORMAT, "seq": seq, "kind": kind, "at": format_utc(to_utc(at)),
        "body_sha256": body_sha256, "prev_sha256": prev}))


def ledger_head(conn: Connection, *, lock: bool = False) -> tuple[int, str | None]:
    """The ledger head (seq, hash) as ``chain_head`` records it (locked when ``lock``)."""
    query = select(ChainHead.ledger_seq, ChainHead.ledger_sha256).where(ChainHead.id == 1)
    row = conn.execute(query.with_for_update() if lock else query).one_or_none()
    if row is None:
        raise StorageError("the chain_head row is missing: run `evidence db upgrade`")
    return int(row.ledger_seq or 0), row.ledger_sha256


def append(conn: Connection, kind: str, body: dict[str, Any], at: datetime) -> LedgerRecord:
    """Append one entry inside the caller's write transaction (locks ``chain_head``)."""
    seq, prev = ledger_head(conn, lock=True)
    data = canonical_json(body)
    body_sha = store_blob(conn, KIND_LEDGER, data)
    when = to_utc(at)
    sha = entry_hash(seq + 1, kind, when, body_sha, prev)
    conn.execute(insert(table_of(LedgerEntry)).values(
        seq=seq + 1, kind=kind, at=when, body_sha256=body_sha, prev_sha256=prev, sha256=sha))
    conn.execute(update(table_of(ChainHead)).where(ChainHead.id == 1)
                 .values(ledger_seq=seq + 1, ledger_sha256=sha))
    return LedgerRecord(seq + 1, kind, when, json.loads(data), body_sha, prev, sha)


def walk(conn: Connection) -> list[LedgerRecord]:
    """Every entry, verified: the sequence has no gap, each links to the previous one and hashes
    to its stored hash, each body exists and hashes to its key, and the head names the last.
    Raises LedgerTampered naming the first entry that does not hold."""
    rows = conn.execute(select(table_of(LedgerEntry)).order_by(LedgerEntry.seq)).all()
    try:
        bodies = read_blobs(conn, {r.body_sha256 for r in rows})
    except StorageError as e:
        raise LedgerTampered(f"a ledger entry's body: {e}") from e
    out: list[LedgerRecord] = []
    prev: str | None = None
    for expected, row in enumerate(rows, start=1):
        where = f"ledger entry {row.seq} ({row.kind})"
        if row.seq != expected:
            raise LedgerTampered(f"ledger entry {expected} is missing (the next is {row.seq})")
        if row.prev_sha256 != prev:
            raise LedgerTampered(f"{where} does not link to the entry before it")
        if entry_hash(row.seq, row.kind, row.at, row.body_sha256, prev) != row.sha256:
            raise LedgerTampered(f"{where} no longer hashes to its recorded hash")
        data = bodies.get(row.body_sha256)
        if data is None:
            raise LedgerTampered(f"{where}: its body {row.body_sha256} is missing")
        out.append(LedgerRecord(row.seq, row.kind, row.at, json.loads(data), row.body_sha256,
                                prev, row.sha256))
        prev = row.sha256
    seq, sha = ledger_head(conn)
    if (seq, sha) != (len(out), prev):
        raise LedgerTampered(f"the ledger head is at entry {seq} but the ledger ends at entry "
                             f"{len(out)}: entries were removed or the head was altered")
    check_newest_seal(conn, out)
    return out


def check_newest_seal(conn: Connection, entries: list[LedgerRecord]) -> None:
    """The newest sealed run recorded the ledger head when it was sealed: the ledger must still
    hold it, so removing the newest entries (a revocation, an accepted risk) and rolling the
    head back is caught by every read, not only by ``verify_chain`` (which also checks that
    the run's record is what its manifest sealed). One packed-contents read."""
    from storage.models import Run
    from storage.sealed import RunReader

    row = conn.execute(select(table_of(Run)).where(Run.chain_seq.is_not(None))
                       .order_by(Run.chain_seq.desc()).limit(1)).one_or_none()
    if row is None:
        return
    try:
        run = RunReader(conn).run(row)
    except StorageError as e:
        raise LedgerTampered(f"run {row.run_id}, the newest sealed run: {e}") from e
    if run.ledger_seq is not None:
        check_sealed_head(entries, run.ledger_seq, run.ledger_sha256, run.run_id)


def check_sealed_head(entries: list[LedgerRecord], seq: int, sha: str | None,
                      run_id: str) -> None:
    """Raise LedgerTampered unless the ledger still holds the head a sealed run recorded."""
    if seq == 0:
        return
    if len(entries) < seq or entries[seq - 1].sha256 != sha:
        raise LedgerTampered(f"run {run_id} sealed the ledger at entry {seq} ({sha}), which "
                             "the ledger no longer holds: entries were removed or rewritten")


class LedgerStore:
    """Repository methods for chained records (mixed into ``Repository``)."""

    _engine: Engine

    def append_record(self, kind: str, body: dict[str, Any], at: datetime) -> LedgerRecord:
        """Append one chained record of ``kind`` (e.g. ``accepted_risk``) in its own
        transaction; ``body`` is any JSON object."""
        with write_tx(self._engine, f"recording a {kind} in the ledger") as conn:
            return append(conn, kind, body, at)

    def ledger_records(self, kinds: Iterable[str] | None = None) -> list[LedgerRecord]:
        """The ledger's entries (of ``kinds`` when given), oldest first, after verifying the
        whole ledger (LedgerTampered otherwise)."""
        wanted = None if kinds is None else set(kinds)
        with read_tx(self._engine, "reading the ledger") as conn:
            return [e for e in walk(conn) if wanted is None or e.kind in wanted]
