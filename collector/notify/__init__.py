"""Alerts: what changed in a run (new failures, fixes, partial runs, missed collections,
accepted risks expiring), delivered to webhooks, Slack and email from an outbox, at least once,
with an idempotency key per message so a receiver that dedupes sees each exactly once."""
