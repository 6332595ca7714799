"""Runs that stop early still answer: a SIGTERM'd `collect --format json` prints its summary,
and a PostgreSQL outage mid-run exits 5 in one line, losing nothing already stored."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from collector.cli.errors import EXIT_DB_UNAVAILABLE, EXIT_PARTIAL
from collector.demo.estate import MOTO_UNSERVED, build_aws_estate
from storage import Repository
from tests.conftest import Moto
from tests.support.cli import write_config
from tests.support.plugins import FIXTURES, install_dist_info
from tests.support.tcp_proxy import TcpProxy


def _env(tmp_path: Path, moto: Moto, db_url: str, slow_seconds: float) -> dict[str, str]:
    build_aws_estate(moto.endpoint)
    config = write_config(tmp_path / "evidence.yaml", moto.endpoint,
                          checks={"exclude": list(MOTO_UNSERVED),
                                  "params": {"aws_test_slow": {"seconds": slow_seconds}}})
    site = tmp_path / "site"
    install_dist_info(site, "slow-checks", {"slow": "slow_checks"})
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(FIXTURES)]),
            "EVIDENCE_CONFIG": str(config), "EVIDENCE_DB_URL": db_url,
            "EVIDENCE_LOG_FORMAT": "text"}


def _start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "collector", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_running(repo: Repository, *, stored: bool = False, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running = [r for r in repo.list_runs() if r.status == "running"]
        if running and (not stored or repo.result_sets(running[0].run_id)):
            return running[0].run_id
        time.sleep(0.1)
    pytest.fail("the collect never started" + (" storing results" if stored else ""))


def _one_clean_line(stderr: str) -> list[str]:
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    return [line for line in stderr.splitlines() if line.startswith("evidence: error:")]


@pytest.mark.slow
@pytest.mark.parametrize("grace", ["1", "30"], ids=["grace-over", "checks-finish"])
def test_sigterm_under_format_json_still_prints_the_summary(
    moto: Moto, tmp_path: Path, grace: str
) -> None:
    """Grace over (the slow check is still sleeping: the process seals and exits itself) and
    cooperative (the check finishes within the grace): both print the JSON object."""
    db_url = f"sqlite:///{tmp_path / 'e.db'}"
    env = _env(tmp_path, moto, db_url, slow_seconds=60 if grace == "1" else 2)
    victim = _start(env, "collect", "--check", "aws_test_slow", "--check", "aws_iam_*",
                    "--format", "json", "--grace", grace)
    try:
        with Repository.open(db_url) as repo:
            run_id = _wait_running(repo)
        victim.send_signal(signal.SIGTERM)
        out, err = victim.communicate(timeout=60)
    finally:
        if victim.poll() is None:
            victim.kill()

    assert victim.returncode == EXIT_PARTIAL, err
    summary = json.loads(out)
    assert summary["run_id"] == run_id and summary["status"] == "interrupted"
    assert summary["manifest_sha256"]
    assert _one_clean_line(err) == []
    with Repository.open(db_url) as repo:
        assert repo.get_run(run_id).status == "interrupted"
        assert repo.verify_chain().ok


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgres_outage_mid_run_exits_5_and_loses_nothing(
    moto: Moto, tmp_path: Path, db_url: str
) -> None:
    url = make_url(db_url)
    with TcpProxy((url.host or "127.0.0.1", url.port or 5432)) as proxy:
        via_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False)
        env = _env(tmp_path, moto, via_proxy, slow_seconds=4)
        victim = _start(env, "collect", "--check", "aws_test_slow", "--check", "aws_iam_*",
                        "--format", "json")
        try:
            with Repository.open(db_url) as repo:
                run_id = _wait_running(repo, stored=True)
                stored_before = {rs.check_id for rs in repo.result_sets(run_id)}
                proxy.cut()  # the slow check finishes into an outage
                out, err = victim.communicate(timeout=120)
        finally:
            if victim.poll() is None:
                victim.kill()

        assert victim.returncode == EXIT_DB_UNAVAILABLE, err
        lines = _one_clean_line(err)
        assert len(lines) == 1 and "unavailable" in lines[0], err
        assert out == ""

        proxy.restore()  # the database is back: the next writer seals the run
        back = subprocess.run([sys.executable, "-m", "collector", "db", "upgrade"], env=env,
                              capture_output=True, text=True, timeout=60)
        assert back.returncode == 0, back.stderr

    with Repository.open(db_url) as repo:
        run = repo.get_run(run_id)
        assert run.status == "interrupted"
        assert stored_before <= {rs.check_id for rs in repo.result_sets(run_id)}
        assert repo.verify_chain().ok


@pytest.mark.parametrize("grace", [float("nan"), float("inf"), -1.0])
def test_graceful_stop_refuses_a_grace_that_is_not_a_finite_duration(grace: float) -> None:
    from collector.signals import GracefulStop

    with pytest.raises(ValueError, match="finite number of seconds"):
        GracefulStop(lambda: None, lambda: None, grace)
