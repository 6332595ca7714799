"""The Type II period report over histories stored through the repository."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete

from collector.report.model import PeriodReport
from collector.report.period import ReportError, build_period_report
from config.criteria import load_catalog
from config.settings import Settings
from storage import Repository
from storage.errors import IndexTampered
from storage.models import ResultChange, table_of
from tests.collector.report.history import add_run, day, put_mapping

CAT = load_catalog()
S3 = "aws_s3_check"
IAM = "aws_iam_check"


def settings(**extra: object) -> Settings:
    return Settings.model_validate({"schedule": "0 3 * * *", **extra})


def build(repo: Repository, cfg: Settings | None = None, start: int = 1, end: int = 5,
          as_of: date | None = None) -> PeriodReport:
    return build_period_report(repo, CAT, cfg or settings(), day(start).date(), day(end).date(),
                               as_of=as_of)


def history(repo: Repository) -> None:
    """Days 1-5: r2 fails from day 1 to day 4 (an error on day 3 does not fix it), r1 fails on
    day 2 only, r3 fails on day 4 and is removed on day 5; IAM is partial on day 5."""
    m = put_mapping(repo, {S3: ["CC6.1"], IAM: ["CC6.2"]})
    days = {
        1: [("r1", "pass"), ("r2", "fail"), ("r3", "pass")],
        2: [("r1", "fail"), ("r2", "fail"), ("r3", "pass")],
        3: [("r1", "pass"), ("r2", "error"), ("r3", "pass")],
        4: [("r1", "pass"), ("r2", "pass"), ("r3", "fail")],
        5: [("r1", "pass"), ("r2", "pass")],
    }
    for n, s3 in days.items():
        add_run(repo, f"run-{n}", day(n), {S3: s3, IAM: [("u1", "pass")]}, mapping=m,
                status="partial" if n == 5 else "complete")


def test_exceptions_are_intervals_from_first_failure_to_fix(repo: Repository) -> None:
    history(repo)
    rep = build(repo)
    got = [(e.resource_id, e.first_seen.day, e.fixed_at.day if e.fixed_at else None,
            e.fixed_by, e.carried_in) for e in rep.exceptions]
    assert got == [("r2", 1, 4, "pass", True), ("r1", 2, 3, "pass", False),
                   ("r3", 4, 5, "absent", False)]
    r2 = rep.exceptions[0]
    assert r2.duration == timedelta(days=3) and r2.criteria == ("CC6.1",)
    assert r2.first_run_id == "run-1" and r2.fixed_run_id == "run-4"


def test_as_of_shows_the_state_on_that_day(repo: Repository) -> None:
    history(repo)
    rep = build(repo, as_of=day(2).date())
    assert rep.as_of == day(2).date() and [r.run_id for r in rep.runs] == ["run-1", "run-2"]
    open_ = {e.resource_id: e for e in rep.exceptions}
    assert set(open_) == {"r1", "r2"} and all(e.fixed_at is None for e in open_.values())
    end_of_day_2 = datetime(2026, 1, 3, tzinfo=UTC)
    assert open_["r1"].duration_s == int((end_of_day_2 - day(2, 3) - timedelta(minutes=1))
                                         .total_seconds())
    cc61 = next(c for c in rep.criteria if c.id == "CC6.1")
    assert cc61.coverage.runs_expected == 2 and cc61.coverage.open_exceptions == 2


def test_runs_expected_complete_partial_gaps_and_stale_days(repo: Repository) -> None:
    m = put_mapping(repo, {S3: ["CC6.1"]})
    for n, status in ((1, "complete"), (2, "complete"), (5, "partial")):
        add_run(repo, f"run-{n}", day(n), {S3: [("r1", "pass")]}, mapping=m, status=status)
    rep = build(repo)
    cov = next(c for c in rep.checks if c.id == S3).coverage
    assert (cov.runs_expected, cov.runs_complete, cov.runs_partial) == (5, 2, 1)
    assert (cov.gap_days, cov.stale_days) == (2, 1)  # days 3-4 missed; day 4's evidence is 2 d old
    assert cov.pass_rate == 1.0
    assert rep.collections == 3 and rep.collections_complete == 2


def test_each_run_is_read_with_the_mapping_it_recorded(repo: Repository) -> None:
    old = put_mapping(repo, {S3: ["CC6.1"]})
    new = put_mapping(repo, {S3: ["CC7.1"]})
    add_run(repo, "run-1", day(1), {S3: [("r1", "fail")]}, mapping=old)
    add_run(repo, "run-2", day(2), {S3: [("r1", "pass"), ("r2", "pass")]}, mapping=new)
    rep = build(repo, end=2)
    rows = {c.id: c for c in rep.criteria}
    assert rows["CC6.1"].checks == (S3,) and rows["CC6.1"].coverage.failed == 1
    assert rows["CC6.1"].coverage.passed == 0
    assert rows["CC7.1"].coverage.passed == 2 and rows["CC7.1"].coverage.failed == 0
    assert rep.exceptions[0].criteria == ("CC6.1",)
    assert next(c for c in rep.checks if c.id == S3).criteria == ("CC6.1", "CC7.1")


def test_out_of_scope_categories_are_shown_but_never_gaps(repo: Repository) -> None:
    m = put_mapping(repo, {S3: ["CC6.1"]})
    add_run(repo, "run-1", day(1), {S3: [("r1", "pass")]}, mapping=m)
    rep = build(repo, settings(soc2={"categories": ["security"]}), end=3)
    rows = {c.id: c for c in rep.criteria}
    assert len(rows) == 61
    assert not rows["A1.2"].in_scope and rows["A1.2"].coverage.gap_days == 0
    assert rows["A1.2"].coverage.stale_days == 0 and rows["A1.2"].status == "none"
    assert rows["CC7.1"].in_scope and rows["CC7.1"].coverage.gap_days == 3  # no check ran
    assert rows["CC1.1"].coverage.gap_days == 0  # manual: judged by attachments, not days
    assert rows["CC6.1"].status in ("automated", "partial")


def test_attachments_status_and_expiry(repo: Repository) -> None:
    m = put_mapping(repo, {S3: ["CC6.1"]})
    add_run(repo, "run-1", day(1), {S3: [("r1", "pass")]}, mapping=m)
    common = {"filename": "policy.pdf", "attached_by": "alice", "attached_at": day(1)}
    repo.add_attachment(criterion_id="CC1.1", title="Code of conduct", data=b"v1",
                        valid_until=date(2026, 1, 3), **common)  # type: ignore[arg-type]
    repo.add_attachment(criterion_id="CC1.2", title="Board charter", data=b"b",
                        **common)  # type: ignore[arg-type]
    rep = build(repo)
    rows = {c.id: c for c in rep.criteria}
    assert rows["CC1.1"].attachments_expired == (1,) and rows["CC1.1"].status == "none"
    assert rows["CC1.2"].attachments_valid == (2,) and rows["CC1.2"].status == "attached"
    assert [a.expired for a in rep.attachments] == [True, False]
    early = build(repo, as_of=day(2).date())
    assert {c.id: c for c in early.criteria}["CC1.1"].status == "attached"


def test_controls_are_reported_beside_criteria(repo: Repository) -> None:
    m = put_mapping(repo, {S3: ["CC6.1"], IAM: ["CC6.2"]})
    for n in (1, 2, 3):
        add_run(repo, f"run-{n}", day(n), {S3: [("r1", "pass")], IAM: [("u", "fail")]},
                mapping=m)
    cfg = settings(controls=[
        {"id": "AC-01", "title": "Access", "criteria": ["CC6.1"], "checks": ["aws_iam_*"],
         "frequency": "daily"},
        {"id": "HR-01", "title": "Training", "criteria": ["CC1.4"], "frequency": "annual"}])
    rep = build(repo, cfg, end=3)
    ac, hr = rep.controls
    assert ac.id == "AC-01" and ac.checks == (IAM,) and ac.coverage.failed == 3
    assert ac.coverage.exceptions == 1 and ac.status == "automated"
    assert hr.checks == () and hr.status == "none" and hr.coverage.runs_complete == 0
    assert hr.coverage.gap_days == 0 and ac.coverage.gap_days == 0
    assert {c.id: c for c in rep.criteria}["CC6.1"].controls == ("AC-01",)


def test_shard_runs_of_one_collection_count_once(repo: Repository) -> None:
    m = put_mapping(repo, {S3: ["CC6.1"]})
    add_run(repo, "a", day(1), {S3: [("r1", "pass")]}, mapping=m, collection_id="slot-1")
    add_run(repo, "b", day(1, 4), {S3: [("r2", "pass")]}, mapping=m, region="eu-west-1",
            collection_id="slot-1", status="partial")
    rep = build(repo, end=1)
    cov = next(c for c in rep.checks if c.id == S3).coverage
    assert rep.collections == 1 and (cov.runs_complete, cov.runs_partial) == (0, 1)


def test_report_is_identical_twice_and_with_or_without_the_index(
        repo: Repository, db_url: str) -> None:
    history(repo)
    first = build(repo)
    assert first == build(repo)
    assert first.to_dict() == build(repo).to_dict()
    with repo.engine.begin() as conn:  # each run seals its index rows' digest: dropping
        conn.execute(delete(table_of(ResultChange)))  # them is an edit, and the report stops
    with Repository.open(db_url) as fresh, pytest.raises(IndexTampered, match="run run-1"):
        build(fresh)  # (a repository keeps the index rows it verified: a new process)


def test_bad_periods_are_refused(repo: Repository) -> None:
    with pytest.raises(ReportError, match="is after"):
        build(repo, start=5, end=1)
    with pytest.raises(ReportError, match="before --from"):
        build(repo, start=3, end=5, as_of=day(1).date())
