"""Which results are new failures and which are fixes: errors and absences are never fixes."""

from __future__ import annotations

from datetime import UTC, date, datetime

from collector.notify.events import compare
from collector.results import ResultRow
from collector.risks.book import RiskBook
from collector.risks.model import AcceptedRisk

DAY = date(2026, 12, 4)
SCOPES = {("aws", "111111111111")}


def row(resource: str, status: str, check: str = "aws_s3_public_access_blocked") -> ResultRow:
    return ResultRow("r", "2026-12-04T03:00:00Z", "aws", "111111111111", "global", check,
                     resource, status, ("CC6.1",), "m", None)


def test_new_failures_and_fixes() -> None:
    before = [row("a", "fail"), row("b", "pass"), row("c", "fail"), row("d", "fail"),
              row("e", "fail")]
    now = [row("a", "fail"), row("b", "fail"), row("c", "pass"), row("d", "error"),
           row("f", "fail")]  # e vanished
    new, fixed = compare(now, before, SCOPES, None, DAY)
    assert [i["resource_id"] for i in new] == ["b", "f"]
    assert [i["resource_id"] for i in fixed] == ["c"]  # d errored, e vanished: unknown


def test_an_accepted_failure_is_not_alerted_as_new() -> None:
    risk = AcceptedRisk("RISK-1", "aws_s3_*", "b", "website", "ciso",
                        datetime(2026, 12, 1, tzinfo=UTC), date(2026, 12, 1), date(2027, 1, 1))
    new, _ = compare([row("b", "fail"), row("x", "fail")], [], SCOPES, RiskBook([risk]), DAY)
    assert [i["resource_id"] for i in new] == ["x"]
    later, _ = compare([row("b", "fail")], [], SCOPES, RiskBook([risk]), date(2027, 1, 2))
    assert [i["resource_id"] for i in later] == ["b"]  # expired: it counts again
