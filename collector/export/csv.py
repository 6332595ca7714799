"""summary.csv (one row per criterion) and results.csv (every result of the period).

summary.csv is rendered from the period report (``collector.export.summary.bundle_report``);
its last two columns count failing results an accepted risk covered (still failures in
``failed`` and ``pass_rate``) and give the pass rate without them.

results.csv has exactly the results contract's columns (:data:`collector.results.CONTRACT_COLUMNS`)
and rows as :class:`collector.results.ResultRow` renders them; it is streamed run by run. A result
set shared by many runs (an unchanged estate) is rendered once and reused with each run's id.
"""

from __future__ import annotations

import csv
import io
import json
from collections import OrderedDict
from collections.abc import Iterator, Sequence

from collector.export.bundle import buffered
from collector.export.source import RunReader
from collector.export.summary import gap_text
from collector.report.model import PeriodReport
from collector.results import CONTRACT_COLUMNS, ResultRow
from storage.canonical import format_utc

SUMMARY_COLUMNS = ("criterion_id", "title", "category", "in_scope", "automated_checks",
                   "checks", "passed", "failed", "errors", "not_applicable", "pass_rate",
                   "exceptions", "gap", "failed_accepted", "pass_rate_excluding_accepted")
CACHED_RESULT_SETS = 512
"""How many rendered result sets results.csv keeps for reuse across runs."""

_RENDERED = ("run_id", "observed_at", "provider", "scope", "region", "check_id", "resource_id",
             "status", "criteria", "message")
assert CONTRACT_COLUMNS == _RENDERED, "results.csv renders the contract's columns in this order"


def _line(values: Sequence[object]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def percent(rate: float | None) -> str:
    """A pass rate as a percentage with two decimals ("" when nothing was judged)."""
    return "" if rate is None else f"{rate * 100:.2f}"


def ratio(passed: int, failed: int) -> float | None:
    """passed / (passed + failed), unrounded (``None`` when nothing was judged)."""
    return passed / (passed + failed) if passed + failed else None


def summary_csv(report: PeriodReport, *, type1: bool = False) -> bytes:
    """summary.csv: one row per criterion (in catalog order)."""
    lines = [_line(SUMMARY_COLUMNS)]
    for row in report.criteria:
        c = row.coverage
        lines.append(_line([
            row.id, row.title, row.category, "yes" if row.in_scope else "no",
            len(row.checks), ";".join(row.checks), c.passed, c.failed, c.errors,
            c.not_applicable, percent(ratio(c.passed, c.failed)), c.exceptions,
            gap_text(row, type1=type1), c.failed_accepted,
            percent(ratio(c.passed, c.failed - c.failed_accepted))]))
    return "".join(lines).encode("utf-8")


def _render(body: bytes, provider: str, scope: str, region: str, check_id: str,
            criteria: tuple[str, ...]) -> list[str]:
    """The result set's rows without the run-specific columns (each line ends in newline).

    Rows are what :class:`ResultRow` holds; one is built only when the provider's error code
    must lead the message (the contract's rule lives there), so a year renders fast.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    crit = ";".join(criteria)
    ends: list[int] = []
    for r in json.loads(body)["results"]:
        message = r["message"]
        if r.get("error_code"):
            message = ResultRow(run_id="", observed_at="", provider=provider, scope=scope,
                                region=region, check_id=check_id, resource_id=r["resource_id"],
                                status=r["status"], criteria=criteria, message=message,
                                error_code=r["error_code"]).full_message
        writer.writerow((provider, r.get("scope") or scope, r.get("region") or region, check_id,
                         r["resource_id"], r["status"], crit, message))
        ends.append(out.tell())
    text = out.getvalue()
    starts = [0, *ends[:-1]] if ends else []  # a check with no resources has no rows
    return [text[a:b] for a, b in zip(starts, ends, strict=True)]


def _results_pieces(reader: RunReader) -> Iterator[str]:
    yield _line(CONTRACT_COLUMNS)
    cache: OrderedDict[tuple[object, ...], list[str]] = OrderedDict()
    for run, rs, _ in reader.result_sets():
        info = reader.mapping(run).get(rs.check_id)
        criteria = info.criteria if info else ()
        key = (rs.result_set_sha256, rs.provider, rs.scope, rs.region, rs.check_id, criteria)
        rendered = cache.get(key)
        if rendered is None:
            rendered = _render(reader.repo.get_blob(rs.result_set_sha256), rs.provider,
                               rs.scope, rs.region, rs.check_id, criteria)
            cache[key] = rendered
            if len(cache) > CACHED_RESULT_SETS:
                cache.popitem(last=False)
        else:
            cache.move_to_end(key)
        prefix = _line([run.run_id, format_utc(rs.observed_at)])[:-1] + ","
        yield "".join([prefix + line for line in rendered])


def results_csv(reader: RunReader) -> Iterator[bytes]:
    """results.csv in chunks of about 1 MiB."""
    return buffered(_results_pieces(reader))
