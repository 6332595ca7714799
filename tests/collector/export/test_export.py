"""`evidence export`: the contract layout, determinism, content, Type I, filters, usage errors."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import time
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from collector.results import CONTRACT_COLUMNS
from storage import Repository
from tests.collector.export.conftest import END, START, Estate, export_bytes
from tests.collector.export.history import build_history
from tests.collector.export.zips import members
from tests.collector.report.history import add_run, put_mapping
from tests.support.cli import run_cli

Capsys = pytest.CaptureFixture[str]
TOP_LEVEL = {"manifest.json", "manifest.sig", "README.txt", "summary.html", "summary.csv",
             "results.csv", "runs", "evidence", "oscal"}


def test_layout_is_the_contract(signed_bundle: bytes, estate: Estate) -> None:
    files = members(signed_bundle)
    assert {name.split("/")[0] for name in files} == TOP_LEVEL
    assert list(files)[-2:] == ["manifest.json", "manifest.sig"]
    content = list(files)[:-2]
    assert content == sorted(content), "members must be written in sorted order"
    assert "oscal/assessment-results.json" in files
    runs = sorted(n for n in files if n.startswith("runs/"))
    assert runs == sorted(f"runs/{r}.json" for r in estate.history.run_ids)
    for check, crits in estate.history.criteria.items():
        for crit in crits:
            assert f"evidence/{crit}/{check}/index.json" in files
    manifest = json.loads(files["manifest.json"])
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json", "manifest.sig"}
    assert manifest["period"] == {"from": str(START), "to": str(END)}
    assert manifest["tool"]["version"] == "0.1.0"
    assert manifest["chain"]["head_run_id"] == estate.history.run_ids[-1]
    with zipfile.ZipFile(io.BytesIO(signed_bundle)) as zf:
        for info in zf.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.external_attr >> 16 == 0o100644
            assert info.compress_type == zipfile.ZIP_DEFLATED


def test_same_database_and_arguments_give_identical_bytes(estate: Estate,
                                                          signed_bundle: bytes) -> None:
    assert export_bytes(estate.url, estate.signer) == signed_bundle


def test_a_period_in_progress_gives_the_same_bytes_seconds_apart(tmp_path: Path) -> None:
    """An open exception of today is measured to the latest run (or collection due), never to
    the second the bundle is made."""
    if datetime.now(UTC).strftime("%H:%M") in ("02:59", "23:59"):  # a slot or the day ends
        time.sleep(61)
    url = f"sqlite:///{tmp_path / 'today.db'}"
    now = datetime.now(UTC)
    began = max(now - timedelta(minutes=10), now.replace(hour=0, minute=0, second=1))
    with Repository.open(url) as repo:
        mapping = put_mapping(repo, {"aws_s3_check": ["CC6.1"]})
        add_run(repo, "run-1", began, {"aws_s3_check": [("r1", "fail")]}, mapping=mapping)
    first = export_bytes(url, None, now.date(), now.date())
    time.sleep(1.5)
    assert export_bytes(url, None, now.date(), now.date()) == first
    assert b"data-fixed-at=\"open\"" in members(first)["summary.html"]


def test_export_is_identical_on_postgresql_and_sqlite(db_url: str, tmp_path: Path) -> None:
    """The same history stored in either backend exports to the same bytes."""
    with Repository.open(db_url) as repo:
        build_history(repo, days=3, resources=12, checks=3, flips_per_day=2)
    sqlite_url = f"sqlite:///{tmp_path / 'other.db'}"
    with Repository.open(sqlite_url) as repo:
        build_history(repo, days=3, resources=12, checks=3, flips_per_day=2)
    period = (date(2026, 1, 1), date(2026, 1, 3))
    assert export_bytes(db_url, None, *period) == export_bytes(sqlite_url, None, *period)


def test_runs_are_the_stored_manifest_bytes(signed_bundle: bytes, estate: Estate) -> None:
    files = members(signed_bundle)
    with Repository.open(estate.url) as repo:
        for run_id in estate.history.run_ids:
            assert files[f"runs/{run_id}.json"] == repo.manifest_bytes(run_id)


def test_results_csv_has_every_result_with_the_contract_columns(
        signed_bundle: bytes, estate: Estate, capsys: Capsys) -> None:
    files = members(signed_bundle)
    rows = list(csv.DictReader(io.StringIO(files["results.csv"].decode())))
    assert tuple(rows[0]) == CONTRACT_COLUMNS
    hist = estate.history
    assert len(rows) == hist.results_per_run * len(hist.run_ids)
    last = hist.run_ids[-1]
    res = run_cli(capsys, "--db", estate.url, "results", "--run", last, "--format", "csv")
    assert res.code == 0, res.err
    expected = [{k: r[k] for k in CONTRACT_COLUMNS}  # the CLI adds remediation, accepted_risk
                for r in csv.DictReader(io.StringIO(res.out))]
    assert [{k: r[k] for k in CONTRACT_COLUMNS} for r in rows if r["run_id"] == last] \
        == expected
    failing = {(r["check_id"], r["resource_id"]) for r in rows
               if r["run_id"] == last and r["status"] == "fail"}
    assert failing == hist.failing_at_end


def test_evidence_leads_from_each_result_to_its_calls_and_responses(signed_bundle: bytes) -> None:
    files = members(signed_bundle)
    indexes = [n for n in files if n.endswith("/index.json")]
    assert indexes
    for name in indexes:
        index = json.loads(files[name])
        for obs in index["observations"]:
            result_set = json.loads(files[obs["result_set"]])
            assert result_set["check_id"] == index["check_id"]
            assert result_set["calls"], "every synthetic result is backed by calls"
            for digest in result_set["calls"]:
                call = json.loads(files[f"evidence/_calls/{digest}.json"])
                assert f"evidence/_responses/{call['response_sha256']}.json" in files


def test_summary_csv_one_row_per_criterion(signed_bundle: bytes, estate: Estate) -> None:
    rows = list(csv.DictReader(io.StringIO(members(signed_bundle)["summary.csv"].decode())))
    assert len(rows) == 61
    by_id = {r["criterion_id"]: r for r in rows}
    covered = {c for crits in estate.history.criteria.values() for c in crits}
    for cid in covered:
        assert int(by_id[cid]["automated_checks"]) > 0
        assert "no automated check" not in by_id[cid]["gap"]
        assert "without a result" not in by_id[cid]["gap"]  # a run every scheduled day
        assert 0 < float(by_id[cid]["pass_rate"]) <= 100
    assert by_id["CC1.1"]["gap"] and by_id["CC1.1"]["automated_checks"] == "0"
    assert sum(int(r["exceptions"]) for r in rows) >= len(estate.history.ever_failed)


def test_criteria_filter_narrows_evidence_and_results(estate: Estate) -> None:
    files = members(export_bytes(estate.url, None, criteria=("CC6.1",)))
    crits = {n.split("/")[1] for n in files if n.startswith("evidence/") and "/_" not in n}
    assert crits == {"CC6.1"}
    rows = list(csv.DictReader(io.StringIO(files["results.csv"].decode())))
    assert rows and all("CC6.1" in r["criteria"].split(";") for r in rows)
    summary = list(csv.DictReader(io.StringIO(files["summary.csv"].decode())))
    assert [r["criterion_id"] for r in summary] == ["CC6.1"]
    assert json.loads(files["manifest.json"])["criteria"] == ["CC6.1"]


def _config(tmp_path: Path, **body: object) -> Path:
    path = tmp_path / "evidence.yaml"
    path.write_text(yaml.safe_dump(body))
    return path


def test_cli_export_signed_then_verify(estate: Estate, tmp_path: Path, capsys: Capsys) -> None:
    config = _config(tmp_path, signing_key=str(estate.private_key))
    out = tmp_path / "bundle.zip"
    res = run_cli(capsys, "--config", str(config), "--db", estate.url, "export",
                  "--from", str(START), "--to", str(END), "-o", str(out))
    assert res.code == 0, res.err
    assert "signed" in res.out and "NOT" not in res.out
    assert json.loads(members(out.read_bytes())["manifest.json"])["signature"]["algorithm"] == (
        "Ed25519")
    res = run_cli(capsys, "verify", str(out), "--public-key", str(estate.public_key))
    assert res.code == 0, res.err
    assert "OK" in res.out and "6 chained run(s)" in res.out


def test_cli_type1_as_of_takes_the_latest_complete_run(estate: Estate, tmp_path: Path,
                                                       capsys: Capsys) -> None:
    out = tmp_path / "type1.zip"
    res = run_cli(capsys, "--config", str(_config(tmp_path)), "--db", estate.url, "export",
                  "--as-of", "2026-01-03", "-o", str(out))
    assert res.code == 0, res.err
    files = members(out.read_bytes())
    assert [n for n in files if n.startswith("runs/")] == [f"runs/{estate.history.run_ids[2]}.json"]
    manifest = json.loads(files["manifest.json"])
    assert manifest["kind"] == "type1" and manifest["period"]["as_of"] == "2026-01-03"
    assert run_cli(capsys, "verify", str(out)).code == 0


@pytest.mark.parametrize("args, message", [
    (["--from", "2025-01-01", "--to", "2025-01-31"], "no sealed run"),
    (["--from", "2026-01-05", "--to", "2026-01-01"], "before"),
    (["--as-of", "2026-01-03", "--from", "2026-01-01"], "either --as-of"),
    (["--from", "2026-01-01"], "both required"),
    (["--from", "2026-01-01", "--to", "2026-01-06", "--criteria", "CC9.9"], "CC9.9"),
    (["--from", "2026-01-01", "--to", "2026-01-06", "-o", "s3://x"], "s3://"),
    (["--from", "2026-13-01", "--to", "2026-01-06"], "2026-13-01"),
])
def test_cli_usage_errors_exit_2_with_one_line(estate: Estate, tmp_path: Path, capsys: Capsys,
                                               args: list[str], message: str) -> None:
    if "-o" not in args:
        args = [*args, "-o", str(tmp_path / "b.zip")]
    res = run_cli(capsys, "--config", str(_config(tmp_path)), "--db", estate.url, "export",
                  *args)
    assert res.code == 2
    assert message in res.err and "Traceback" not in res.err
    assert not (tmp_path / "b.zip").exists()


def test_cli_bad_signing_key_exits_2(estate: Estate, tmp_path: Path, capsys: Capsys) -> None:
    key = tmp_path / "not-a-key.pem"
    key.write_text("hello")
    res = run_cli(capsys, "--config", str(_config(tmp_path, signing_key=str(key))), "--db",
                  estate.url, "export", "--from", str(START), "--to", str(END), "-o",
                  str(tmp_path / "b.zip"))
    assert res.code == 2 and "signing_key" in res.err and "Ed25519" in res.err


def test_keygen_writes_a_private_key_0600_and_refuses_to_overwrite(tmp_path: Path,
                                                                   capsys: Capsys) -> None:
    priv, pub = tmp_path / "k.pem", tmp_path / "k.pub.pem"
    old = os.umask(0)
    try:
        res = run_cli(capsys, "keygen", "--private-key", str(priv), "--public-key", str(pub))
    finally:
        os.umask(old)
    assert res.code == 0, res.err
    assert stat.S_IMODE(priv.stat().st_mode) == 0o600
    assert b"BEGIN PRIVATE KEY" in priv.read_bytes() and b"BEGIN PUBLIC KEY" in pub.read_bytes()
    before = priv.read_bytes()
    res = run_cli(capsys, "keygen", "--private-key", str(priv), "--public-key", str(pub))
    assert res.code == 2 and "already exists" in res.err
    assert priv.read_bytes() == before


def test_results_csv_rows_quote_and_prefix_error_codes_like_the_results_command() -> None:
    from collector.export.csv import _render
    from collector.results import ResultRow

    body = json.dumps({"results": [
        {"resource_id": "arn:a", "status": "error", "message": "denied, twice\nreally",
         "error_code": "AccessDenied"},
        {"resource_id": "arn:b", "status": "pass", "message": 'said "ok"', "error_code": None,
         "region": "eu-west-1"}]}).encode()
    lines = _render(body, "aws", "111", "us-east-1", "aws_x", ("CC6.1", "CC7.2"))
    rows = list(csv.reader(io.StringIO("".join(lines))))
    expected = [ResultRow("", "", "aws", "111", "us-east-1", "aws_x", "arn:a", "error",
                          ("CC6.1", "CC7.2"), "denied, twice\nreally", "AccessDenied"),
                ResultRow("", "", "aws", "111", "eu-west-1", "aws_x", "arn:b", "pass",
                          ("CC6.1", "CC7.2"), 'said "ok"', None)]
    assert len(lines) == 2
    for row, want in zip(rows, expected, strict=True):
        contract = want.contract()
        assert row == [";".join(v) if isinstance(v, list) else str(v)
                       for k, v in contract.items() if k not in ("run_id", "observed_at")]
    assert rows[0][-1] == "AccessDenied: denied, twice\nreally"
