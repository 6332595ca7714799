"""Accepted risks in the period report: failures stay failures, counted apart while a risk is in
force; pass rates with and without them; exceptions annotated; the risks listed (SQLite and
PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from collector.report.accepted import last_failing
from collector.report.exceptions import ExceptionInterval, UnknownSpan
from collector.report.model import PeriodReport
from collector.report.period import build_period_report
from collector.risks.book import RiskBook
from config.criteria import load_catalog
from config.settings import Settings
from storage import Repository
from tests.collector.report.accepting import IAM, S3, accepted_history
from tests.collector.report.history import day
from tests.support.cli import run_cli

CAT = load_catalog()
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def build(repo: Repository, end: int = 6, **kw: object) -> PeriodReport:
    return build_period_report(repo, CAT, Settings.model_validate({"schedule": "0 3 * * *"}),
                               date(2026, 1, 1), date(2026, 1, end), now=NOW,
                               **kw)  # type: ignore[arg-type]


def test_failures_stay_failures_and_accepted_ones_are_counted_apart(repo: Repository) -> None:
    accepted_history(repo)
    rep = build(repo)
    s3 = next(c for c in rep.checks if c.id == S3).coverage
    assert (s3.passed, s3.failed, s3.failed_accepted) == (8, 16, 10)
    assert s3.pass_rate == round(8 / 24, 6)
    assert s3.pass_rate_excluding_accepted == round(8 / 14, 6)
    cc61 = next(c for c in rep.criteria if c.id == "CC6.1").coverage
    assert (cc61.failed, cc61.failed_accepted) == (16, 10)
    iam = next(c for c in rep.checks if c.id == IAM).coverage
    assert (iam.failed_accepted, iam.pass_rate, iam.pass_rate_excluding_accepted) == (0, 1, 1)
    # the same history without any risk: every count but the accepted ones is unchanged
    bare = build(repo, book=RiskBook([]))
    plain = next(c for c in bare.checks if c.id == S3).coverage
    assert (plain.failed, plain.failed_accepted, plain.pass_rate_excluding_accepted) == (
        16, 0, plain.pass_rate)
    assert [e.accepted_risk for e in bare.exceptions] == [None, None, None]


def test_a_risk_applies_only_while_in_force_day_by_day(repo: Repository) -> None:
    accepted_history(repo)
    rep = build(repo)
    # day 1: RISK-SITE not yet effective; day 2: all three accepted; day 3: RISK-REV revoked;
    # day 4 on: RISK-OLD expired, so only the site's failure is accepted
    assert rep.daily.criteria["CC6.1"] == "faffff"
    assert rep.daily.criteria["CC6.2"] == "pppppp"
    assert rep.daily.start == date(2026, 1, 1) and rep.daily.codes["a"].startswith("fail")


def test_exceptions_carry_the_risk_in_force_when_last_observed(repo: Repository) -> None:
    accepted_history(repo)
    got = {e.resource_id: (e.fixed_at is None, e.accepted_risk) for e in build(repo).exceptions}
    # old: expired before its last observation; rev: revoked before its last failing run
    assert got == {"old": (True, None), "rev": (False, None), "site": (True, "RISK-SITE")}
    early = {e.resource_id: e.accepted_risk for e in build(repo, end=2).exceptions}
    assert early == {"old": "RISK-OLD", "rev": "RISK-REV", "site": "RISK-SITE"}


def test_risks_overlapping_the_period_with_status_and_what_they_accepted(
        repo: Repository) -> None:
    accepted_history(repo)
    rows = {r.risk_id: r for r in build(repo).risks}
    assert {k: (r.status, r.failed_accepted, r.criteria) for k, r in rows.items()} == {
        "RISK-LATE": ("active", 0, ()), "RISK-OLD": ("expired", 3, ("CC6.1",)),
        "RISK-REV": ("revoked", 2, ("CC6.1",)), "RISK-SITE": ("active", 5, ("CC6.1",))}
    assert rows["RISK-REV"].revoked_at is not None and rows["RISK-SITE"].revoked_at is None
    assert rows["RISK-SITE"].approver == "ciso@example.com"
    as_of_4 = build(repo, as_of=date(2026, 1, 4))
    assert "RISK-LATE" not in {r.risk_id for r in as_of_4.risks}  # approved on day 5
    d = build(repo).to_dict()
    assert set(d["risks"][0]) >= {"risk_id", "check", "resource", "provider", "scope", "region",
                                  "reason", "approver", "approved_at", "effective_from",
                                  "expires", "backdated", "ticket", "status", "revoked_at"}
    assert d["checks"][1]["coverage"]["failed_accepted"] == 10
    assert {e["resource_id"]: e["accepted_risk"] for e in d["exceptions"]}["site"] == (
        "RISK-SITE")


def test_a_risk_revoked_after_the_as_of_day_still_applies_then(repo: Repository) -> None:
    accepted_history(repo)
    rep = build(repo, end=6, as_of=date(2026, 1, 2))
    assert next(r for r in rep.risks if r.risk_id == "RISK-REV").status == "active"
    assert rep.daily.criteria["CC6.1"] == "fannnn"


def _interval(unknown: tuple[UnknownSpan, ...] = (), fixed: int | None = None) -> (
        ExceptionInterval):
    return ExceptionInterval("c", "r", "aws", "s", "g", ("CC6.1",), day(1), day(fixed) if fixed
                             else None, None, 0, False, "", "run-1", None, unknown)


@pytest.mark.parametrize("interval, expected", [
    (_interval(), 6),  # open: the last observation
    (_interval(fixed=4), 3),  # fixed on day 4: day 3 was the last failing observation
    (_interval((UnknownSpan(day(5), None, "error"),)), 4),  # unknown since day 5
    (_interval((UnknownSpan(day(2), day(4), "error"),), fixed=5), 4),  # day 4 known again
    (_interval((UnknownSpan(day(2), day(5), "error"),), fixed=5), 1),  # unknown until fixed
])
def test_last_failing_observation(interval: ExceptionInterval, expected: int) -> None:
    assert last_failing(interval, [day(n) for n in range(1, 7)]) == day(expected)


def test_cli_table_and_json_show_accepted_failures_apart(
        repo: Repository, db_url: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    accepted_history(repo)
    config = tmp_path / "evidence.yaml"
    config.write_text("schedule: '0 3 * * *'\n")
    args = ("--config", str(config), "--db", db_url, "report", "--from", "2026-01-01", "--to",
            "2026-01-06")
    table = run_cli(capsys, *args)
    assert table.code == 0, table.err
    assert "Accepted risks (4)" in table.out and "RISK-SITE" in table.out
    assert "Excl. acc." in table.out and "57.1%" in table.out and "33.3%" in table.out
    data = json.loads(run_cli(capsys, *args, "--format", "json").out)
    s3 = next(c for c in data["checks"] if c["id"] == S3)["coverage"]
    assert (s3["failed"], s3["failed_accepted"], s3["pass_rate_excluding_accepted"]) == (
        16, 10, round(8 / 14, 6))
    assert data["daily"]["criteria"]["CC6.1"] == "faffff"
    assert [r["risk_id"] for r in data["risks"]] == ["RISK-LATE", "RISK-OLD", "RISK-REV",
                                                     "RISK-SITE"]
