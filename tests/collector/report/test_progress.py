"""Periods in progress, the daily states, time to fix, coverage per category and remediation
(SQLite and PostgreSQL); the clock is a parameter (``now``)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from collector.plugin import discover
from collector.report.daily import day_codes, progress
from collector.report.model import PeriodReport
from collector.report.period import build_period_report
from config.criteria import load_catalog
from storage import Repository
from tests.collector.report.history import add_run, put_mapping
from tests.collector.report.test_period import IAM, S3, build, history, settings
from tests.support.cli import run_cli

CAT = load_catalog()


def december(repo: Repository, now: datetime, days: int = 4) -> PeriodReport:
    m = put_mapping(repo, {S3: ["CC6.1"]})
    for n in range(1, days + 1):
        add_run(repo, f"run-{n}", datetime(2026, 12, n, 3, tzinfo=UTC),
                {S3: [("r1", "pass")]}, mapping=m)
    return build_period_report(repo, CAT, settings(), date(2026, 12, 1), date(2026, 12, 31),
                               now=now)


def test_days_after_now_are_neither_expected_nor_gaps(repo: Repository) -> None:
    rep = december(repo, datetime(2026, 12, 4, 12, tzinfo=UTC))
    assert rep.runs_expected == 4 and rep.as_of == date(2026, 12, 4)
    cc61 = next(c for c in rep.criteria if c.id == "CC6.1")
    assert (cc61.coverage.runs_expected, cc61.coverage.gap_days, cc61.coverage.stale_days) == (
        4, 0, 0)
    cc71 = next(c for c in rep.criteria if c.id == "CC7.1")  # no check: gaps on elapsed days
    assert cc71.coverage.gap_days == 4
    assert (rep.progress.elapsed_days, rep.progress.total_days) == (4, 31)
    assert rep.progress.text() == "period in progress: 4 of 31 days elapsed"
    assert rep.daily.criteria["CC6.1"] == "pppp" + "n" * 27
    assert rep.to_dict()["progress"] == {"elapsed_days": 4, "total_days": 31,
                                         "in_progress": True}


def test_open_exceptions_run_to_the_latest_collection_due_while_in_progress(
        repo: Repository) -> None:
    """Not to the minute the report is made: the same database gives the same report until
    the next collection falls due (the schedule is 03:00 daily) or the day ends."""
    m = put_mapping(repo, {S3: ["CC6.1"]})
    add_run(repo, "run-1", datetime(2026, 12, 1, 3, tzinfo=UTC), {S3: [("r1", "fail")]},
            mapping=m)

    def at(now: datetime) -> PeriodReport:
        return build_period_report(repo, CAT, settings(), date(2026, 12, 1),
                                   date(2026, 12, 31), now=now)

    rep = at(datetime(2026, 12, 4, 12, tzinfo=UTC))
    [x] = rep.exceptions
    due = datetime(2026, 12, 4, 3, tzinfo=UTC)
    assert x.fixed_at is None and x.duration_s == int((due - x.first_seen).total_seconds())
    assert at(datetime(2026, 12, 4, 3, tzinfo=UTC)) == rep == at(
        datetime(2026, 12, 4, 23, 59, 59, tzinfo=UTC))
    later = at(datetime(2026, 12, 5, 3, tzinfo=UTC))
    assert later.exceptions[0].duration_s == x.duration_s + 86400
    # a run after the last slot due is evidence too: the exception lasts at least until then
    add_run(repo, "run-2", datetime(2026, 12, 4, 20, tzinfo=UTC), {S3: [("r1", "fail")]},
            mapping=m)
    [y] = at(datetime(2026, 12, 4, 21, tzinfo=UTC)).exceptions
    assert y.duration_s > int((datetime(2026, 12, 4, 20, tzinfo=UTC) - y.first_seen)
                              .total_seconds())


def test_today_counts_only_the_slots_that_have_come(repo: Repository) -> None:
    rep = december(repo, datetime(2026, 12, 4, 2, 59, tzinfo=UTC), days=3)
    assert rep.runs_expected == 3  # today's 03:00 collection is not due yet: no gap
    assert next(c for c in rep.criteria if c.id == "CC6.1").coverage.gap_days == 0
    assert rep.daily.criteria["CC6.1"][:4] == "pppp"  # the last evidence stands today


def test_a_period_over_is_not_in_progress_and_does_not_depend_on_now(repo: Repository) -> None:
    history(repo)
    one = build_period_report(repo, CAT, settings(), date(2026, 1, 1), date(2026, 1, 5),
                              now=datetime(2026, 3, 1, tzinfo=UTC))
    two = build_period_report(repo, CAT, settings(), date(2026, 1, 1), date(2026, 1, 5),
                              now=datetime(2027, 3, 1, tzinfo=UTC))
    assert one == two and not one.progress.in_progress and one.progress.text() == ""
    assert one.progress.elapsed_days == one.progress.total_days == 5
    skewed = build_period_report(repo, CAT, settings(), date(2026, 1, 1), date(2026, 1, 10),
                                 now=datetime(2026, 1, 2, tzinfo=UTC))
    assert skewed.progress.elapsed_days == 5 and len(skewed.runs) == 5  # runs prove their day
    before = build_period_report(repo, CAT, settings(), date(2026, 2, 1), date(2026, 2, 5),
                                 now=datetime(2026, 1, 20, tzinfo=UTC))
    assert before.progress.elapsed_days == 0 and before.runs == () and before.runs_expected == 0
    assert set(before.daily.criteria["CC6.1"]) == {"n"}


def test_daily_states_of_the_history(repo: Repository) -> None:
    history(repo)  # r2 errors on day 3 (r1 passes): no failure that day, an error
    rep = build(repo)
    assert rep.daily.criteria["CC6.1"] == "ffxfp"
    assert rep.daily.criteria["CC6.2"] == "ppppp"
    assert rep.daily.criteria["CC7.1"] == "ggggg"  # in scope, no check ran
    scoped = build(repo, settings(soc2={"categories": ["security"]}))
    assert scoped.daily.criteria["A1.2"] == "ooooo"


def test_day_codes_rules() -> None:
    d1 = date(2026, 1, 1)
    counts = {d1: [1, 0, 0, 0], d1 + timedelta(days=3): [0, 2, 0, 2]}
    weekly = {d1: 1, d1 + timedelta(days=3): 1}
    assert day_codes(counts, d1, d1 + timedelta(days=5), d1 + timedelta(days=4), in_scope=True,
                     scheduled=weekly, attached=()) == "pppaan"
    assert day_codes({}, d1, d1 + timedelta(days=2), d1 + timedelta(days=2), in_scope=True,
                     scheduled={d1: 1}, attached=((d1 + timedelta(days=1), None),)) == "gmm"
    assert progress(d1, d1 + timedelta(days=9), d1 + timedelta(days=20)).in_progress is False


def test_time_to_fix_median_and_90th_percentile(repo: Repository) -> None:
    history(repo)  # CC6.1: r1 fixed after 1 day, r3 deleted after 1 day, r2 fixed after 3 days
    ttf = {t.criterion: t for t in build(repo).time_to_fix}
    assert set(ttf) == {"CC6.1"}
    t = ttf["CC6.1"]
    assert (t.fixed, t.median_s, t.p90_s) == (3, 86400.0, 86400 + (259200 - 86400) * 0.8)
    open_only = {t.criterion: t for t in build(repo, end=2).time_to_fix}["CC6.1"]
    assert (open_only.fixed, open_only.median_s, open_only.p90_s) == (0, None, None)


def test_categories_coverage(repo: Repository) -> None:
    history(repo)
    rep = build(repo, settings(soc2={"categories": ["security", "availability"]}))
    cats = {c.category: c for c in rep.categories}
    assert set(cats) == {c.category for c in CAT}
    security = cats["security"]
    in_cat = [c for c in rep.criteria if c.category == "security"]
    assert security.in_scope and security.criteria == len(in_cat)
    assert security.evidenced == sum(1 for c in in_cat if c.status != "none") > 0
    assert security.coverage == round(security.evidenced / security.criteria, 6)
    assert cats["availability"].in_scope and not cats["privacy"].in_scope
    assert rep.in_scope == ("security", "availability")


def test_remediation_on_check_rows(repo: Repository) -> None:
    history(repo)
    fix = {"summary": "Block public access", "console": "S3 > bucket", "cli": "aws s3api ...",
           "docs": "https://docs.aws.amazon.com/"}
    rep = build_period_report(repo, CAT, settings(), date(2026, 1, 1), date(2026, 1, 5),
                              remediations={S3: fix})
    rows = {c.id: c for c in rep.checks}
    assert rows[S3].remediation == fix and rows[IAM].remediation is None
    assert rep.to_dict()["checks"][1]["remediation"] == fix


def test_cli_period_in_progress_and_remediation_of_installed_checks(
        repo: Repository, db_url: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    installed = next(c for c in discover() if c.remediation)
    today = datetime.now(UTC).date()
    m = put_mapping(repo, {installed.id: ["CC6.1"], S3: ["CC6.1"]})
    for n in range(4):  # midnight runs: today's slot has always come
        at = datetime.combine(today - timedelta(days=3 - n), datetime.min.time(), UTC)
        add_run(repo, f"run-{n}", at + timedelta(seconds=1),
                {installed.id: [("r1", "fail")], S3: [("r1", "pass")]}, mapping=m)
    config = tmp_path / "evidence.yaml"
    config.write_text("schedule: '0 0 * * *'\n")
    start, end = today - timedelta(days=3), today + timedelta(days=27)
    args = ("--config", str(config), "--db", db_url, "report", "--from", str(start), "--to",
            str(end))
    table = run_cli(capsys, *args)
    assert table.code == 0, table.err
    assert "period in progress: 4 of 31 days elapsed" in table.out
    assert "expected 4 collections" in table.out
    data = json.loads(run_cli(capsys, *args, "--format", "json").out)
    assert data["runs_expected"] == 4 and data["progress"]["elapsed_days"] == 4
    assert all(c["coverage"]["gap_days"] == 0 for c in data["criteria"] if c["id"] == "CC6.1")
    checks = {c["id"]: c for c in data["checks"]}
    assert installed.remediation is not None
    assert checks[installed.id]["remediation"] == installed.remediation.as_json()
    assert checks[S3]["remediation"] is None  # not an installed check
