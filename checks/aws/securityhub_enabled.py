"""Security Hub: enabled with at least one security standard."""

from __future__ import annotations

from collections.abc import Iterator

from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check

NOT_SUBSCRIBED = ("InvalidAccessException",)
"""What DescribeHub answers in a region where Security Hub is not enabled."""


@check(
    id="aws_securityhub_enabled",
    criteria=("CC4.1", "CC7.1"),
    permissions=("securityhub:DescribeHub", "securityhub:GetEnabledStandards"),
)
def securityhub_enabled(ctx: AwsApi) -> Iterator[Result]:
    """Security Hub is enabled, with at least one security standard, in every region in use.

    Regional. moto does not implement GetEnabledStandards; tested with recorded responses (and
    moto for the hub not being enabled). One result per region (resource: the hub ARN, or the
    account ARN where there is no hub). It passes when DescribeHub answers and a standard
    subscription is READY; a standard still PENDING, INCOMPLETE or FAILED does not count.
    Fail: DescribeHub answers InvalidAccessException (not enabled), or no standard is READY.
    Not applicable: never. Any other failed read is an `error` for the region.

    How to fix: Enable Security Hub with at least one standard (e.g. AWS Foundational Security Best
        Practices) in the region.
    Console: Security Hub > Go to Security Hub > Enable Security Hub
    CLI: aws securityhub enable-security-hub --enable-default-standards --region <region>
    Docs: https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-enable.html
    """
    hub = ctx.call("securityhub", "describe_hub", absent=NOT_SUBSCRIBED)
    if hub is None:
        yield Result.failed(ctx.account_arn, f"Security Hub is not enabled in {ctx.region}")
        return
    subs = ctx.paginate("securityhub", "get_enabled_standards", "StandardsSubscriptions")
    ready = [s["StandardsArn"] for s in subs if s.get("StandardsStatus") == "READY"]
    other = [f"{s['StandardsArn']} ({s.get('StandardsStatus')})" for s in subs
             if s.get("StandardsStatus") != "READY"]
    yield Result.of(
        hub.get("HubArn") or ctx.account_arn,
        bool(ready),
        "Security Hub is enabled with standard(s): " + ", ".join(ready),
        "Security Hub is enabled but no standard is active"
        + (": " + ", ".join(other) if other else ""),
    )
