"""CloudTrail: log files encrypted with a customer-managed KMS key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks.aws._cloudtrail import judge_trails
from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_cloudtrail_kms_encryption",
    criteria=("CC6.1", "CC7.2"),
    permissions=("cloudtrail:DescribeTrails",),
    scoping="global",
)
def cloudtrail_kms_encryption(ctx: AwsApi) -> Iterator[Result]:
    """CloudTrail log files are encrypted with a KMS key (SSE-KMS).

    Once per account: every trail listed by DescribeTrails in the run's regions (a multi-region
    trail homed in a region the run does not cover included) is judged once, with its home
    region as the result's region (resource: the trail ARN). Pass: KmsKeyId is set, so reading
    the logs needs kms:Decrypt on that key as well as S3 access. Fail: no KmsKeyId (the logs
    have S3-managed encryption, SSE-S3, only). Not applicable: nothing (an account without
    trails gets no result here; aws_cloudtrail_multi_region_enabled fails it). A region whose
    DescribeTrails fails is an `error` (account ARN, that region); the other regions' trails
    are still judged.

    How to fix: Encrypt the trail's log files with a customer-managed KMS key (SSE-KMS).
    Console: CloudTrail > Trails > trail > General details > Edit > Log file SSE-KMS encryption
    CLI: aws cloudtrail update-trail --name <trail> --kms-key-id <key-arn>
    Terraform:
        resource "aws_cloudtrail" "main" {
          kms_key_id = aws_kms_key.trail.arn
        }
    Docs: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html
    """
    def judge(home: AwsApi, trail: dict[str, Any]) -> list[Result]:
        key = trail.get("KmsKeyId")
        return [Result.of(trail["TrailARN"], bool(key),
                          f"log files are encrypted with KMS key {key}",
                          "log files are not encrypted with a KMS key (SSE-S3 only)")]

    yield from judge_trails(ctx, judge)
