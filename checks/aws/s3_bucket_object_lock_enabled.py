"""S3: Object Lock with a default retention rule on log and backup buckets."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from checks.aws._s3 import bucket_arn, bucket_names
from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check, each

NO_LOCK = ("ObjectLockConfigurationNotFoundError",)


@check(
    id="aws_s3_bucket_object_lock_enabled",
    criteria=("CC7.2", "PI1.5"),
    permissions=("s3:ListAllMyBuckets", "s3:GetBucketObjectLockConfiguration"),
    scoping="global",
)
def s3_bucket_object_lock_enabled(
    ctx: AwsApi, *, buckets: tuple[str, ...] = ("*",)
) -> Iterator[Result]:
    """Audit-log and backup S3 buckets are write-once (Object Lock with default retention).

    Which buckets hold audit logs or backups cannot be told from the API: `buckets` lists the
    bucket-name patterns (shell globs) in scope, every bucket by default; set it to the log and
    backup buckets in evidence.yaml. One result per bucket in scope (resource: the bucket ARN).
    A bucket passes when ObjectLockEnabled=Enabled and a default retention rule (GOVERNANCE or
    COMPLIANCE, days or years) applies to new objects; Object Lock without a default rule
    protects only objects written with their own retention, and fails.
    Not applicable: buckets outside `buckets` get no result. A failed per-bucket read is an
    `error` for that bucket only.

    How to fix: Use a bucket with Object Lock and a default retention for audit logs and backups
        (Object Lock can be enabled on existing versioned buckets).
    Console: S3 > Buckets > bucket > Properties > Object Lock > Edit
    CLI: aws s3api put-object-lock-configuration --bucket <bucket> --object-lock-configuration
        '{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"COMPLIANCE","Days":365}}}'
    Docs: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html
    """
    def judge(name: str) -> list[Result]:
        arn = bucket_arn(ctx, name)
        body = ctx.call("s3", "get_object_lock_configuration", Bucket=name, absent=NO_LOCK)
        config = (body or {}).get("ObjectLockConfiguration") or {}
        if config.get("ObjectLockEnabled") != "Enabled":
            return [Result.failed(arn, "Object Lock is not enabled")]
        retention = (config.get("Rule") or {}).get("DefaultRetention") or {}
        span = (f"{retention['Days']} days" if retention.get("Days")
                else f"{retention['Years']} years" if retention.get("Years") else "")
        return [Result.of(
            arn,
            bool(span),
            f"Object Lock is enabled with default {retention.get('Mode')} retention of {span}",
            "Object Lock is enabled but has no default retention rule",
        )]

    names = [n for n in bucket_names(ctx) if any(fnmatch.fnmatchcase(n, p) for p in buckets)]
    ctx.prefetch("s3", "get_object_lock_configuration", [{"Bucket": n} for n in names])
    yield from each(names, resource=lambda n: bucket_arn(ctx, n), judge=judge)
