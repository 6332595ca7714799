"""The inspection commands: runs, checks, criteria, db upgrade, permissions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from collector.demo.estate import build_aws_estate
from tests.conftest import Moto
from tests.support.cli import run_cli, write_config

Capsys = pytest.CaptureFixture[str]


def test_db_upgrade_reports_the_head_revision(tmp_path: Path, capsys: Capsys) -> None:
    db = f"sqlite:///{tmp_path / 'e.db'}"
    first = run_cli(capsys, "--db", db, "db", "upgrade")
    again = run_cli(capsys, "--db", db, "db", "upgrade")
    assert first.code == again.code == 0
    assert json.loads(first.out)["revision"] == json.loads(again.out)["revision"]
    assert (tmp_path / "e.db").exists()


def test_checks_lists_builtins_with_origin_and_config_params(tmp_path: Path,
                                                             capsys: Capsys) -> None:
    config = tmp_path / "evidence.yaml"
    config.write_text("checks:\n  params:\n    aws_iam_unused_credentials_disabled: "
                      "{max_unused_days: 45}\n  criteria:\n    aws_kms_cmk_rotation_enabled: "
                      "{add: [C1.1]}\n")
    res = run_cli(capsys, "--config", str(config), "checks", "--provider", "aws", "--format",
                  "json")
    rows = {r["id"]: r for r in map(json.loads, res.out.splitlines())}
    assert res.code == 0 and len(rows) >= 13
    assert rows["aws_iam_unused_credentials_disabled"]["params"]["max_unused_days"] == 45
    assert rows["aws_kms_cmk_rotation_enabled"]["criteria"] == ["CC6.1", "C1.1"]
    assert rows["aws_kms_cmk_rotation_enabled"]["origin"].startswith("cloud-evidence-collector")
    table = run_cli(capsys, "--config", str(config), "checks")
    assert "aws_kms_cmk_rotation_enabled" in table.out


def test_criteria_lists_all_61_with_covering_checks(tmp_path: Path, capsys: Capsys) -> None:
    res = run_cli(capsys, "--config", str(tmp_path / "absent-but-default.yaml"), "criteria",
                  "--format", "json")
    assert res.code == 2  # an explicitly named config file must exist
    res = run_cli(capsys, "criteria", "--format", "json")
    rows = [json.loads(line) for line in res.out.splitlines()]
    assert len(rows) == 61
    by_id = {r["id"]: r for r in rows}
    assert "aws_kms_cmk_rotation_enabled" in by_id["CC6.1"]["checks"]
    assert by_id["P8.1"]["checks"] == []


def test_runs_lists_newest_first(moto: Moto, tmp_path: Path, capsys: Capsys) -> None:
    build_aws_estate(moto.endpoint)
    config = write_config(tmp_path / "evidence.yaml", moto.endpoint)
    db = f"sqlite:///{tmp_path / 'e.db'}"
    for _ in range(2):
        assert run_cli(capsys, "--config", str(config), "--db", db, "collect", "--check",
                       "aws_kms_*").code == 0
    res = run_cli(capsys, "--db", db, "runs", "--format", "json")
    runs = [json.loads(line) for line in res.out.splitlines()]
    assert [r["chain_seq"] for r in runs] == [2, 1]
    assert all(r["status"] == "complete" and r["identities"] for r in runs)
    table = run_cli(capsys, "--db", db, "runs")
    assert runs[0]["run_id"] in table.out


def test_permissions_policy_is_exactly_the_declared_actions(capsys: Capsys) -> None:
    res = run_cli(capsys, "permissions", "--provider", "aws", "--check", "aws_kms_*")
    policy = json.loads(res.out)
    actions = policy["Statement"][0]["Action"]
    assert actions == sorted(["ec2:DescribeRegions", "sts:GetCallerIdentity", "kms:ListKeys",
                              "kms:DescribeKey", "kms:GetKeyRotationStatus"])
