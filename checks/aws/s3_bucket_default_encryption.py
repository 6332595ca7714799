"""S3: default (server-side) encryption of every bucket."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks.aws._s3 import bucket_arn, buckets_with
from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check, each

NO_RULE = ("ServerSideEncryptionConfigurationNotFoundError",)
KMS_ALGORITHMS = {"aws:kms": "SSE-KMS", "aws:kms:dsse": "DSSE-KMS"}


@check(
    id="aws_s3_bucket_default_encryption",
    criteria=("CC6.1", "C1.1"),
    permissions=("s3:ListAllMyBuckets", "s3:GetEncryptionConfiguration"),
    scoping="global",
)
def s3_bucket_default_encryption(ctx: AwsApi, *, require_kms: bool = False) -> Iterator[Result]:
    """S3 buckets encrypt new objects at rest by default.

    Since January 2023 S3 encrypts every new object with SSE-S3 when a bucket has no explicit
    rule; AWS now reports that as an AES256 rule, while older APIs and moto answer
    ServerSideEncryptionConfigurationNotFoundError. Both are read as "SSE-S3 by default" and
    pass. With `require_kms`, a bucket passes only if its default rule is SSE-KMS or DSSE-KMS
    with a customer-chosen key: a rule naming no key, or an `alias/aws/...` key, uses the AWS-
    managed `aws/s3` key and fails. (The key itself is not described: it may live in another
    account.) Fail: only with `require_kms` (SSE-S3, or an AWS-managed key); without it every
    bucket passes, S3 encrypting all new objects. Not applicable: never. One result per bucket
    (its ARN); a failed per-bucket read is an `error` for that bucket only.

    How to fix: Set default encryption on the bucket (SSE-KMS with a customer-managed key where
        required).
    Console: S3 > Buckets > bucket > Properties > Default encryption > Edit
    CLI: aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration
        '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"<key-arn>"}}]}'
    Docs: https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html
    """
    def judge(name: str) -> list[Result]:
        arn = bucket_arn(ctx, name)
        body = ctx.call("s3", "get_bucket_encryption", Bucket=name, absent=NO_RULE)
        rules = [] if body is None else body["ServerSideEncryptionConfiguration"].get("Rules", [])
        defaults = [r["ApplyServerSideEncryptionByDefault"] for r in rules
                    if r.get("ApplyServerSideEncryptionByDefault")]
        return [_verdict(arn, defaults, require_kms)]

    yield from each(buckets_with(ctx, "get_bucket_encryption"),
                    resource=lambda n: bucket_arn(ctx, n), judge=judge)


def _verdict(arn: str, defaults: list[dict[str, Any]], require_kms: bool) -> Result:
    if not defaults:
        seen = "no explicit default encryption rule: S3 applies SSE-S3 (AES256) by default"
        if require_kms:
            return Result.failed(arn, f"{seen}, not SSE-KMS with a customer-managed key")
        return Result.passed(arn, seen)
    rule = defaults[0]
    algorithm = str(rule.get("SSEAlgorithm", ""))
    key = str(rule.get("KMSMasterKeyID") or "")
    if algorithm in KMS_ALGORITHMS:
        kind = KMS_ALGORITHMS[algorithm]
        if key and "alias/aws/" not in key:
            return Result.passed(arn, f"default encryption is {kind} with key {key}")
        seen = f"default encryption is {kind} with the AWS-managed key {key or 'aws/s3'}"
        return Result.failed(arn, seen) if require_kms else Result.passed(arn, seen)
    seen = f"default encryption is SSE-S3 ({algorithm or 'AES256'})"
    if require_kms:
        return Result.failed(arn, f"{seen}, not SSE-KMS with a customer-managed key")
    return Result.passed(arn, seen)
