"""`evidence demo` end to end: three clouds collected, remediation and an accepted risk shown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from collector.cli.demo import DEMO_RISK, DEMO_SITE
from tests.support.cli import run_cli


def test_demo_shows_failures_with_remediation_and_an_accepted_risk(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "demo.db"
    # its own process: the demo's moto server must not share this session's moto backends
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVIDENCE_", "AWS_"))}
    res = subprocess.run([sys.executable, "-m", "collector", "demo", "--out", str(db),
                          "--no-progress"], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=600, check=False)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "(1 accepted as risks)" in res.stdout
    out = run_cli(capsys, "--db", f"sqlite:///{db}", "results", "--status", "fail",
                  "--format", "json")
    rows = [json.loads(line) for line in out.out.splitlines()]
    providers = {r["provider"] for r in rows}
    assert providers == {"aws", "gcp", "azure"}
    assert all(r["remediation"] and r["remediation"]["docs"].startswith("https://")
               for r in rows)
    accepted = [r for r in rows if r["accepted_risk"]]
    assert [(r["check_id"], r["resource_id"], r["accepted_risk"]) for r in accepted] == [
        ("aws_s3_public_access_blocked", DEMO_SITE, DEMO_RISK)]
    risks = run_cli(capsys, "--db", f"sqlite:///{db}", "risks", "--format", "json")
    assert json.loads(risks.out)["status"] == "active"
