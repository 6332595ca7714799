"""`evidence collect` end to end: moto over HTTP, the real CLI, SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from collector.demo.estate import build_aws_estate
from collector.results import ADDED_COLUMNS, CONTRACT_COLUMNS
from storage import Repository
from tests.conftest import Moto
from tests.support.cli import run_cli, write_config

Capsys = pytest.CaptureFixture[str]


def collect(capsys: Capsys, config: Path, db_url: str, *args: str) -> dict[str, Any]:
    res = run_cli(capsys, "--config", str(config), "--db", db_url, "collect", "--format",
                  "json", *args)
    assert res.code in (0, 3), res.err
    return json.loads(res.out)


def test_second_run_of_unchanged_estate_adds_no_blobs(
    moto: Moto, tmp_path: Path, db_url: str, capsys: Capsys
) -> None:
    build_aws_estate(moto.endpoint)
    config = write_config(tmp_path / "evidence.yaml", moto.endpoint, ("us-east-1", "eu-west-1"))

    first = collect(capsys, config, db_url)
    repo = Repository.open(db_url)
    after_first = repo.table_counts()
    second = collect(capsys, config, db_url)
    after_second = repo.table_counts()

    assert first["run_id"] != second["run_id"]
    assert after_second["runs"] == after_first["runs"] + 1
    # one blob: the run contents sealing "no change" in the change index (the first run's
    # sealed every result set as new); later unchanged runs share it
    assert after_second["blobs"] == after_first["blobs"] + 1, "unchanged estate stored new blobs"
    assert after_second["calls"] == after_first["calls"], "unchanged requests stored new rows"
    # sealed runs keep no per-run rows: the second run's result sets are the first's blobs
    assert after_second["run_results"] == after_first["run_results"] == 0
    hashes = [{(r.check_id, r.region, r.result_set_sha256) for r in repo.result_sets(run["run_id"])}
              for run in (first, second)]
    assert hashes[0] and hashes[0] == hashes[1]
    assert repo.verify_chain().ok
    runs = repo.list_runs()
    assert [r.status for r in runs] == ["complete", "complete"]
    assert runs[0].prev_sha256 == runs[1].manifest_sha256
    repo.close()


def test_no_api_request_is_repeated_within_a_run(
    moto: Moto, tmp_path: Path, capsys: Capsys
) -> None:
    build_aws_estate(moto.endpoint)
    config = write_config(tmp_path / "evidence.yaml", moto.endpoint, ("us-east-1", "eu-west-1"))
    moto.server.clear_log()

    collect(capsys, config, f"sqlite:///{tmp_path / 'e.db'}")

    served = moto.server.requests
    repeated = {r.operation: n for r, n in Counter(served).items() if n > 1}
    assert served, "the run made no request at all"
    assert repeated == {}


def test_results_json_lines_have_exactly_the_contract_keys(
    moto: Moto, tmp_path: Path, capsys: Capsys
) -> None:
    build_aws_estate(moto.endpoint)
    config = write_config(tmp_path / "evidence.yaml", moto.endpoint)
    db = f"sqlite:///{tmp_path / 'e.db'}"
    run_id = collect(capsys, config, db)["run_id"]

    res = run_cli(capsys, "--config", str(config), "--db", db, "results", "--format", "json")

    rows = [json.loads(line) for line in res.out.splitlines()]
    assert res.code == 0 and rows
    statuses = {r["status"] for r in rows}
    assert {"pass", "fail"} <= statuses <= {"pass", "fail", "error", "not_applicable"}
    for row in rows:
        # the contract's keys in order, then only additive ones (design.md: never renamed)
        assert tuple(row) == CONTRACT_COLUMNS + ADDED_COLUMNS
        assert row["remediation"] is None or row["status"] == "fail"
        assert row["run_id"] == run_id
        assert row["provider"] == "aws" and row["scope"] == "123456789012"
        assert row["region"] in ("global", "us-east-1")
        assert row["observed_at"].endswith("Z")
        assert isinstance(row["criteria"], list) and row["criteria"]
    kms = [r for r in rows if r["check_id"] == "aws_kms_cmk_rotation_enabled"]
    # (moto also creates a key of its own for each encrypted EBS volume)
    assert {r["status"] for r in kms} == {"fail", "pass"}
    assert all(r["criteria"] == ["CC6.1"] for r in kms)
    assert all(r["resource_id"].startswith("arn:aws:kms:us-east-1:123456789012:key/")
               for r in kms)

    csv_out = run_cli(capsys, "--config", str(config), "--db", db, "results", "--format", "csv")
    lines = csv_out.out.splitlines()
    assert lines[0] == ",".join(CONTRACT_COLUMNS + ADDED_COLUMNS)
    assert len(lines) == len(rows) + 1


def test_fail_on_fail_exits_1_and_summary_shows_criteria(
    moto: Moto, tmp_path: Path, capsys: Capsys
) -> None:
    build_aws_estate(moto.endpoint)
    config = write_config(tmp_path / "evidence.yaml", moto.endpoint)
    db = f"sqlite:///{tmp_path / 'e.db'}"

    plain = run_cli(capsys, "--config", str(config), "--db", db, "collect")
    failing = run_cli(capsys, "--config", str(config), "--db", db, "collect", "--fail-on",
                      "fail", "--check", "aws_kms_*")

    assert plain.code == 0, plain.err
    assert "CC6.1" in plain.out and "by SOC 2 criterion" in plain.out
    assert "aws_kms_cmk_rotation_enabled" in plain.out
    assert failing.code == 1
    assert "aws_s3_" not in failing.out.split("By check")[1]
