"""Accepted risks in the bundle: OSCAL risks with status deviation-approved (valid against NIST's
schema), unaccepted failures still not-satisfied findings, summary.csv counting accepted
failures apart, and a Type I bundle rendered from the same report model (SQLite, PostgreSQL)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from collector.export.export import write_bundle
from collector.export.source import select_as_of, select_period
from config.criteria import load_catalog
from config.settings import Settings
from storage import Repository
from tests.collector.export.test_oscal import errors
from tests.collector.export.zips import members
from tests.collector.report.accepting import accepted_history
from tests.collector.report.conftest import repo

__all__ = ["repo"]
from tests.collector.report.history import add_run, day, put_mapping

SETTINGS = Settings.model_validate({"schedule": "0 3 * * *"})


def bundle(repo: Repository, type1: bool = False, end: int = 6,
           criteria: tuple[str, ...] = ()) -> dict[str, bytes]:
    out = io.BytesIO()
    sel = (select_as_of(repo, date(2026, 1, end), criteria) if type1 else
           select_period(repo, date(2026, 1, 1), date(2026, 1, end), criteria))
    write_bundle(repo, load_catalog(), SETTINGS, sel, out, tool_version="0.1.0", signer=None)
    return members(out.getvalue())


def result_of(files: dict[str, bytes]) -> dict[str, Any]:
    doc = json.loads(files["oscal/assessment-results.json"])
    assert errors(doc) == []
    return doc["assessment-results"]["results"][0]


def test_accepted_failures_are_approved_deviations(repo: Repository) -> None:
    accepted_history(repo)
    files = bundle(repo)
    doc = json.loads(files["oscal/assessment-results.json"])
    result = result_of(files)
    risks = {next(p["value"] for p in r["props"] if p["name"] == "risk-id"): r
             for r in result["risks"]}
    assert set(risks) == {"RISK-OLD", "RISK-REV", "RISK-SITE"}  # RISK-LATE accepted nothing
    site = risks["RISK-SITE"]
    assert site["status"] == "deviation-approved" and site["description"] == "site by design"
    props = {p["name"]: p["value"] for p in site["props"]}
    assert props["approver"] == "ciso@example.com" and props["effective-from"] == "2026-01-02"
    assert props["expires"] == "2026-01-30" and props["accepted-failures"] == "5"
    assert site["deadline"] == "2026-01-31T00:00:00Z"
    assert site["links"] == [{"href": "https://tickets.example.com/SEC-1", "rel": "reference",
                              "text": "ticket"}]
    approval = site["risk-log"]["entries"][0]
    assert approval["status-change"] == "deviation-approved"
    party = {p["uuid"]: p["name"] for p in doc["assessment-results"]["metadata"]["parties"]}
    assert party[approval["logged-by"][0]["party-uuid"]] == "ciso@example.com"
    assert [e["status-change"] for e in risks["RISK-REV"]["risk-log"]["entries"]] == [
        "deviation-approved", "open"]  # revoked
    assert risks["RISK-OLD"]["risk-log"]["entries"][1]["title"] == "Acceptance expired"
    finding = next(f for f in result["findings"] if f["target"]["target-id"] == "CC6.1")
    assert finding["target"]["status"] == {"state": "not-satisfied", "reason": "fail"}
    assert {r["risk-uuid"] for r in finding["related-risks"]} == {r["uuid"]
                                                                  for r in risks.values()}
    assert "10 of the failing results were accepted" in finding["description"]
    row = next(r for r in csv.DictReader(io.StringIO(files["summary.csv"].decode()))
               if r["criterion_id"] == "CC6.1")
    assert (row["failed"], row["failed_accepted"], row["pass_rate"],
            row["pass_rate_excluding_accepted"]) == ("16", "10", "33.33", "57.14")


def test_a_criterion_whose_failures_are_all_accepted_is_satisfied(repo: Repository) -> None:
    accepted_history(repo)  # on day 2 every failure is accepted
    result = result_of(bundle(repo, type1=True, end=2))
    finding = next(f for f in result["findings"] if f["target"]["target-id"] == "CC6.1")
    assert finding["target"]["status"] == {"state": "satisfied", "reason": "pass"}
    assert len(finding["related-risks"]) == 3
    iam = next(f for f in result["findings"] if f["target"]["target-id"] == "CC6.2")
    assert "related-risks" not in iam


def test_without_risks_there_are_no_oscal_risks(repo: Repository) -> None:
    m = put_mapping(repo, {"aws_s3_check": ["CC6.1"]})
    add_run(repo, "run-1", day(1), {"aws_s3_check": [("a", "fail"), ("b", "pass")]}, mapping=m)
    files = bundle(repo, end=1)
    result = result_of(files)
    assert "risks" not in result
    assert "parties" not in json.loads(files["oscal/assessment-results.json"])[
        "assessment-results"]["metadata"]
    finding = result["findings"][0]
    assert finding["target"]["status"]["state"] == "not-satisfied"
    assert "accepted" not in finding["description"]


def test_type1_and_type2_bundles_are_one_report_model(repo: Repository) -> None:
    accepted_history(repo)
    one = bundle(repo, type1=True, end=6)
    two = bundle(repo, end=6)
    rows1 = {r["criterion_id"]: r for r in csv.DictReader(io.StringIO(one["summary.csv"].decode()))}
    rows2 = {r["criterion_id"]: r for r in csv.DictReader(io.StringIO(two["summary.csv"].decode()))}
    assert rows1.keys() == rows2.keys()
    # the last run alone: 2 failures, the site's accepted
    assert (rows1["CC6.1"]["failed"], rows1["CC6.1"]["failed_accepted"]) == ("2", "1")
    assert rows1["CC6.1"]["exceptions"] == "2"
    for cid, row in rows1.items():  # the same gap rule, without schedule days in a Type I
        reasons = [r for r in rows2[cid]["gap"].split("; ") if "scheduled day" not in r]
        assert row["gap"] == "; ".join(reasons), cid
    narrowed = bundle(repo, criteria=("CC6.2",))
    assert [r["criterion_id"] for r in
            csv.DictReader(io.StringIO(narrowed["summary.csv"].decode()))] == ["CC6.2"]
    assert "risks" not in result_of(narrowed)
