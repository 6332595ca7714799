"""Alerts that no run raises: a missed collection, and accepted risks expiring or expired.

`watch` is run by `evidence schedule` (at start and every `WATCH_EVERY`) and by
`evidence health`. Each alert's idempotency key names what it is about (the schedule slot, the
risk and its day), so running the watch again queues nothing new.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from collector.notify.message import Event
from collector.notify.service import queued
from collector.risks.store import load_book
from collector.scheduler import previous_fire, slot_id
from config.settings import Settings
from storage import Repository

WATCH_EVERY = timedelta(minutes=15)
MISSED_AFTER = timedelta(hours=1)
"""A slot counts as missed when no complete run started in it this long after it began."""


def missed_collection(repo: Repository, expression: str, now: datetime,
                      after: timedelta = MISSED_AFTER, scan: int = 1000) -> datetime | None:
    """The latest schedule slot with no complete run, once `after` has passed since it."""
    slot = previous_fire(expression, now - after)
    for run in repo.list_runs(scan):
        if run.started_at < slot:
            break
        if run.status == "complete":
            return None
    return slot


def watch(repo: Repository, settings: Settings, now: datetime) -> int:
    """Queue the alerts due now; return how many messages were queued."""
    if not settings.notify:
        return 0
    rows = []
    slot = missed_collection(repo, settings.schedule, now)
    if slot is not None:
        subject = f"slot {slot_id(slot)}"
        rows += queued(settings, subject, [Event("collection_missed", subject)], now)
    book = load_book(repo)
    today = now.date()
    expiring = [s for s in book.expiring(today, settings.risks.expiring_days)]
    for state in expiring:
        risk = state.risk
        subject = f"risk {risk.risk_id} expires {risk.expires.isoformat()}"
        item = {"risk_id": risk.risk_id, "check": risk.check, "resource": risk.resource,
                "expires": risk.expires.isoformat(), "approver": risk.approver}
        rows += queued(settings, subject, [Event("risk_expiring", subject, (item,))], now)
    for state in book.expired_since(today, days=7):
        risk = state.risk
        subject = f"risk {risk.risk_id} expired {risk.expires.isoformat()}"
        item = {"risk_id": risk.risk_id, "check": risk.check, "resource": risk.resource,
                "expires": risk.expires.isoformat(), "approver": risk.approver}
        rows += queued(settings, subject, [Event("risk_expired", subject, (item,))], now)
    if rows:
        repo.queue_messages(rows)
    return len(rows)
