"""Bad input: one clear line on stderr, exit code 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from collector.cli.errors import EXIT_USAGE
from tests.support.cli import CliResult, run_cli

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


# -- one line and a documented exit code for every input that used to crash -------------------

def one_line(res: CliResult, code: int) -> str:
    """The single stderr line of a refused command (no traceback, no 'Exception ignored')."""
    assert res.code == code, res
    assert "Traceback" not in res.err and "Exception ignored" not in res.err, res.err
    lines = res.err.strip().splitlines()
    assert len(lines) == 1, res.err
    return lines[0]


@pytest.mark.parametrize("command", [["runs"], ["db", "upgrade"]])
def test_a_sqlite_url_with_a_host_is_one_line(capsys: Capsys, command: list[str]) -> None:
    line = one_line(run_cli(capsys, "--db", "sqlite://host/x.db", *command), EXIT_USAGE)
    assert "sqlite://host/x.db" in line and "no host" in line


def test_a_5000_digit_integer_in_the_yaml_is_one_line(tmp_path: Path, capsys: Capsys) -> None:
    config = tmp_path / "evidence.yaml"
    config.write_text("aws:\n  max_workers: " + "9" * 5000 + "\n")
    line = one_line(run_cli(capsys, "--config", str(config), "--db",
                            f"sqlite:///{tmp_path}/e.db", "collect"), EXIT_USAGE)
    assert "evidence.yaml" in line and "line 2" in line and "too large" in line
    assert len(line) < 300


def test_yaml_nested_past_the_recursion_limit_is_one_line(tmp_path: Path,
                                                          capsys: Capsys) -> None:
    config = tmp_path / "evidence.yaml"
    config.write_text("aws: " + "[" * 50000 + "]" * 50000 + "\n")
    line = one_line(run_cli(capsys, "--config", str(config), "checks"), EXIT_USAGE)
    assert "evidence.yaml" in line and "nested too deeply" in line


@pytest.mark.parametrize("command", [
    ["report", "--from", "2026-01-01", "--to", "9999-12-31"],
    ["report", "--from", "9999-12-31", "--to", "9999-12-31"],
    ["export", "--from", "2026-01-01", "--to", "9999-12-31", "-o", "x.zip"],
    ["export", "--as-of", "9999-12-31", "-o", "x.zip"],
    ["sample", "--criterion", "CC6.1", "--from", "2026-01-01", "--to", "9999-12-31"],
    ["attach", "f.pdf", "--criterion", "CC1.1", "--title", "t", "--valid-until", "9999-12-31"],
])
def test_the_last_representable_day_is_one_line(tmp_path: Path, capsys: Capsys,
                                                 command: list[str]) -> None:
    line = one_line(run_cli(capsys, "--db", f"sqlite:///{tmp_path}/e.db", *command),
                    EXIT_USAGE)
    assert "9999-12-31 is out of range" in line and "9998-12-31" in line


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "1e300", "soon"])
@pytest.mark.parametrize("option", ["--grace", "--lock-wait"])
def test_grace_and_lock_wait_refuse_nan_inf_and_negatives(
    tmp_path: Path, capsys: Capsys, option: str, value: str
) -> None:
    line = one_line(run_cli(capsys, "--db", f"sqlite:///{tmp_path}/e.db", "collect",
                            f"{option}={value}"), EXIT_USAGE)
    assert option in line and "number of seconds" in line
    assert not (tmp_path / "e.db").exists()


def test_grace_from_the_environment_refuses_nan(tmp_path: Path, capsys: Capsys,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVIDENCE_STOP_GRACE", "nan")
    line = one_line(run_cli(capsys, "--db", f"sqlite:///{tmp_path}/e.db", "collect"),
                    EXIT_USAGE)
    assert "EVIDENCE_STOP_GRACE" in line


@pytest.mark.parametrize(("url", "secret"), [
    ("postgresql+psycopg://evidence:s3cr@t!@127.0.0.1:1/x", "s3cr"),
    ("postgresql+psycopg://evidence:p@ss/w@rd@127.0.0.1:1/x", "ss/w"),
    ("postgresql+psycopg://evidence@127.0.0.1:1/x?password=hunter2", "hunter2"),
    ("postgresql+psycopg://evidence@127.0.0.1:1/x?sslmode=disable&password=hunter2&x=1",
     "hunter2"),
    ("postgresql://evidence:pw%40x@127.0.0.1:1/x?sslpassword=keypass", "keypass"),
])
@pytest.mark.parametrize("command", [["runs"], ["db", "upgrade"]])
def test_cannot_connect_line_never_shows_a_password(capsys: Capsys, url: str, secret: str,
                                                    command: list[str]) -> None:
    line = one_line(run_cli(capsys, "--db", url, *command), EXIT_USAGE)
    assert "cannot connect" in line or "invalid database URL" in line, line
    assert secret not in line and "***" in line
