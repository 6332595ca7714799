"""The alerts outbox: messages queued when their run is sealed, then delivered at least once.

Queued rows are inserted in the transaction that seals the run (``RunStore.finish_run``'s
``outbox``), keyed by the message's idempotency key, so a crash after sealing loses nothing
and queuing the same message twice keeps one row. Delivery updates only the delivery columns;
each delivered message is also recorded in the chained ledger (kind ``notification_sent``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, func, select, update

from storage.blobs import insert_ignore
from storage.db import read_tx, write_tx
from storage.ledger import append
from storage.models import OutboxMessage, table_of
from storage.records import to_utc

KIND_SENT = "notification_sent"
"""Ledger kind recording a delivered alert (key, target, when)."""


@dataclass(frozen=True)
class Queued:
    """One message to queue: its key, target, creation time and JSON body."""

    key: str
    target: str
    created_at: datetime
    body: str


@dataclass(frozen=True)
class QueuedRow:
    """One stored message and its delivery state."""

    key: str
    target: str
    created_at: datetime
    body: str
    attempts: int
    next_at: datetime | None
    delivered_at: datetime | None
    last_error: str


def queue(conn: Connection, messages: Sequence[Queued]) -> None:
    """Insert messages (due now) inside the caller's transaction; existing keys are kept."""
    insert_ignore(conn, table_of(OutboxMessage), [
        {"key": m.key, "target": m.target, "created_at": to_utc(m.created_at), "body": m.body,
         "attempts": 0, "next_at": to_utc(m.created_at), "delivered_at": None,
         "last_error": ""} for m in messages])


def _row(r: Row[Any]) -> QueuedRow:
    return QueuedRow(key=r.key, target=r.target, created_at=r.created_at, body=r.body,
                     attempts=int(r.attempts), next_at=r.next_at, delivered_at=r.delivered_at,
                     last_error=r.last_error)


class OutboxStore:
    """Repository methods for the outbox (mixed into ``Repository``)."""

    _engine: Engine

    def queue_messages(self, messages: Sequence[Queued]) -> None:
        """Queue messages outside a sealing (collection-missed and risk alerts)."""
        with write_tx(self._engine, "queuing alerts") as conn:
            queue(conn, messages)

    def due_messages(self, now: datetime, limit: int = 100) -> list[QueuedRow]:
        """Messages whose next attempt is due, oldest first."""
        t = table_of(OutboxMessage)
        query = (select(t).where(t.c.next_at.is_not(None), t.c.next_at <= to_utc(now))
                 .order_by(t.c.created_at, t.c.key).limit(limit))
        with read_tx(self._engine, "reading the outbox") as conn:
            return [_row(r) for r in conn.execute(query)]

    def outbox(self) -> list[QueuedRow]:
        """Every message, oldest first (for `evidence notify --list` and tests)."""
        t = table_of(OutboxMessage)
        with read_tx(self._engine, "reading the outbox") as conn:
            return [_row(r) for r in conn.execute(select(t).order_by(t.c.created_at, t.c.key))]

    def mark_delivered(self, key: str, target: str, at: datetime) -> bool:
        """Record a delivery (once: False if it was already recorded) and chain it."""
        t = table_of(OutboxMessage)
        with write_tx(self._engine, "recording an alert delivery") as conn:
            done = conn.execute(update(t).where(t.c.key == key, t.c.delivered_at.is_(None))
                                .values(delivered_at=to_utc(at), next_at=None,
                                        attempts=t.c.attempts + 1))
            if not done.rowcount:
                return False
            append(conn, KIND_SENT, {"key": key, "target": target}, to_utc(at))
            return True

    def mark_failed(self, key: str, attempts: int, next_at: datetime | None, error: str) -> None:
        """Record a failed attempt; ``next_at`` None gives the message up."""
        t = table_of(OutboxMessage)
        with write_tx(self._engine, "recording an alert failure") as conn:
            conn.execute(update(t).where(t.c.key == key, t.c.delivered_at.is_(None))
                         .values(attempts=attempts, last_error=error[:2000],
                                 next_at=to_utc(next_at) if next_at else None))

    def pending_count(self) -> int:
        t = table_of(OutboxMessage)
        with read_tx(self._engine, "counting the outbox") as conn:
            return int(conn.execute(select(func.count()).select_from(t)
                                    .where(t.c.next_at.is_not(None))).scalar_one())
