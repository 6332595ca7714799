"""GuardDuty: threat detection is on in every region in use."""

from __future__ import annotations

from collections.abc import Iterator

from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_guardduty_enabled",
    criteria=("CC6.8", "CC7.2"),
    permissions=("guardduty:ListDetectors", "guardduty:GetDetector"),
)
def guardduty_enabled(ctx: AwsApi) -> Iterator[Result]:
    """GuardDuty has an enabled detector in every region the run covers.

    Regional. One result per region (resource: the account ARN; the result's region tells the
    regions apart). It passes when a detector in the region has Status ENABLED; the message
    names it and whether an organisation administrator manages it is not judged here.
    Fail: no detector, or none ENABLED (a SUSPENDED detector is named). Not applicable: never.
    The reads are region-wide: a failed read is an `error` for the region.

    How to fix: Enable a GuardDuty detector in the region (or for the organisation from the
        delegated administrator).
    Console: GuardDuty > Get started > Enable GuardDuty
    CLI: aws guardduty create-detector --enable --region <region>
    Terraform:
        resource "aws_guardduty_detector" "main" {
          enable = true
        }
    Docs: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_settingup.html
    """
    ids = ctx.paginate("guardduty", "list_detectors", "DetectorIds")
    if not ids:
        yield Result.failed(ctx.account_arn, f"GuardDuty has no detector in {ctx.region}")
        return
    states = {d: ctx.call("guardduty", "get_detector", DetectorId=d).get("Status") for d in ids}
    enabled = [d for d, s in states.items() if s == "ENABLED"]
    yield Result.of(
        ctx.account_arn,
        bool(enabled),
        f"GuardDuty detector {', '.join(enabled)} is enabled in {ctx.region}",
        f"GuardDuty detector(s) in {ctx.region} are not enabled: "
        + ", ".join(f"{d} ({s})" for d, s in states.items()),
    )
