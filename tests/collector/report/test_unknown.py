"""Reports never turn an error into a fix (issue 13, "Why" 1).

A resource whose result is ``error``, or which is missing from a result set that holds an error,
is unknown for that run: its exception stays open (an unknown span) and closes only on an
observed pass / not applicable, or on its deletion (missing from an error-free result set).
Each history is stored through the repository, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from html import escape
from pathlib import Path

import pytest

from collector.export.export import write_bundle
from collector.export.source import select_period
from collector.report.diff import diff_runs
from collector.report.exceptions import LEGEND, ExceptionInterval
from collector.report.history import sealed_chain
from collector.report.html import render_html
from collector.report.model import PeriodReport
from collector.report.period import RunMappings, build_period_report, period_runs
from collector.report.sample import build_population
from config.criteria import load_catalog
from config.settings import Settings
from storage import Repository, ResultSetRecord, RunRecord
from tests.collector.export.zips import members
from tests.collector.report.history import ACCOUNT, add_run, day, put_mapping
from tests.support.cli import run_cli

Capsys = pytest.CaptureFixture[str]
CAT = load_catalog()
KMS = "aws_kms_check"
SETTINGS = Settings.model_validate({"schedule": "0 3 * * *"})
SCOPE_ERROR = [(ACCOUNT, "error")]
"""The check errored for the whole scope (e.g. the listing was denied): one error result."""


def store(repo: Repository, days: Sequence[Sequence[tuple[str, str]]]) -> None:
    """Day n+1 holds ``days[n]``'s results of the KMS check (mapped to CC6.1)."""
    m = put_mapping(repo, {KMS: ["CC6.1"]})
    for n, results in enumerate(days, 1):
        add_run(repo, f"run-{n}", day(n), {KMS: list(results)}, mapping=m)


def report(repo: Repository, last: int) -> PeriodReport:
    return build_period_report(repo, CAT, SETTINGS, day(1).date(), day(last).date())


def only(rep: PeriodReport, rid: str = "key-1") -> ExceptionInterval:
    found = [e for e in rep.exceptions if e.resource_id == rid]
    assert len(found) == 1, rep.exceptions
    return found[0]


def at(n: int) -> datetime:
    """When day ``n``'s result set was observed (add_run: a minute after the run started)."""
    return day(n) + timedelta(minutes=1)


def test_a_scope_error_leaves_the_exception_open_until_the_pass(repo: Repository) -> None:
    """(a) failing; the check errors for the whole account; then passing: fixed at the pass."""
    store(repo, [[("key-1", "fail"), ("key-2", "pass")], SCOPE_ERROR,
                 [("key-1", "pass"), ("key-2", "pass")]])
    e = only(report(repo, 3))
    assert (e.fixed_at, e.fixed_by, e.fixed_run_id) == (at(3), "pass", "run-3")
    assert e.duration == timedelta(days=2) and e.unknown_s == 86400
    assert [(s.since, s.until, s.reason) for s in e.unknown] == [(at(2), at(3), "missing")]
    mid = only(report(repo, 2))  # as it stood after the error run: open, unknown
    assert mid.fixed_at is None and mid.fixed_by is None and mid.unknown_since == at(2)
    assert [x.id for x in report(repo, 3).checks] == [KMS]
    assert report(repo, 3).checks[0].coverage.errors == 1  # the error is still counted


def test_a_resource_whose_own_read_errors_stays_open_then_continues(repo: Repository) -> None:
    """(b) failing, then its own read errors twice: still open; failing again is the same
    interval, whose unknown span ended there; then a pass fixes it."""
    store(repo, [[("key-1", "fail"), ("key-2", "pass")],
                 [("key-1", "error"), ("key-2", "pass")],
                 [("key-1", "error"), ("key-2", "pass")]])
    e = only(report(repo, 3))
    assert e.fixed_at is None and e.unknown_since == at(2)
    assert [(s.since, s.until, s.reason) for s in e.unknown] == [(at(2), None, "error")]
    assert e.unknown_s == int((day(4, hour=0) - at(2)).total_seconds())  # to the period end
    add_run(repo, "run-4", day(4), {KMS: [("key-1", "fail"), ("key-2", "pass")]},
            mapping=put_mapping(repo, {KMS: ["CC6.1"]}))
    add_run(repo, "run-5", day(5), {KMS: [("key-1", "pass"), ("key-2", "pass")]},
            mapping=put_mapping(repo, {KMS: ["CC6.1"]}))
    e = only(report(repo, 5))
    assert (e.first_seen, e.fixed_at, e.fixed_by) == (at(1), at(5), "pass")
    assert [(s.since, s.until) for s in e.unknown] == [(at(2), at(4))]
    assert e.unknown_s == 2 * 86400 and e.unknown_since is None


def test_deletion_is_observed_only_by_an_error_free_listing(repo: Repository) -> None:
    """(c) failing, then absent from an error-free result set: closed as deleted (absent).
    Missing while the check errored (for the scope, or for another resource) is not deleted:
    the deletion is the first error-free result set that still does not list it."""
    store(repo, [[("key-1", "fail"), ("key-2", "fail"), ("key-3", "fail")],
                 [("key-2", "fail"), ("key-3", "fail")],
                 SCOPE_ERROR,
                 [("key-3", "error")],
                 [("key-3", "fail")]])
    rep = report(repo, 5)
    k1, k2, k3 = only(rep, "key-1"), only(rep, "key-2"), only(rep, "key-3")
    assert (k1.fixed_at, k1.fixed_by, k1.unknown) == (at(2), "absent", ())
    # key-2: missing on day 3 (scope error) and day 4 (key-3's read errored): unknown
    assert (k2.fixed_at, k2.fixed_by, k2.fixed_run_id) == (at(5), "absent", "run-5")
    assert [(s.since, s.until, s.reason) for s in k2.unknown] == [(at(3), at(5), "missing")]
    # key-3: missing on day 3, its own read errored on day 4, failing again on day 5
    assert k3.fixed_at is None and k3.unknown_since is None
    assert [(s.since, s.until, s.reason) for s in k3.unknown] == [
        (at(3), at(4), "missing"), (at(4), at(5), "error")]


def test_a_resource_first_seen_with_an_error_is_no_exception(repo: Repository) -> None:
    store(repo, [[("key-1", "error"), ("key-2", "pass")], [("key-2", "pass")]])
    rep = report(repo, 2)
    assert rep.exceptions == () and rep.checks[0].coverage.errors == 1


def test_the_legend_says_so_in_every_format(repo: Repository) -> None:
    store(repo, [[("key-1", "fail")], SCOPE_ERROR])
    rep = report(repo, 2)
    assert rep.to_dict()["legend"] == LEGEND and "never as a pass or a fix" in LEGEND
    page = render_html(rep)
    assert escape(LEGEND) in page and "open, unknown since 2026-01-02T03:01:00Z" in page
    assert "not listed, check errored" in page


def test_diff_calls_a_resource_missing_from_an_errored_set_unknown(repo: Repository) -> None:
    store(repo, [[("key-1", "fail"), ("key-2", "pass")], SCOPE_ERROR,
                 [("key-1", "error"), ("key-2", "pass")], [("key-2", "pass")]])
    d = diff_runs(repo, "run-1", "run-2")
    assert d.removed == () and d.fixes == ()
    assert sorted((i.resource_id, i.after) for i in d.unknown) == [("key-1", None),
                                                                 ("key-2", None)]
    d = diff_runs(repo, "run-1", "run-3")
    assert [(i.resource_id, i.after) for i in d.unknown] == [("key-1", "error")]
    d = diff_runs(repo, "run-1", "run-4")
    assert [i.resource_id for i in d.removed] == ["key-1"] and d.unknown == ()


def _population(repo: Repository, last: int) -> dict[date, tuple[int, int, int]]:
    runs = period_runs(sealed_chain(repo), day(1).date(), day(last).date())
    rows = repo.result_sets_of_runs([r.run_id for r in runs])
    mappings = RunMappings(repo)

    def counts(run: RunRecord, rs: ResultSetRecord) -> bool:
        return "CC6.1" in mappings.of(run).get(rs.check_id, ((), ""))[0]

    pop = build_population(runs, rows, counts, "daily", day(1).date(), day(last).date())
    return {o.start: (o.passed, o.failed, o.errors) for o in pop}


def _bundle(repo: Repository, last: int) -> dict[str, bytes]:
    out = io.BytesIO()
    write_bundle(repo, CAT, SETTINGS, select_period(repo, day(1).date(), day(last).date()), out,
                 tool_version="0.test", signer=None)
    return members(out.getvalue())


def test_sample_summary_csv_and_oscal_agree_with_the_report(repo: Repository) -> None:
    """(d) after the error run (period ends on day 2) and after the pass (day 3)."""
    store(repo, [[("key-1", "fail"), ("key-2", "pass")], SCOPE_ERROR,
                 [("key-1", "pass"), ("key-2", "pass")]])
    for last in (2, 3):
        rep = report(repo, last)
        crit = next(c for c in rep.criteria if c.id == "CC6.1")
        files = _bundle(repo, last)
        row = next(r for r in csv.DictReader(io.StringIO(files["summary.csv"].decode()))
                   if r["criterion_id"] == "CC6.1")
        assert (int(row["passed"]), int(row["failed"]), int(row["errors"]),
                int(row["exceptions"])) == (crit.coverage.passed, crit.coverage.failed,
                                            crit.coverage.errors, crit.coverage.exceptions)
        assert int(row["exceptions"]) == 1 and int(row["errors"]) == 1
        result = json.loads(files["oscal/assessment-results.json"])[
            "assessment-results"]["results"][0]
        obs = next(o for o in result["observations"] if o["props"][0]["value"] == KMS)
        assert [s["title"] for s in obs["subjects"]] == ["key-1"]
        finding = next(f for f in result["findings"] if f["target"]["target-id"] == "CC6.1")
        assert finding["target"]["status"] == {"state": "not-satisfied", "reason": "fail"}
        page = files["summary.html"].decode()
        assert escape(LEGEND) in page
        e = only(rep)
        if last == 2:
            assert e.fixed_at is None and "open, unknown since 2026-01-02" in page
        else:
            assert e.fixed_at == at(3) and "unknown since" not in page
        # the sample shows the error day as unknown (an error), not as passing
        assert _population(repo, last)[day(2).date()] == (0, 0, 1)
    assert _population(repo, 3)[day(3).date()] == (2, 0, 0)


def test_oscal_calls_a_criterion_with_errors_and_no_failure_unsatisfied(
        repo: Repository) -> None:
    store(repo, [[("key-1", "pass")], SCOPE_ERROR])
    result = json.loads(_bundle(repo, 2)["oscal/assessment-results.json"])[
        "assessment-results"]["results"][0]
    finding = next(f for f in result["findings"] if f["target"]["target-id"] == "CC6.1")
    assert finding["target"]["status"] == {"state": "not-satisfied", "reason": "other"}


def test_the_diff_and_report_commands_show_unknown(repo: Repository, db_url: str,
                                                   tmp_path: Path, capsys: Capsys) -> None:
    store(repo, [[("key-1", "fail"), ("key-2", "pass")], SCOPE_ERROR])
    config = tmp_path / "evidence.yaml"
    config.write_text("schedule: '0 3 * * *'\n")
    base = ("--config", str(config), "--db", db_url)
    res = run_cli(capsys, *base, "diff", "run-1", "run-2")
    assert res.code == 0, res.err
    assert "0 removed, 2 unknown" in res.out and "Unknown in run B" in res.out
    res = run_cli(capsys, *base, "report", "--from", "2026-01-01", "--to", "2026-01-02")
    assert res.code == 0, res.err
    flat = " ".join(res.out.split())
    assert "unknown since" in flat and "never as a pass or a fix" in flat
