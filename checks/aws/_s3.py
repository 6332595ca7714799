"""Shared by the S3 checks: the bucket list (per-bucket reads fetched ahead) and bucket ARNs."""

from __future__ import annotations

from collector.cloud.api import AwsApi


def bucket_names(ctx: AwsApi) -> list[str]:
    """Every bucket the account owns (s3:ListAllMyBuckets), in listing order."""
    return [b["Name"] for b in ctx.paginate("s3", "list_buckets", "Buckets")]


def buckets_with(ctx: AwsApi, *operations: str) -> list[str]:
    """`bucket_names`, with each per-bucket read in `operations` fetched concurrently first."""
    names = bucket_names(ctx)
    for operation in operations:
        ctx.prefetch("s3", operation, [{"Bucket": n} for n in names])
    return names


def bucket_arn(ctx: AwsApi, name: str) -> str:
    """`arn:<partition>:s3:::<bucket>` — bucket ARNs carry neither region nor account."""
    return f"arn:{ctx.partition}:s3:::{name}"

