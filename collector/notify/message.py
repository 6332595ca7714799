"""One alert message: a digest of events for one target, with its idempotency key.

A run produces at most one message per target (a digest), however many resources changed:
10,000 new failures are one message listing the first `MAX_ITEMS` and the count.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

EVENTS = ("new_failure", "fixed", "run_partial", "collection_missed", "risk_expiring",
          "risk_expired")
"""Event kinds a target may subscribe to (`events:` in the configuration; default: all)."""
MAX_ITEMS = 50
"""Items listed per event kind in one message; the count always covers them all."""


@dataclass(frozen=True)
class Event:
    """Something an owner should hear about."""

    kind: str
    """One of `EVENTS`."""
    subject: str
    """What it is about: a run id, a schedule slot, a risk id."""
    items: tuple[Mapping[str, str], ...] = ()
    """The resources concerned (check, resource, scope, region, message), if any."""


@dataclass(frozen=True)
class Message:
    """A digest of events for one target; `key` is its idempotency key."""

    key: str
    target: str
    created_at: datetime
    events: tuple[Event, ...] = field(default=())

    def body(self) -> dict[str, object]:
        """The JSON document a webhook receives (and what the outbox stores)."""
        return {
            "id": self.key,
            "created_at": self.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "events": [{"kind": e.kind, "subject": e.subject, "count": len(e.items),
                        "items": [dict(i) for i in e.items[:MAX_ITEMS]]}
                       for e in self.events],
        }

    def text(self) -> str:
        """A short human summary (Slack text, email subject and first lines)."""
        parts = []
        for e in self.events:
            label = e.kind.replace("_", " ")
            parts.append(f"{label}: {len(e.items)} ({e.subject})" if e.items
                         else f"{label} ({e.subject})")
        return "evidence: " + "; ".join(parts)

    def detail(self, limit: int = MAX_ITEMS) -> str:
        """The human text (email body; Slack with a smaller `limit`)."""
        lines = [self.text(), ""]
        for e in self.events:
            lines.append(f"{e.kind} — {e.subject}")
            for item in e.items[:limit]:
                lines.append("  " + "  ".join(f"{k}={v}" for k, v in sorted(item.items())))
            if len(e.items) > limit:
                lines.append(f"  … and {len(e.items) - limit} more")
        return "\n".join(lines) + "\n"


def message_key(target: str, subject: str, kinds: Iterable[str]) -> str:
    """Stable idempotency key: the same target, subject and event kinds give the same key,
    in every process and after every restart (so retries and re-queues never duplicate)."""
    text = json.dumps([target, subject, sorted(set(kinds))], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def digest(target: str, subscribed: Sequence[str], subject: str, events: Sequence[Event],
           now: datetime) -> Message | None:
    """The one message a target gets for `subject` (a run, a day), or None if nothing it
    subscribed to happened."""
    wanted = tuple(e for e in events if e.kind in subscribed)
    if not wanted:
        return None
    return Message(message_key(target, subject, (e.kind for e in wanted)), target, now, wanted)
