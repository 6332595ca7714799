"""The report, attach, criteria, sample and diff commands, end to end through the CLI."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from storage import Repository
from tests.collector.report.history import add_run, day, put_mapping
from tests.collector.report.test_period import history
from tests.support.cli import CliResult, run_cli

Capsys = pytest.CaptureFixture[str]
Cli = Callable[..., CliResult]
CONTROLS = ("schedule: '0 3 * * *'\ncontrols:\n  - {id: AC-01, title: Access reviews, "
            "criteria: [CC6.1], checks: ['aws_s3_*'], frequency: daily}\n")


@pytest.fixture
def cli(repo: Repository, db_url: str, tmp_path: Path, capsys: Capsys) -> Iterator[Cli]:
    config = tmp_path / "evidence.yaml"
    config.write_text(CONTROLS)

    def run(*args: str) -> CliResult:
        return run_cli(capsys, "--config", str(config), "--db", db_url, *args)
    yield run


def test_attach_lists_and_criteria_show_status(cli: Cli, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    doc = tmp_path / "policy.pdf"
    doc.write_bytes(b"%PDF-1.7 policy")
    monkeypatch.setenv("EVIDENCE_ACTOR", "ciso@example.com")
    res = cli("attach", "--criterion", "CC1.1", "--title", "Code of conduct",
              "--valid-until", "2020-01-01", str(doc))
    assert res.code == 0, res.err
    stored = json.loads(res.out)
    assert stored["attached_by"] == "ciso@example.com" and stored["expired"] is True
    assert cli("attach", "--criterion", "CC1.2", "--title", "Board", str(doc)).code == 0
    listed = [json.loads(x) for x in cli("attachments", "--format", "json").out.splitlines()]
    assert [(a["criterion"], a["expired"]) for a in listed] == [("CC1.1", True), ("CC1.2", False)]
    crit = cli("criteria", "--format", "json")
    assert crit.code == 0, crit.err
    rows = {r["id"]: r for r in map(json.loads, crit.out.splitlines())}
    assert rows["CC1.1"]["status"] == "none" and rows["CC1.1"]["attachments_expired"] == [1]
    assert rows["CC1.2"]["status"] == "attached" and rows["CC1.2"]["attachments_valid"] == [2]
    assert "EXPIRED" in cli("attachments").out


@pytest.mark.parametrize("args, message", [
    (("--criterion", "CC99.1"), "unknown SOC 2 criterion 'CC99.1'"),
    (("--criterion", "CC1.1", "MISSING"), "cannot read the file"),
])
def test_attach_bad_input_is_one_line_exit_2_nothing_stored(
        cli: Cli, repo: Repository, tmp_path: Path, args: tuple[str, ...],
        message: str) -> None:
    doc = tmp_path / "ok.txt"
    doc.write_text("x")
    full = [*args] if "MISSING" in args else [*args, str(doc)]
    full = [str(tmp_path / "missing.pdf") if a == "MISSING" else a for a in full]
    res = cli("attach", "--title", "T", *full)
    assert res.code == 2 and message in res.err and len(res.err.strip().splitlines()) == 1
    assert repo.list_attachments() == []


def test_report_formats_are_deterministic(cli: Cli, repo: Repository) -> None:
    history(repo)
    first = cli("report", "--from", "2026-01-01", "--to", "2026-01-05", "--format", "json")
    assert first.code == 0, first.err
    assert first.out == cli("report", "--from", "2026-01-01", "--to", "2026-01-05",
                            "--format", "json").out
    data = json.loads(first.out)
    assert len(data["criteria"]) == 61 and len(data["exceptions"]) == 3
    assert data["controls"][0]["id"] == "AC-01" and data["runs"][0]["run_id"] == "run-1"
    page = cli("report", "--from", "2026-01-01", "--to", "2026-01-05", "--format", "html").out
    assert page.startswith("<!DOCTYPE html>") and "still failing" not in page
    assert "<script" not in page and "http" not in page and "AC-01" in page
    table = cli("report", "--from", "2026-01-01", "--to", "2026-01-05")
    assert table.code == 0 and "By criterion" in table.out and "r2" in table.out
    bad = cli("report", "--from", "2026-01-05", "--to", "2026-01-01")
    assert bad.code == 2 and "is after" in bad.err and len(bad.err.strip().splitlines()) == 1


def test_diff_lists_failures_fixes_and_resources(cli: Cli, repo: Repository) -> None:
    history(repo)
    d = json.loads(cli("diff", "run-3", "run-4", "--format", "json").out)
    assert [(i["resource_id"], i["before"], i["after"]) for i in d["new_failures"]] == [
        ("r3", "pass", "fail")]
    assert [i["resource_id"] for i in d["fixes"]] == []  # r2 was error, not fail, in run-3
    d = json.loads(cli("diff", "run-1", "run-5", "--format", "json").out)
    assert [i["resource_id"] for i in d["fixes"]] == ["r2"]
    assert [i["resource_id"] for i in d["removed"]] == ["r3"] and d["added"] == []
    assert "1 fixes" in cli("diff", "run-1", "run-5").out


def test_sample_is_reproducible_stratified_and_writes_csv(cli: Cli, repo: Repository,
                                                          tmp_path: Path) -> None:
    m = put_mapping(repo, {"aws_s3_check": ["CC6.1"]})
    for n in range(1, 60):  # nothing on the last day
        add_run(repo, f"run-{n:02d}", day(n), {"aws_s3_check": [("r1", "pass")]}, mapping=m)
    args = ("sample", "--control", "AC-01", "--from", "2026-01-01", "--to", "2026-03-01")
    one, two = cli(*args, "-o", str(tmp_path / "a")), cli(*args, "-o", str(tmp_path / "b"))
    assert one.code == 0, one.err
    assert one.out.replace("/a/", "/b/") == two.out and "derived from the sha256" in one.out
    for name in ("population.csv", "sample.csv"):
        assert (tmp_path / "a" / name).read_text() == (tmp_path / "b" / name).read_text()
    population = list(csv.DictReader((tmp_path / "a" / "population.csv").open()))
    drawn = list(csv.DictReader((tmp_path / "a" / "sample.csv").open()))
    assert len(population) == 60 and len(drawn) == 25  # daily: 25
    assert population[59]["evidence_run"] == "" and population[0]["evidence_run"] == "run-01"
    assert drawn == sorted(drawn, key=lambda r: r["start"])  # one per stratum, in time order
    seeded = cli(*args, "--seed", "7", "--frequency", "monthly", "-o", str(tmp_path / "c"))
    assert "sample 2, seed 7 (given)" in seeded.out
    by_criterion = cli("sample", "--criterion", "CC6.1", "--from", "2026-01-01", "--to",
                       "2026-01-03", "-o", str(tmp_path / "d"))
    assert "population 3, sample 3" in by_criterion.out


@pytest.mark.parametrize("args, message", [
    (("--control", "ZZ-9"), "unknown control 'ZZ-9'"),
    (("--criterion", "XX1"), "unknown SOC 2 criterion"),
    (("--criterion", "CC6.1", "--control", "AC-01"), "exactly one"),
])
def test_sample_bad_ids_exit_2(cli: Cli, args: tuple[str, ...], message: str,
                               tmp_path: Path) -> None:
    res = cli("sample", *args, "--from", "2026-01-01", "--to", "2026-01-02", "-o",
              str(tmp_path / "out"))
    assert res.code == 2 and message in res.err and len(res.err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
