"""CloudTrail: trails deliver to CloudWatch Logs, and delivery is current."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from checks.aws._cloudtrail import trails_homed_here
from collector.cloud.aws import AwsContext
from collector.cloud.base import CloudError
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_cloudtrail_cloudwatch_delivery",
    criteria=("CC7.2",),
    permissions=("cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"),
)
def cloudtrail_cloudwatch_delivery(
    ctx: AwsContext, *, max_delivery_age_hours: int = 24
) -> Iterator[Result]:
    """CloudTrail trails send events to CloudWatch Logs, with a delivery in the last 24 hours.

    Regional: each region reports the trails homed there. One result per trail (its ARN): it
    passes when CloudWatchLogsLogGroupArn is set and GetTrailStatus reports a
    LatestCloudWatchLogsDeliveryTime within `max_delivery_age_hours` of the check. The delivery
    time is quoted in the message: it is a heartbeat, so the stored response leaves it out.
    moto never reports a CloudWatch Logs delivery time; the passing case is tested with
    recorded responses.
    """
    now = datetime.now(UTC)
    for trail in trails_homed_here(ctx):
        arn = trail["TrailARN"]
        group = trail.get("CloudWatchLogsLogGroupArn")
        if not group:
            yield Result.failed(arn, "the trail does not deliver to CloudWatch Logs")
            continue
        try:
            status = ctx.call("cloudtrail", "get_trail_status", Name=arn)
        except CloudError as exc:
            yield Result.error(arn, f"could not read the trail's status ({exc.code})", exc.code)
            continue
        latest = status.get("LatestCloudWatchLogsDeliveryTime")
        error = status.get("LatestCloudWatchLogsDeliveryError")
        why = f"; latest delivery error: {error}" if error else ""
        if not isinstance(latest, datetime):
            yield Result.failed(arn, f"delivers to {group} but no delivery has been recorded{why}")
            continue
        latest = latest.astimezone(UTC)
        age = now - latest
        yield Result.of(
            arn,
            age <= timedelta(hours=max_delivery_age_hours),
            f"delivers to {group}; latest delivery {latest:%Y-%m-%dT%H:%M:%SZ}",
            f"delivers to {group} but the latest delivery was {latest:%Y-%m-%dT%H:%M:%SZ}, "
            f"more than {max_delivery_age_hours} hours ago{why}",
        )
