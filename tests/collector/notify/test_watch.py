"""Alerts no run raises: a missed collection and accepted risks expiring or expired — queued
once per slot / risk and day, whatever how often the watch runs (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from collector.notify.watch import missed_collection, watch
from collector.risks.model import AcceptedRisk
from collector.risks.store import load_book, record_risk
from config.operate import NotifyTarget, RiskSettings
from config.settings import Settings
from storage import Repository

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
HOOK = NotifyTarget(type="webhook", name="hook", url="https://hooks.example.com/e")


def _kinds(repo: Repository) -> list[tuple[str, int]]:
    out = []
    for row in repo.outbox():
        for event in json.loads(row.body)["events"]:
            out.append((event["kind"], event["count"]))
    return sorted(out)


def _risk(rid: str, expires: date) -> AcceptedRisk:
    return AcceptedRisk(rid, "aws_s3_*", "*", "website", "ciso@example.com",
                        NOW - timedelta(days=100), date(2026, 9, 1), expires)


def test_a_missed_collection_is_queued_once_per_slot(db_url: str) -> None:
    repo = Repository.open(db_url)
    try:
        settings = Settings(schedule="0 3 * * *", notify=[HOOK])
        assert missed_collection(repo, settings.schedule, NOW) == NOW.replace(hour=3)
        assert watch(repo, settings, NOW) == 1
        watch(repo, settings, NOW + timedelta(minutes=15))  # the next tick: same slot
        assert _kinds(repo) == [("collection_missed", 0)]
        assert watch(repo, Settings(schedule="0 3 * * *"), NOW) == 0  # no notify: nothing
    finally:
        repo.close()


def test_accepted_risks_expiring_and_expired_are_announced(db_url: str) -> None:
    repo = Repository.open(db_url)
    try:
        for risk in (_risk("RISK-SOON", NOW.date() + timedelta(days=5)),
                     _risk("RISK-LATER", NOW.date() + timedelta(days=60)),
                     _risk("RISK-GONE", NOW.date() - timedelta(days=1))):
            record_risk(repo, risk, load_book(repo))
        settings = Settings(schedule="0 3 * * *", notify=[HOOK],
                            risks=RiskSettings(expiring_days=14))
        watch(repo, settings, NOW)
        watch(repo, settings, NOW + timedelta(hours=1))  # idempotent within the day
        bodies = [json.loads(r.body) for r in repo.outbox()]
        subjects = sorted(e["subject"] for b in bodies for e in b["events"]
                          if e["kind"].startswith("risk_"))
        assert subjects == [f"risk RISK-GONE expired {NOW.date() - timedelta(days=1)}",
                            f"risk RISK-SOON expires {NOW.date() + timedelta(days=5)}"]
    finally:
        repo.close()
