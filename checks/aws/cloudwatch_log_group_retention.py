"""CloudWatch Logs: log groups keep their events for at least a minimum period."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_cloudwatch_log_group_retention",
    criteria=("CC7.2",),
    permissions=("logs:DescribeLogGroups",),
)
def cloudwatch_log_group_retention(
    ctx: AwsApi, *, min_days: int = 365, log_groups: tuple[str, ...] = ("*",)
) -> Iterator[Result]:
    """CloudWatch log groups retain log events for at least the minimum period (365 days).

    Regional. One result per log group whose name matches `log_groups` (shell globs; every group
    by default — narrow it to the security and audit groups in evidence.yaml); resource: the
    log group ARN. Pass: retentionInDays >= `min_days` (where an account-level retention
    policy applies, retentionPolicyName is set and retentionInDays is that policy's), or no
    retentionInDays at all (CloudWatch Logs keeps log data indefinitely by default). Fail: a
    shorter retention. Not applicable: groups outside `log_groups` get no result.
    DescribeLogGroups is one region-wide listing: a failed read is an `error` for the region.

    How to fix: Set the log group's retention to at least the minimum number of days.
    Console: CloudWatch > Log groups > log group > Actions > Edit retention setting
    CLI: aws logs put-retention-policy --log-group-name <name> --retention-in-days 365
    Terraform:
        resource "aws_cloudwatch_log_group" "main" {
          retention_in_days = 365
        }
    Docs: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention
    """
    for group in ctx.paginate("logs", "describe_log_groups", "logGroups"):
        name = group["logGroupName"]
        if not any(fnmatch.fnmatchcase(name, p) for p in log_groups):
            continue
        arn = group.get("logGroupArn") or str(group.get("arn", "")).removesuffix(":*") or \
            ctx.arn("logs", f"log-group:{name}")
        days = group.get("retentionInDays")
        if days is None:
            yield Result.passed(arn, "events never expire (no retention limit)")
            continue
        yield Result.of(
            arn,
            int(days) >= min_days,
            f"events are kept {days} days (minimum {min_days})",
            f"events are kept only {days} days (minimum {min_days})",
        )
