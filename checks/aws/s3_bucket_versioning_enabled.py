"""S3: object versioning on every bucket."""

from __future__ import annotations

from collections.abc import Iterator

from checks.aws._s3 import bucket_arn, buckets_with
from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check, each


@check(
    id="aws_s3_bucket_versioning_enabled",
    criteria=("CC7.5", "A1.2", "PI1.5"),
    permissions=("s3:ListAllMyBuckets", "s3:GetBucketVersioning"),
    scoping="global",
)
def s3_bucket_versioning_enabled(ctx: AwsApi) -> Iterator[Result]:
    """S3 buckets keep prior versions of objects (versioning is enabled).

    Every bucket is judged: which buckets hold business or log data cannot be told from the
    API. A bucket whose versioning was never enabled reports no Status; a suspended bucket keeps
    its old versions but no longer creates new ones, and fails. MFA delete is reported, not
    required.
    One result per bucket (its ARN). Pass: Status Enabled. Fail: Suspended or never enabled.
    Not applicable: never. A failed per-bucket read is an `error` for that bucket only.

    How to fix: Enable versioning on the bucket.
    Console: S3 > Buckets > bucket > Properties > Bucket Versioning > Edit > Enable
    CLI: aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled
    Terraform:
        resource "aws_s3_bucket_versioning" "main" {
          bucket = aws_s3_bucket.main.id
          versioning_configuration { status = "Enabled" }
        }
    Docs: https://docs.aws.amazon.com/AmazonS3/latest/userguide/manage-versioning-examples.html
    """
    def judge(name: str) -> list[Result]:
        arn = bucket_arn(ctx, name)
        body = ctx.call("s3", "get_bucket_versioning", Bucket=name)
        status = body.get("Status")
        mfa = " with MFA delete" if body.get("MFADelete") == "Enabled" else ""
        if status == "Enabled":
            return [Result.passed(arn, f"versioning is enabled{mfa}")]
        if status == "Suspended":
            return [Result.failed(arn, "versioning is suspended")]
        return [Result.failed(arn, "versioning has never been enabled")]

    yield from each(buckets_with(ctx, "get_bucket_versioning"),
                    resource=lambda n: bucket_arn(ctx, n), judge=judge)
