"""A collect killed with SIGKILL leaves its run visibly not complete; the chain still verifies."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from collector.demo.estate import build_aws_estate
from storage import Repository
from tests.conftest import Moto
from tests.support.cli import write_config
from tests.support.plugins import FIXTURES, install_dist_info


def evidence(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "collector", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_sigkill_mid_collect_leaves_run_interrupted_and_chain_intact(
    moto: Moto, tmp_path: Path, db_url: str
) -> None:
    build_aws_estate(moto.endpoint)
    config = write_config(tmp_path / "evidence.yaml", moto.endpoint)
    site = tmp_path / "site"
    install_dist_info(site, "slow-checks", {"slow": "slow_checks"})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(FIXTURES)]),
           "EVIDENCE_CONFIG": str(config), "EVIDENCE_DB_URL": db_url}

    done = evidence(env, "collect", "--check", "aws_kms_*", "--format", "json")
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    first = json.loads(out)
    repo = Repository.open(db_url)
    before = repo.get_run(first["run_id"])

    victim = evidence(env, "collect")
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            running = [r for r in repo.list_runs() if r.status == "running"]
            if running and repo.result_sets(running[0].run_id):
                break
            time.sleep(0.2)
        else:
            pytest.fail("the second collect never started storing results")
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
    finally:
        if victim.poll() is None:
            victim.kill()
    killed_id = running[0].run_id

    # Read commands never write; the next command that opens the database for writing seals
    # the dead process's run (here `db upgrade`; in production the next collect).
    sealer = subprocess.run([sys.executable, "-m", "collector", "db", "upgrade"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert sealer.returncode == 0, sealer.stderr
    listed = subprocess.run([sys.executable, "-m", "collector", "runs", "--format", "json"],
                            env=env, capture_output=True, text=True, timeout=60)

    assert listed.returncode == 0, listed.stderr
    statuses = {json.loads(line)["run_id"]: json.loads(line)["status"]
                for line in listed.stdout.splitlines()}
    assert statuses[killed_id] == "interrupted"
    assert statuses[first["run_id"]] == "complete"
    assert repo.get_run(first["run_id"]) == before, "a completed run changed"
    assert repo.result_sets(killed_id), "what the killed run collected was lost"
    assert repo.verify_chain().ok
    repo.close()
