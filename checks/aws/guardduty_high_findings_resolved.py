"""GuardDuty: high-severity findings are resolved within the response SLA."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check, each
from storage.timestamps import timestamp_or_none

BATCH = 50
"""GetFindings accepts at most 50 finding ids per request."""
HIGH = 7.0


@check(
    id="aws_guardduty_high_findings_resolved",
    criteria=("CC4.2", "CC7.3", "CC7.4"),
    permissions=("guardduty:ListDetectors", "guardduty:ListFindings", "guardduty:GetFindings"),
)
def guardduty_high_findings_resolved(
    ctx: AwsApi, *, max_open_days: int = 7
) -> Iterator[Result]:
    """No high-severity GuardDuty finding stays open longer than the response SLA (7 days).

    Regional. moto does not implement GuardDuty findings; tested with recorded responses.
    Findings of severity >= 7 that are not archived are listed per detector (ListFindings with
    a server-side filter) and read in batches of 50. One result per such finding (resource: the
    finding ARN): it fails when it was first seen (CreatedAt) more than `max_open_days` ago.
    A detector with no open high-severity finding gives one passing result (resource: the
    detector ARN). A region without a detector gives none (aws_guardduty_enabled judges that).
    A detector whose findings cannot be listed is an `error` on the detector ARN; findings
    whose GetFindings batch fails are each an `error` (resource: the finding ARN).
    Not applicable: never; archived findings and findings below severity 7 are not judged
    (ListFindings filters them out).

    How to fix: Investigate and remediate the finding, then archive it (or suppress it with a
        reviewed rule if it is expected).
    Console: GuardDuty > Findings > finding > Actions > Archive
    CLI: aws guardduty archive-findings --detector-id <detector> --finding-ids <finding-id>
    Docs: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_remediate.html
    """
    now = datetime.now(UTC)
    limit = timedelta(days=max_open_days)
    criteria = {"Criterion": {"severity": {"GreaterThanOrEqual": int(HIGH)},
                              "service.archived": {"Equals": ["false"]}}}

    def verdict(finding: dict[str, Any]) -> Result:
        created = _instant(finding.get("CreatedAt"))
        days = (now - created).days if created else None
        what = (f"{finding.get('Type')} (severity {finding.get('Severity')}) open since "
                f"{finding.get('CreatedAt')}")
        return Result.of(
            finding["Arn"],
            created is not None and now - created <= limit,
            f"{what}: within the {max_open_days}-day SLA",
            f"{what}: {days} days, beyond the {max_open_days}-day SLA" if days is not None
            else f"{what}: age unknown",
        )

    def detector_findings(detector: str) -> Iterator[Result]:
        ids = ctx.paginate("guardduty", "list_findings", "FindingIds", DetectorId=detector,
                           FindingCriteria=criteria)
        if not ids:
            yield Result.passed(_detector_arn(ctx, detector), "no open high-severity finding")
            return
        batches = {fid: ids[i - i % BATCH:i - i % BATCH + BATCH] for i, fid in enumerate(ids)}

        def judge(fid: str) -> list[Result]:  # the batch holding it (one request per batch)
            body = ctx.call("guardduty", "get_findings", DetectorId=detector,
                            FindingIds=batches[fid])
            return [verdict(f) for f in body.get("Findings") or [] if f.get("Id") == fid]

        yield from each(ids, resource=lambda fid: ctx.arn(
            "guardduty", f"detector/{detector}/finding/{fid}"), judge=judge)

    yield from each(ctx.paginate("guardduty", "list_detectors", "DetectorIds"),
                    resource=lambda d: _detector_arn(ctx, d), judge=detector_findings)


def _detector_arn(ctx: AwsApi, detector: str) -> str:
    return ctx.arn("guardduty", f"detector/{detector}")


def _instant(value: object) -> datetime | None:
    """GuardDuty timestamps are ISO-8601 strings (e.g. 2026-11-20T10:00:00.000Z)."""
    return timestamp_or_none(value)
