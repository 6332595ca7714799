"""CloudTrail: log files encrypted with a customer-managed KMS key."""

from __future__ import annotations

from collections.abc import Iterator

from checks.aws._cloudtrail import trails_homed_here
from collector.cloud.aws import AwsContext
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_cloudtrail_kms_encryption",
    criteria=("CC6.1", "CC7.2"),
    permissions=("cloudtrail:DescribeTrails",),
)
def cloudtrail_kms_encryption(ctx: AwsContext) -> Iterator[Result]:
    """CloudTrail log files are encrypted with a KMS key (SSE-KMS).

    Regional: each region reports the trails homed there. One result per trail (its ARN): it
    passes when KmsKeyId is set, so reading the logs needs kms:Decrypt on that key in addition
    to S3 access; without it the logs have S3-managed encryption (SSE-S3) only.
    """
    for trail in trails_homed_here(ctx):
        key = trail.get("KmsKeyId")
        yield Result.of(
            trail["TrailARN"],
            bool(key),
            f"log files are encrypted with KMS key {key}",
            "log files are not encrypted with a KMS key (SSE-S3 only)",
        )
