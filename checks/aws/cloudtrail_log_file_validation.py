"""CloudTrail: log file integrity validation on every trail."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks.aws._cloudtrail import judge_trails
from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_cloudtrail_log_file_validation",
    criteria=("CC7.2", "CC7.3"),
    permissions=("cloudtrail:DescribeTrails",),
    scoping="global",
)
def cloudtrail_log_file_validation(ctx: AwsApi) -> Iterator[Result]:
    """CloudTrail trails write signed digest files, so log tampering can be detected.

    Once per account: every trail listed by DescribeTrails in the run's regions (a multi-region
    trail homed in a region the run does not cover included) is judged once, with its home
    region as the result's region (resource: the trail ARN). Pass: LogFileValidationEnabled is
    true. Fail: it is false or absent. Not applicable: nothing (an account without trails gets
    no result here; aws_cloudtrail_multi_region_enabled fails it). A region whose
    DescribeTrails fails is an `error` (account ARN, that region); the other regions' trails
    are still judged.

    How to fix: Turn on log file integrity validation so CloudTrail writes signed digest files.
    Console: CloudTrail > Trails > trail > General details > Edit > Log file validation
    CLI: aws cloudtrail update-trail --name <trail> --enable-log-file-validation
    Terraform:
        resource "aws_cloudtrail" "main" {
          enable_log_file_validation = true
        }
    Docs: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-enabling.html
    """
    def judge(home: AwsApi, trail: dict[str, Any]) -> list[Result]:
        return [Result.of(trail["TrailARN"], bool(trail.get("LogFileValidationEnabled")),
                          "log file validation is enabled", "log file validation is disabled")]

    yield from judge_trails(ctx, judge)
