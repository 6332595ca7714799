"""`evidence demo` end to end: three clouds collected, remediation and an accepted risk shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from collector.cli.demo import DEMO_RISK, DEMO_SITE
from tests.support.cli import run_cli


def test_demo_shows_failures_with_remediation_and_an_accepted_risk(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "demo.db"
    res = run_cli(capsys, "demo", "--out", str(db), "--no-progress")
    assert res.code == 0, res.err
    assert "(1 accepted as risks)" in res.out
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
