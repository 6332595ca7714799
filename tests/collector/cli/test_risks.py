"""`evidence accept` / `evidence risks`: accepted risks annotate failures, never rewrite them,
and are chained evidence (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from collector.demo.estate import build_aws_estate
from tests.conftest import Moto
from tests.support.cli import run_cli, write_config

Capsys = pytest.CaptureFixture[str]
SITE = "arn:aws:s3:::acme-public-website"
CHECK = "aws_s3_bucket_secure_transport_enforced"


def _day(days: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


def _accept(capsys: Capsys, db: str, *extra: str) -> object:
    return run_cli(capsys, "--db", db, "accept", "--id", "RISK-1", "--check", "aws_s3_*",
                   "--resource", SITE, "--reason", "public website by design",
                   "--approver", "ciso@example.com", "--expires", _day(90), *extra)


def test_an_accepted_failure_stays_failing_and_names_the_risk(
        moto: Moto, tmp_path: Path, capsys: Capsys, db_url: str) -> None:
    build_aws_estate(moto.endpoint)
    config = write_config(tmp_path / "evidence.yaml", moto.endpoint)
    got = _accept(capsys, db_url)
    assert got.code == 0, got.err  # type: ignore[attr-defined]
    res = run_cli(capsys, "--config", str(config), "--db", db_url, "collect", "--format", "json")
    assert res.code in (0, 3), res.err
    out = run_cli(capsys, "--config", str(config), "--db", db_url, "results", "--format",
                  "json", "--check", CHECK)
    rows = {r["resource_id"]: r for r in map(json.loads, out.out.splitlines())}
    assert rows[SITE]["status"] == "fail" and rows[SITE]["accepted_risk"] == "RISK-1"
    others = [r for k, r in rows.items() if k != SITE and r["status"] == "fail"]
    assert others and all(r["accepted_risk"] is None for r in others)

    revoked = run_cli(capsys, "--db", db_url, "risks", "revoke", "RISK-1", "--reason", "done")
    assert revoked.code == 0, revoked.err
    listed = json.loads(run_cli(capsys, "--db", db_url, "risks", "--format", "json").out)
    assert listed["status"] == "revoked" and listed["revocation_reason"] == "done"


def test_refusals_are_one_line(capsys: Capsys, db_url: str) -> None:
    too_long = run_cli(capsys, "--db", db_url, "accept", "--id", "R1", "--check", "*",
                       "--resource", "*", "--reason", "r", "--approver", "a",
                       "--expires", _day(400))
    assert too_long.code == 2 and "366 days" in too_long.err
    past = run_cli(capsys, "--db", db_url, "accept", "--id", "R1", "--check", "*",
                   "--resource", "*", "--reason", "r", "--approver", "a",
                   "--effective-from", _day(-3), "--expires", _day(30))
    assert past.code == 2 and "--backdate" in past.err
    back = run_cli(capsys, "--db", db_url, "accept", "--id", "R1", "--check", "*",
                   "--resource", "*", "--reason", "r", "--approver", "a",
                   "--effective-from", _day(-3), "--expires", _day(30), "--backdate")
    assert back.code == 0 and json.loads(back.out)["backdated"] is True
    again = _accept(capsys, db_url)
    twice = run_cli(capsys, "--db", db_url, "accept", "--id", "R1", "--check", "*",
                    "--resource", "*", "--reason", "r", "--approver", "a", "--expires", _day(9))
    assert again.code == 0 and twice.code == 2 and "exists already" in twice.err  # type: ignore[attr-defined]
    for res in (too_long, past, twice):
        assert res.err.count("\n") == 1 and "Traceback" not in res.err


def test_from_file_reconciles_and_records_the_file_hash(
        capsys: Capsys, db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "risks.yaml"
    entry = ("  - {{id: {id}, check: 'aws_s3_*', resource: '{site}', reason: website,\n"
             "     approver: ciso@example.com, effective_from: '{start}', expires: '{end}'}}\n")
    both = "risks:\n" + entry.format(id="RISK-1", site=SITE, start=_day(0), end=_day(60)) \
        + entry.format(id="RISK-2", site=SITE + "2", start=_day(0), end=_day(60))
    path.write_text(both)
    first = json.loads(run_cli(capsys, "--db", db_url, "accept", "--from-file", str(path)).out)
    assert first["added"] == ["RISK-1", "RISK-2"] and first["revoked"] == []
    path.write_text("risks:\n" + entry.format(id="RISK-1", site=SITE, start=_day(0),
                                             end=_day(60)))
    second = json.loads(run_cli(capsys, "--db", db_url, "accept", "--from-file",
                                str(path)).out)
    assert second["added"] == [] and second["revoked"] == ["RISK-2"]
    assert second["unchanged"] == ["RISK-1"] and second["sha256"] != first["sha256"]


def test_an_edited_acceptance_is_detected(capsys: Capsys, db_url: str) -> None:
    assert _accept(capsys, db_url).code == 0  # type: ignore[attr-defined]
    assert run_cli(capsys, "--db", db_url, "risks", "--format", "json").code == 0
    engine = create_engine(db_url)
    with engine.begin() as conn:  # the attacker deletes the acceptance
        conn.execute(text("DELETE FROM ledger"))
    engine.dispose()
    gone = run_cli(capsys, "--db", db_url, "risks", "--format", "json")
    assert gone.code != 0 and "Traceback" not in gone.err
    assert gone.err.count("\n") == 1
