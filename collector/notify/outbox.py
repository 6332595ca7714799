"""Delivering the outbox: at least once, with backoff, never in the way of collecting.

Messages are written to the outbox in the transaction that seals their run, so a crash after
sealing loses nothing: the next `deliver` (after the run, at every scheduler tick, or from
`evidence notify --deliver`) sends what is pending. Each message keeps its idempotency key on
every attempt; a receiver that dedupes on it sees it exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from collector.notify.message import Message
from collector.notify.targets import DeliveryError, Target

logger = logging.getLogger("evidence.notify")

BACKOFF_SECONDS = (30, 120, 600, 1800, 3600, 3600 * 6)
"""Wait before attempt 2, 3, …; after the last, a message is given up (and logged)."""


@dataclass(frozen=True)
class Pending:
    """One message waiting in the outbox."""

    message: Message
    attempts: int


class OutboxStore(Protocol):
    """The outbox as storage offers it."""

    def due(self, now: datetime) -> Sequence[Pending]: ...

    def delivered(self, key: str, at: datetime) -> None: ...

    def retry_later(self, key: str, attempts: int, at: datetime | None, error: str) -> None:
        """Record a failed attempt; `at` None means given up."""
        ...


@dataclass(frozen=True)
class Report:
    """What one delivery pass did."""

    sent: int = 0
    deferred: int = 0
    given_up: int = 0


def deliver(store: OutboxStore, targets: Mapping[str, Target], now: datetime,
            due_by: datetime | None = None) -> Report:
    """Send every message due by `due_by` (default `now`) once; failures are rescheduled with
    backoff from `now`, never raised."""
    sent = deferred = given_up = 0
    for item in store.due(due_by or now):
        msg = item.message
        target = targets.get(msg.target)
        attempts = item.attempts + 1
        try:
            if target is None:
                raise DeliveryError(f"target {msg.target!r} is no longer configured",
                                    retryable=False)
            target.send(msg, now.timestamp())
        except DeliveryError as exc:
            wait = BACKOFF_SECONDS[attempts - 1] if attempts <= len(BACKOFF_SECONDS) else None
            at = now + timedelta(seconds=wait) if exc.retryable and wait is not None else None
            store.retry_later(msg.key, attempts, at, str(exc))
            if at is None:
                given_up += 1
            else:
                deferred += 1
            logger.warning("alert %s to %s not delivered (attempt %d): %s%s", msg.key,
                           msg.target, attempts, exc, "" if at else "; given up",
                           extra={"fields": {"event": "alert_failed", "key": msg.key}})
            continue
        store.delivered(msg.key, now)
        sent += 1
        logger.info("alert %s delivered to %s", msg.key, msg.target,
                    extra={"fields": {"event": "alert_delivered", "key": msg.key}})
    return Report(sent, deferred, given_up)
