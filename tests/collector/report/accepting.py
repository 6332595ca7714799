"""A history with accepted risks, recorded through the chained ledger as `evidence accept` does.

Days 1-6 of January 2026, check ``aws_s3_check`` (criterion CC6.1) and ``aws_iam_check``
(CC6.2, always passing):

- ``site`` fails every day; RISK-SITE accepts it from day 2 until day 30 (in force to the end);
- ``old`` fails every day; RISK-OLD accepts it from day 1 until day 3 (then it counts again);
- ``rev`` fails on days 1-4 and passes from day 5; RISK-REV accepts it from day 1 but is
  revoked on day 3 (in force on days 1 and 2 only);
- ``ok`` passes every day;
- RISK-LATE, approved on day 5 for ``ok``, covers nothing (a report as of day 4 does not know it).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from collector.risks.model import AcceptedRisk
from collector.risks.store import load_book, record_risk, revoke_risk
from storage import Repository
from tests.collector.report.history import add_run, day, put_mapping

S3, IAM = "aws_s3_check", "aws_iam_check"


def risk(risk_id: str, resource: str, start: int, end: int, approved: datetime | None = None,
         **extra: object) -> AcceptedRisk:
    """A risk on ``resource`` of the S3 check, in force from day ``start`` to day ``end``."""
    return AcceptedRisk(
        risk_id=risk_id, check="aws_s3_*", resource=resource, reason=f"{resource} by design",
        approver="ciso@example.com", approved_at=approved or day(1, 0),
        effective_from=date(2026, 1, start), expires=date(2026, 1, end),
        ticket="https://tickets.example.com/SEC-1", **extra)  # type: ignore[arg-type]


def accepted_history(repo: Repository) -> None:
    """Store the runs and the risks described in the module docstring."""
    m = put_mapping(repo, {S3: ["CC6.1"], IAM: ["CC6.2"]})
    for n in range(1, 7):
        s3 = [("ok", "pass"), ("old", "fail"), ("rev", "fail" if n <= 4 else "pass"),
              ("site", "fail")]
        add_run(repo, f"run-{n}", day(n), {S3: s3, IAM: [("u1", "pass")]}, mapping=m)
    for r in (risk("RISK-SITE", "site", 2, 30), risk("RISK-OLD", "old", 1, 3),
              risk("RISK-REV", "rev", 1, 20),
              risk("RISK-LATE", "ok", 5, 20, approved=day(5, 12))):
        record_risk(repo, r, load_book(repo))
    revoke_risk(repo, load_book(repo), "RISK-REV", "the bucket is being fixed", "ciso",
                at=day(3, 0) + timedelta(minutes=5))
