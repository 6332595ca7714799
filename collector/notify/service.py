"""Alerts around a run: queue them when it is sealed, deliver what is due afterwards.

Neither step may fail or hold up collecting: a problem computing alerts is logged and the run
is sealed without them; delivery failures are retried later from the outbox.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime

from collector.notify.configured import NotifyConfigError, build_targets, senders, target_name
from collector.notify.events import run_events
from collector.notify.message import Event, digest, from_body
from collector.notify.outbox import Pending, Report, deliver
from collector.risks.store import load_book
from config.settings import Settings
from storage import Repository
from storage.errors import StorageError
from storage.outbox import Queued

logger = logging.getLogger("evidence.notify")


def queued(settings: Settings, subject: str, events: Sequence[Event],
           now: datetime) -> list[Queued]:
    """One digest per subscribed target for `subject`, as outbox rows."""
    out = []
    for n, target in enumerate(settings.notify):
        name = target_name(target, n)
        msg = digest(name, tuple(target.events), subject, events, now)
        if msg is not None:
            out.append(Queued(msg.key, name, now, json.dumps(msg.body(), sort_keys=True)))
    return out


def alerts_for_run(repo: Repository, run_id: str, status: str, settings: Settings,
                   now: datetime) -> list[Queued]:
    """The alerts to queue with a run's sealing (none when nothing is configured)."""
    if not settings.notify:
        return []
    try:
        run = repo.get_run(run_id)
        events = run_events(repo, run, status, load_book(repo))
    except (StorageError, ValueError, KeyError) as exc:  # alerts never stop sealing
        logger.error("alerts of run %s not queued: %s", run_id, exc,
                     extra={"fields": {"event": "alerts_not_queued"}})
        return []
    return queued(settings, run_id, events, now)


class _RepoOutbox:
    """The repository's outbox as `collector.notify.outbox.deliver` uses it."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self._targets: dict[str, str] = {}

    def due(self, now: datetime) -> list[Pending]:
        rows = self.repo.due_messages(now)
        self._targets = {r.key: r.target for r in rows}
        return [Pending(from_body(r.target, json.loads(r.body)), r.attempts) for r in rows]

    def delivered(self, key: str, at: datetime) -> None:
        self.repo.mark_delivered(key, self._targets.get(key, ""), at)

    def retry_later(self, key: str, attempts: int, at: datetime | None, error: str) -> None:
        self.repo.mark_failed(key, attempts, at, error)


def deliver_due(repo: Repository, settings: Settings, now: datetime,
                due_by: datetime | None = None) -> Report:
    """Send what is due (by `due_by`, default now); never raises for a delivery or
    configuration problem."""
    if not settings.notify:
        return Report()
    try:
        targets = senders(build_targets(settings))
    except NotifyConfigError as exc:
        logger.error("alerts not delivered: %s", exc, extra={"fields": {"event": "alert_config"}})
        return Report()
    return deliver(_RepoOutbox(repo), targets, now, due_by)
