"""Commands are imported when used: `evidence report` does not pay for the runner's imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from collector.cli.app import COMMANDS, cli
from tests.support.cli import run_cli

Capsys = pytest.CaptureFixture[str]

HEAVY = ("collector.runner", "collector.scheduler", "collector.export.export",
         "botocore", "google.auth", "azure.core", "rich", "apscheduler")
"""Modules a report never needs (collection, scheduling, bundles, cloud SDKs, terminal tables;
it discovers the installed checks for their remediation, which imports no SDK)."""


def test_every_registered_command_loads_under_its_name() -> None:
    ctx = click.Context(cli)
    assert cli.list_commands(ctx) == sorted(COMMANDS)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert isinstance(command, click.Command) and command.name == name


def test_a_json_report_imports_none_of_the_heavy_modules(tmp_path: Path) -> None:
    probe = ("import sys\nfrom collector.cli import main\ntry:\n    main(sys.argv[1:])\n"
             "except SystemExit:\n    pass\n"
             f"sys.stderr.write(repr([m for m in {HEAVY!r} if m in sys.modules]))\n")
    db = f"sqlite:///{tmp_path / 'e.db'}"
    subprocess.run([sys.executable, "-m", "collector", "--db", db, "db", "upgrade"],
                   capture_output=True, check=True, cwd=tmp_path)  # read commands never create
    done = subprocess.run(
        [sys.executable, "-c", probe, "--db", db, "report",
         "--from", "2026-01-01", "--to", "2026-01-02", "--format", "json"],
        capture_output=True, text=True, check=True, cwd=tmp_path)
    assert json.loads(done.stdout)["runs_expected"] == 2
    assert done.stderr.splitlines()[-1] == "[]"


def test_an_unknown_command_suggests_unloaded_ones(capsys: Capsys) -> None:
    res = run_cli(capsys, "reprot")
    assert res.code == 2 and "No such command 'reprot'" in res.err
    if hasattr(click.exceptions, "NoSuchCommand"):  # click 8.4+ suggests close names
        assert "'report'" in res.err
