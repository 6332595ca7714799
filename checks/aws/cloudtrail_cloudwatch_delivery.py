"""CloudTrail: trails deliver to CloudWatch Logs, and delivery is current."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from checks.aws._cloudtrail import judge_trails
from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_cloudtrail_cloudwatch_delivery",
    criteria=("CC7.2",),
    permissions=("cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"),
    scoping="global",
)
def cloudtrail_cloudwatch_delivery(
    ctx: AwsApi, *, max_delivery_age_hours: int = 24
) -> Iterator[Result]:
    """CloudTrail trails send events to CloudWatch Logs, with a delivery in the last 24 hours.

    Once per account: every trail listed by DescribeTrails in the run's regions (a multi-region
    trail homed in a region the run does not cover included) is judged once, with its home
    region as the result's region (resource: the trail ARN); GetTrailStatus is read in that
    home region. Pass: CloudWatchLogsLogGroupArn is set and LatestCloudWatchLogsDeliveryTime is
    within `max_delivery_age_hours`. Fail: no log group, no delivery recorded, or an older one
    (LatestCloudWatchLogsDeliveryError is named). A trail whose GetTrailStatus fails is an
    `error` for that trail only. The delivery time is quoted in the message (a heartbeat: the
    stored response leaves it out). moto never reports a delivery time; the passing case is
    tested with recorded responses. Not applicable: nothing (an account without trails gets no
    result here; aws_cloudtrail_multi_region_enabled fails it). A region whose DescribeTrails
    fails is an `error` (account ARN, that region).

    How to fix: Send the trail to a CloudWatch Logs log group (with a role CloudTrail can assume)
        and make sure delivery succeeds.
    Console: CloudTrail > Trails > trail > CloudWatch Logs > Edit
    CLI: aws cloudtrail update-trail --name <trail> --cloud-watch-logs-log-group-arn <log-group-arn>
        --cloud-watch-logs-role-arn <role-arn>
    Docs: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
    """
    now = datetime.now(UTC)

    def judge(home: AwsApi, trail: dict[str, Any]) -> list[Result]:
        arn = trail["TrailARN"]
        group = trail.get("CloudWatchLogsLogGroupArn")
        if not group:
            return [Result.failed(arn, "the trail does not deliver to CloudWatch Logs")]
        status = home.call("cloudtrail", "get_trail_status", Name=arn)
        latest = status.get("LatestCloudWatchLogsDeliveryTime")
        error = status.get("LatestCloudWatchLogsDeliveryError")
        why = f"; latest delivery error: {error}" if error else ""
        if not isinstance(latest, datetime):
            return [Result.failed(arn, f"delivers to {group} but no delivery has been "
                                       f"recorded{why}")]
        latest = latest.astimezone(UTC)
        return [Result.of(
            arn,
            now - latest <= timedelta(hours=max_delivery_age_hours),
            f"delivers to {group}; latest delivery {latest:%Y-%m-%dT%H:%M:%SZ}",
            f"delivers to {group} but the latest delivery was {latest:%Y-%m-%dT%H:%M:%SZ}, "
            f"more than {max_delivery_age_hours} hours ago{why}",
        )]

    yield from judge_trails(ctx, judge)
