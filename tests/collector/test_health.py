"""`evidence health`: healthy while runs complete on schedule; one line either way."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from collector.cli.health import judge
from storage import RunRecord
from storage.records import RunStatus
from tests.support.cli import run_cli

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # a Friday
RUN = RunRecord(run_id="r1", status="complete", started_at=NOW, finished_at=NOW,
                heartbeat_at=NOW, host="h", pid=1, tool_version="0", config_hash="c",
                mapping_sha256="m", identities=(), chain_seq=1, prev_sha256=None,
                manifest_sha256="x")


def run_at(started: datetime, status: RunStatus = "complete") -> RunRecord:
    return replace(RUN, status=status, started_at=started,
                   finished_at=started + timedelta(minutes=10))


def test_daily_schedule_tolerates_one_missed_run_not_two() -> None:
    yesterday = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    assert judge([run_at(yesterday)], "0 3 * * *", NOW).ok  # today's 03:00 failed: still ok
    verdict = judge([run_at(yesterday - timedelta(days=1))], "0 3 * * *", NOW)
    assert not verdict.ok
    assert "2026-11-26T03:00:00Z" in verdict.reason and "\n" not in verdict.reason


def test_only_complete_runs_count_unless_partial_is_allowed() -> None:
    today = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
    runs = [run_at(today, "partial"), run_at(today - timedelta(days=5))]
    assert not judge(runs, "0 3 * * *", NOW).ok
    assert judge(runs, "0 3 * * *", NOW, ("complete", "partial")).ok


def test_weekday_schedule_is_healthy_over_the_weekend() -> None:
    friday = datetime(2026, 11, 27, 2, 30, tzinfo=UTC)
    sunday = datetime(2026, 11, 29, 20, 0, tzinfo=UTC)
    assert judge([run_at(friday)], "30 2 * * 1-5", sunday).ok
    assert not judge([run_at(friday)], "30 2 * * 1-5", sunday + timedelta(days=2)).ok


def test_empty_database_is_unhealthy_with_the_reason() -> None:
    verdict = judge([], "0 3 * * *", NOW)
    assert not verdict.ok and "no complete run" in verdict.reason


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "evidence.yaml"
    config.write_text('schedule: "*/5 * * * *"\n')
    db = f"sqlite:///{tmp_path / 'e.db'}"

    empty = run_cli(capsys, "--config", str(config), "--db", db, "health")
    assert empty.code == 1
    assert empty.err.strip().splitlines() == [
        "evidence: unhealthy: no complete run in the database yet"]

    from storage import Repository
    with Repository.open(db) as repo:
        started = datetime.now(UTC) - timedelta(minutes=1)
        repo.start_run("r1", started_at=started, tool_version="0", config_hash="c",
                       mapping_sha256=repo.put_blob("mapping", b"{}"), host="h", pid=1)
        repo.finish_run("r1", status="complete", finished_at=started, identities=())
    healthy = run_cli(capsys, "--config", str(config), "--db", db, "health")
    assert healthy.code == 0, healthy.err
    assert healthy.out.startswith("evidence: healthy: last complete run r1 finished")
