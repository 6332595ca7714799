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
from typing import Any

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
    total: int | None = None
    """How many there are when `items` holds only the first ones (a message read back from
    the outbox); None: `items` is complete."""

    @property
    def count(self) -> int:
        return len(self.items) if self.total is None else self.total


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
            "events": [{"kind": e.kind, "subject": e.subject, "count": e.count,
                        "items": [dict(i) for i in e.items[:MAX_ITEMS]]}
                       for e in self.events],
        }

    def text(self) -> str:
        """A short human summary (Slack text, email subject and first lines)."""
        parts = []
        for e in self.events:
            label = e.kind.replace("_", " ")
            parts.append(f"{label}: {e.count} ({e.subject})" if e.count
                         else f"{label} ({e.subject})")
        return "evidence: " + "; ".join(parts)

    def detail(self, limit: int = MAX_ITEMS) -> str:
        """The human text (email body; Slack with a smaller `limit`)."""
        lines = [self.text(), ""]
        for e in self.events:
            lines.append(f"{e.kind} — {e.subject}")
            for item in e.items[:limit]:
                lines.append("  " + "  ".join(f"{k}={v}" for k, v in sorted(item.items())))
            if e.count > min(limit, len(e.items)):
                lines.append(f"  … and {e.count - min(limit, len(e.items))} more")
        return "\n".join(lines) + "\n"


def from_body(target: str, body: Mapping[str, Any]) -> Message:
    """A message as the outbox stored it (`Message.body`), ready to send again unchanged."""
    created = datetime.strptime(str(body["created_at"]), "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=UTC)
    events = tuple(Event(str(e["kind"]), str(e["subject"]),
                         tuple({str(k): str(v) for k, v in i.items()} for i in e["items"]),
                         int(e["count"])) for e in body["events"])
    return Message(str(body["id"]), target, created, events)


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
