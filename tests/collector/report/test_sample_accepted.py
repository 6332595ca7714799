"""`evidence sample` with accepted risks: population and sample CSVs count accepted failures
apart and name the risks; a derived seed is unchanged by the added columns (SQLite, PostgreSQL)."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from collector.report.sample import SEED_COLUMNS, Occurrence, derive_seed
from storage import Repository
from tests.collector.report.accepting import accepted_history
from tests.support.cli import run_cli


def test_population_and_sample_carry_accepted_failures(
        repo: Repository, db_url: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    accepted_history(repo)
    config = tmp_path / "evidence.yaml"
    config.write_text("schedule: '0 3 * * *'\n")
    res = run_cli(capsys, "--config", str(config), "--db", db_url, "sample", "--criterion",
                  "CC6.1", "--from", "2026-01-01", "--to", "2026-01-06", "-o", str(tmp_path))
    assert res.code == 0, res.err
    population = list(csv.DictReader((tmp_path / "population.csv").open()))
    assert [(r["failed"], r["failed_accepted"], r["accepted_risk"]) for r in population] == [
        ("3", "2", "RISK-OLD RISK-REV"), ("3", "3", "RISK-OLD RISK-REV RISK-SITE"),
        ("3", "2", "RISK-OLD RISK-SITE"), ("3", "1", "RISK-SITE"), ("2", "1", "RISK-SITE"),
        ("2", "1", "RISK-SITE")]
    drawn = list(csv.DictReader((tmp_path / "sample.csv").open()))
    assert len(drawn) == 6 and {"failed_accepted", "accepted_risk"} <= set(drawn[0])
    assert [r["accepted_risk"] for r in drawn] == [r["accepted_risk"] for r in population]


def test_the_derived_seed_hashes_the_first_nine_columns() -> None:
    occ = Occurrence("2026-01-01", date(2026, 1, 1), date(2026, 1, 1), ("run-1",), "run-1",
                     "complete", 3, 2, 0, 1, ("RISK-1",))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(SEED_COLUMNS)
    writer.writerow(["2026-01-01", "2026-01-01", "2026-01-01", "run-1", "run-1", "complete",
                     3, 2, 0])
    expected = int(hashlib.sha256(text.getvalue().encode()).hexdigest()[:16], 16)
    assert derive_seed([occ]) == expected
    other = replace(occ, failed_accepted=0, accepted_risk=())
    assert derive_seed([other]) == expected  # the added columns never change a draw
