"""Bad input: one clear line on stderr, exit code 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import run_cli

Capsys = pytest.CaptureFixture[str]


@pytest.mark.parametrize(
    ("body", "expect"),
    [
        ("aws:\n  regions: [us-east-1\n", "invalid YAML"),
        ("aws:\n  regoins: [us-east-1]\n", "aws.regoins"),
        ("aws:\n  max_workers: lots\n", "aws.max_workers"),
        ("checks:\n  params:\n    aws_kms_cmk_rotation_enabled: {min_days: 3}\n",
         "checks.params.aws_kms_cmk_rotation_enabled.min_days"),
        ("checks:\n  params:\n    aws_no_such_check: {x: 1}\n", "checks.params.aws_no_such_check"),
    ],
)
def test_malformed_config_gives_one_line_and_exit_2(
    tmp_path: Path, capsys: Capsys, body: str, expect: str
) -> None:
    config = tmp_path / "evidence.yaml"
    config.write_text(body)

    res = run_cli(capsys, "--config", str(config), "--db", f"sqlite:///{tmp_path}/e.db",
                  "collect")

    assert res.code == 2
    lines = res.err.strip().splitlines()
    assert len(lines) == 1, res.err
    assert "evidence.yaml" in lines[0] and expect in lines[0]
    assert "Traceback" not in res.err
    assert not (tmp_path / "e.db").exists() or "runs" not in res.out


def test_missing_explicit_config_file(tmp_path: Path, capsys: Capsys) -> None:
    res = run_cli(capsys, "--config", str(tmp_path / "nope.yaml"), "checks")
    assert res.code == 2
    assert "nope.yaml" in res.err and len(res.err.strip().splitlines()) == 1


def test_unknown_run_id(tmp_path: Path, capsys: Capsys) -> None:
    assert run_cli(capsys, "--db", f"sqlite:///{tmp_path}/e.db", "db", "upgrade").code == 0
    res = run_cli(capsys, "--db", f"sqlite:///{tmp_path}/e.db", "results", "--run", "nope")
    assert res.code == 2
    assert "nope" in res.err and len(res.err.strip().splitlines()) == 1


def test_unreachable_database_is_one_line(capsys: Capsys) -> None:
    res = run_cli(capsys, "--db", "postgresql+psycopg://u:pw@127.0.0.1:1/x", "runs")
    assert res.code == 2
    assert "pw" not in res.err and len(res.err.strip().splitlines()) == 1


def test_unknown_option_is_a_usage_error(capsys: Capsys) -> None:
    res = run_cli(capsys, "collect", "--bogus")
    assert res.code == 2
    assert "--bogus" in res.err
