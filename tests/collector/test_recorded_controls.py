"""Controls and criteria overrides are recorded with each run (issue 14 item 2): a real
`evidence collect` against moto records the configured controls in the run's chained mapping;
changing the configuration afterwards does not change what that run says; editing the recorded
mapping is caught by the database verification. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, text

from collector.mapping import FORMATS, controls_in_force, controls_of, recorded_controls
from storage import Repository
from storage.canonical import canonical_json
from tests.conftest import Moto
from tests.support.cli import CliResult, run_cli

Capsys = pytest.CaptureFixture[str]
BEFORE = [{"id": "AC-01", "title": "Access reviews", "criteria": ["CC6.1"],
           "checks": ["aws_s3_*"], "frequency": "daily"},
          {"id": "HR-01", "title": "Security training", "criteria": ["CC1.4"],
           "frequency": "annual"}]
AFTER = [{"id": "ZZ-99", "title": "Renamed after the fact", "criteria": ["CC7.2"],
          "checks": ["aws_iam_*"], "frequency": "monthly"}]


def configure(path: Path, endpoint: str, controls: Sequence[Mapping[str, object]]) -> Path:
    path.write_text(yaml.safe_dump({
        "aws": {"regions": ["us-east-1"], "endpoint_url": endpoint, "max_workers": 2},
        "checks": {"include": ["aws_s3_*"],
                   "criteria": {"aws_s3_bucket_versioning_enabled": {"add": ["CC7.1"]}}},
        "controls": controls}))
    return path


@pytest.fixture
def collected(moto: Moto, db_url: str, tmp_path: Path, capsys: Capsys) -> tuple[Path, str]:
    moto.client("s3").create_bucket(Bucket="evidence-recorded-controls")
    config = configure(tmp_path / "evidence.yaml", moto.endpoint, BEFORE)
    res = run_cli(capsys, "--config", str(config), "--db", db_url, "collect", "--format", "json")
    assert res.code in (0, 1, 3), res.err
    configure(config, moto.endpoint, AFTER)  # the configuration changes after the run
    return config, db_url


def ids(controls: object) -> list[str]:
    assert isinstance(controls, tuple)
    return [c.id for c in controls]


def test_the_controls_in_force_are_recorded_with_the_run(collected: tuple[Path, str]) -> None:
    _, db_url = collected
    with Repository.open(db_url) as repo:
        [run] = repo.list_runs()
        recorded = controls_of(repo, run)
        assert ids(recorded) == ["AC-01", "HR-01"]
        assert recorded is not None and recorded[0].checks == ("aws_s3_*",)
        assert (recorded[1].frequency, recorded[1].criteria) == ("annual", ("CC1.4",))
        mapping = json.loads(repo.get_blob(run.mapping_sha256))
        assert mapping["format"] == FORMATS[-1]
        assert mapping["criteria_overrides"] == {
            "aws_s3_bucket_versioning_enabled": {"add": ["CC7.1"], "remove": []}}
        assert "CC7.1" in mapping["checks"]["aws_s3_bucket_versioning_enabled"]["criteria"]
        # what a report of the run's period takes, whatever the configuration says now
        from config.settings import Settings

        now = Settings.model_validate({"controls": AFTER}).controls
        assert ids(controls_in_force(repo, [run], now)) == ["AC-01", "HR-01"]


def test_runs_recorded_before_controls_fall_back_to_the_configuration() -> None:
    old = canonical_json({"format": FORMATS[0], "catalog": {}, "checks": {}})
    assert recorded_controls(old) is None


def test_the_report_of_the_period_shows_the_recorded_controls(
        collected: tuple[Path, str], capsys: Capsys) -> None:
    config, db_url = collected
    with Repository.open(db_url) as repo:
        day = repo.list_runs()[0].started_at.date().isoformat()
    res: CliResult = run_cli(capsys, "--config", str(config), "--db", db_url, "report",
                             "--from", day, "--to", day, "--format", "json")
    assert res.code == 0, res.err
    assert [c["id"] for c in json.loads(res.out)["controls"]] == ["AC-01", "HR-01"]


def test_editing_the_recorded_controls_is_detected(collected: tuple[Path, str],
                                                   capsys: Capsys) -> None:
    config, db_url = collected
    with Repository.open(db_url) as repo:
        sha = repo.list_runs()[0].mapping_sha256
        assert repo.verify_chain().ok
    forged = canonical_json({"format": FORMATS[-1], "catalog": {}, "checks": {},
                             "controls": AFTER, "criteria_overrides": {}})
    import zlib

    from sqlalchemy import create_engine

    raw: Engine = create_engine(db_url)
    with raw.begin() as conn:
        conn.execute(text("UPDATE blobs SET data = :d WHERE sha256 = :s"),
                     {"d": zlib.compress(forged), "s": sha})
    raw.dispose()
    res = run_cli(capsys, "--config", str(config), "--db", db_url, "db", "verify")
    assert res.code == 4 and len(res.err.strip().splitlines()) == 1, res.err
    assert "criteria mapping and controls" in res.err
