"""CloudTrail: log file integrity validation on every trail."""

from __future__ import annotations

from collections.abc import Iterator

from collector.cloud.aws import AwsContext
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_cloudtrail_log_file_validation",
    criteria=("CC7.2", "CC7.3"),
    permissions=("cloudtrail:DescribeTrails",),
)
def cloudtrail_log_file_validation(ctx: AwsContext) -> Iterator[Result]:
    """CloudTrail trails write signed digest files, so log tampering can be detected.

    Regional: each region reports the trails homed there (DescribeTrails without shadow trails),
    so a multi-region trail is judged once, in its home region. One result per trail (its ARN).
    """
    body = ctx.call("cloudtrail", "describe_trails", includeShadowTrails=False)
    for trail in body["trailList"]:
        if trail.get("HomeRegion", ctx.region) != ctx.region:
            continue
        yield Result.of(
            trail["TrailARN"],
            bool(trail.get("LogFileValidationEnabled")),
            "log file validation is enabled",
            "log file validation is disabled",
        )
