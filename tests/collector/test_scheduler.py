"""`evidence schedule`: cron semantics, a fire end to end against moto, SIGTERM mid-run."""

from __future__ import annotations

import json
import signal
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collector.cli.context import AppContext
from collector.locks import ScopeLocks
from collector.plan import Selection, select_checks
from collector.runner import Runner
from collector.scheduler import (
    Scheduler,
    missed_slot,
    next_fires,
    previous_fire,
    slot_id,
)
from storage import Repository
from tests.conftest import Moto
from tests.support.cli import write_config
from tests.support.procs import evidence, slow_env, wait_for, write_slow_config

EXPRESSIONS = ["0 3 * * *", "*/15 * * * *", "30 2 * * 1-5", "0 0 1 * *", "5 4 * * sun",
               "0 */6 * * *", "0 12 29 2 *"]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(EXPRESSIONS),
       st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)))
def test_previous_fire_is_the_slot_apscheduler_fired_last(expression: str, naive: datetime) -> None:
    now = naive.replace(tzinfo=UTC)
    slot = previous_fire(expression, now)

    assert slot <= now
    assert next_fires(expression, slot - timedelta(seconds=1), 1) == [slot]  # a real fire time
    assert next_fires(expression, slot, 1)[0] > now  # and the last one before now


def test_weekdays_keep_crons_meaning_not_apschedulers() -> None:
    monday = next_fires("0 3 * * 1", datetime(2026, 11, 27, tzinfo=UTC), 3)  # from a Friday
    assert [d.isoweekday() for d in monday] == [1, 1, 1]
    assert monday[0] == datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


def test_catch_up_only_for_an_unrun_slot_within_the_grace_time() -> None:
    now = datetime(2026, 11, 27, 3, 20, tzinfo=UTC)
    slot = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
    hour = timedelta(hours=1)
    assert missed_slot("0 3 * * *", now, None, hour) == slot  # never collected: now
    assert missed_slot("0 3 * * *", now, slot - timedelta(days=1), hour) == slot
    assert missed_slot("0 3 * * *", now, slot + timedelta(seconds=5), hour) is None
    assert missed_slot("0 3 * * *", now + 2 * hour, slot - timedelta(days=1), hour) is None
    assert slot_id(slot) == "2026-11-27T03:00Z"


def _scheduler(tmp_path: Path, moto: Moto, db_url: str, expression: str) -> Scheduler:
    app = AppContext(write_config(tmp_path / "evidence.yaml", moto.endpoint), db_url)
    chosen = select_checks(app.registry, app.loaded, Selection(checks=("aws_kms_*",)))
    repo = app.repo
    return Scheduler(repo, lambda: Runner(repo, app.loaded, app.catalog, chosen,
                                          gate=ScopeLocks(repo)),
                     Selection(checks=("aws_kms_*",)), expression, misfire_grace=600)


def test_job_coalesces_runs_one_at_a_time_with_a_misfire_grace(
    moto: Moto, tmp_path: Path
) -> None:
    sched = _scheduler(tmp_path, moto, f"sqlite:///{tmp_path / 'e.db'}", "0 3 * * *")
    assert sched.job.coalesce is True
    assert sched.job.max_instances == 1
    assert sched.job.misfire_grace_time == 600
    assert str(sched.job.trigger.timezone) == "UTC"


def test_a_cron_fire_collects_end_to_end_and_records_its_slot(
    moto: Moto, tmp_path: Path, db_url: str
) -> None:
    moto.client("kms").create_key(Description="rotating")
    sched = _scheduler(tmp_path, moto, db_url, "0 3 1 1 *")
    server = threading.Thread(target=sched.serve, kwargs={"catch_up": False}, daemon=True)
    server.start()
    wait_for(lambda: bool(sched.scheduler.running), 10, "the scheduler to start")

    sched.job.modify(next_run_time=datetime.now(UTC))  # the cron's next fire, brought forward
    wait_for(lambda: bool(sched.outcomes), 60, "the fired collection")
    sched.stop()
    server.join(10)

    outcome = sched.outcomes[0]
    repo = Repository.open(db_url)
    run = repo.get_run(outcome.run_id)
    assert run.status == "complete"
    assert run.collection_id == slot_id(previous_fire("0 3 1 1 *", run.started_at))
    assert run.collection_id is not None and run.collection_id.endswith("-01-01T03:00Z")
    assert {rs.check_id for rs in repo.result_sets(run.run_id)} == {
        "aws_kms_cmk_rotation_enabled"}
    assert b'"collection_id"' in repo.manifest_bytes(run.run_id)
    assert repo.verify_chain().ok
    assert not server.is_alive()
    repo.close()


def _log_lines(err: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


@pytest.mark.slow
@pytest.mark.parametrize("grace", [30.0, 1.0], ids=["checks-in-flight-finish", "grace-expires"])
def test_sigterm_mid_run_seals_it_interrupted_keeps_evidence_and_exits_0(
    moto: Moto, tmp_path: Path, db_url: str, grace: float
) -> None:
    if (grace > 10) != db_url.startswith("postgresql"):
        pytest.skip("each stop path runs on one backend (cooperative: PostgreSQL, forced: SQLite)")
    moto.client("kms").create_key(Description="k")
    slow = 3.0 if grace > 10 else 60.0
    # One worker, global checks first: the IAM check finishes, then aws_test_slow is in
    # flight when the signal comes, and the regional KMS and EBS checks are still queued.
    config = write_slow_config(tmp_path / "evidence.yaml", moto.endpoint, slow, workers=1,
                               schedule="0 3 1 1 *", checks={"include": [
                                   "aws_iam_password_policy_strong", "aws_test_slow",
                                   "aws_kms_*", "aws_ebs_*"]})
    env = slow_env(tmp_path, config, db_url)
    proc = evidence(env, "schedule", "--run-now", "--no-catch-up", "--grace", str(grace))
    repo = Repository.open(db_url)
    try:
        def slow_check_running() -> bool:
            running = [r for r in repo.list_runs() if r.status == "running"]
            done = {rs.check_id for r in running for rs in repo.result_sets(r.run_id)}
            return bool(running) and "aws_iam_password_policy_strong" in done
        wait_for(slow_check_running, 60, "a run storing results")
        time.sleep(0.5)  # the single worker is inside aws_test_slow now
        proc.send_signal(signal.SIGTERM)
        began = time.monotonic()
        _out, err = proc.communicate(timeout=60)
        took = time.monotonic() - began
    finally:
        if proc.poll() is None:
            proc.kill()

    assert proc.returncode == 0, err
    assert took < min(slow, grace) + 8
    run = repo.list_runs()[0]
    assert run.status == "interrupted"
    stored = {rs.check_id for rs in repo.result_sets(run.run_id)}
    assert "aws_iam_password_policy_strong" in stored  # finished before the signal: kept
    if grace > slow:
        assert "aws_test_slow" in stored  # in flight at the signal: allowed to finish
    else:
        assert "aws_test_slow" not in stored  # cut off after the grace period
    assert not {s for s in stored if s.startswith(("aws_kms_", "aws_ebs_"))}, (
        "checks queued behind the signal must not start")
    assert repo.verify_chain().ok
    lines = _log_lines(err)
    assert lines and all({"run_id", "scope", "check", "level", "message"} <= set(line)
                         for line in lines)
    assert any(line["check"] == "aws_iam_password_policy_strong"
               and line["run_id"] == run.run_id and line["scope"] == "123456789012"
               for line in lines)
    assert any("SIGTERM" in str(line["message"]) for line in lines)
    assert "testing" not in err  # the fake secret key never reaches the logs
    repo.close()
