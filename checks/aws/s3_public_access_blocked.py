"""S3: Block Public Access (account and bucket) and public bucket policies/ACLs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from checks.aws._s3 import bucket_arn, buckets_with
from collector.cloud.api import AwsApi
from collector.model import Result, Status
from collector.plugin import check, each

FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
NO_BLOCK = ("NoSuchPublicAccessBlockConfiguration",)
NO_POLICY = ("NoSuchBucketPolicy",)
PUBLIC_GROUPS = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "everyone (AllUsers)",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "any AWS account "
    "(AuthenticatedUsers)",
}


@check(
    id="aws_s3_public_access_blocked",
    criteria=("CC6.1", "CC6.6"),
    permissions=(
        "s3:GetAccountPublicAccessBlock",
        "s3:ListAllMyBuckets",
        "s3:GetBucketPublicAccessBlock",
        "s3:GetBucketPolicyStatus",
        "s3:GetBucketAcl",
    ),
    scoping="global",
)
def s3_public_access_blocked(ctx: AwsApi) -> Iterator[Result]:
    """S3 Block Public Access is on and no bucket is made public by its policy or ACL.

    One result for the account (resource: the account ARN): it passes when the account-level
    Block Public Access has all four settings on, or when every bucket has all four on itself.
    One result per bucket: it passes when each of the four settings is on at account or bucket
    level, GetBucketPolicyStatus does not report the policy as public, and the ACL grants
    nothing to AllUsers or AuthenticatedUsers. A public policy or ACL fails even where Block
    Public Access currently neutralises it: removing one setting would expose the bucket.
    Whether a policy is public is AWS's own evaluation (GetBucketPolicyStatus; S3 User Guide,
    "The meaning of public"): Principal "*" narrowed by a condition on fixed values of
    aws:SourceVpc, aws:SourceVpce, aws:SourceAccount or aws:PrincipalOrgID is not public. A
    grant to the LogDelivery group is not public. Not applicable: never. A failed per-bucket
    read is an `error` for that bucket only, and, when the account-level block is incomplete
    and no other bucket fails it, leaves the account result unknown (`error`).

    How to fix: Turn on all four Block Public Access settings for the account and the bucket, and
        remove public grants from the bucket policy and ACL.
    Console: S3 > Block Public Access settings for this account > Edit (and bucket > Permissions >
        Block public access)
    CLI: aws s3control put-public-access-block --account-id <account>
        --public-access-block-configuration
        BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
    Terraform:
        resource "aws_s3_account_public_access_block" "all" {
          block_public_acls       = true
          ignore_public_acls      = true
          block_public_policy     = true
          restrict_public_buckets = true
        }
    Docs: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
    """
    account = ctx.call("s3control", "get_public_access_block", AccountId=ctx.account_id,
                       absent=NO_BLOCK)
    account_flags = _flags(account)
    buckets = Coverage()

    def judge(name: str) -> list[Result]:
        arn = bucket_arn(ctx, name)
        block = ctx.call("s3", "get_public_access_block", Bucket=name, absent=NO_BLOCK)
        status = ctx.call("s3", "get_bucket_policy_status", Bucket=name, absent=NO_POLICY)
        acl = ctx.call("s3", "get_bucket_acl", Bucket=name)
        bucket_flags = _flags(block)
        buckets.read += 1
        buckets.not_blocked += not all(bucket_flags.values())
        return [_bucket_verdict(arn, account_flags, bucket_flags, status, acl)]

    names = buckets_with(ctx, "get_public_access_block", "get_bucket_policy_status",
                         "get_bucket_acl")
    for result in each(names, resource=lambda n: bucket_arn(ctx, n), judge=judge):
        if result.status is Status.ERROR and buckets.unreadable is None:
            buckets.unreadable = result.error_code or "error"
        yield result
    yield _account_verdict(ctx.account_arn, account_flags, buckets)


@dataclass
class Coverage:
    """How many buckets block public access themselves (for the account-level verdict)."""

    read: int = 0
    not_blocked: int = 0
    unreadable: str | None = None
    """The error code of the first bucket whose settings could not be read."""


def _flags(body: Mapping[str, Any] | None) -> dict[str, bool]:
    config = (body or {}).get("PublicAccessBlockConfiguration") or {}
    return {f: bool(config.get(f)) for f in FLAGS}


def _bucket_verdict(
    arn: str,
    account: dict[str, bool],
    bucket: dict[str, bool],
    status: Mapping[str, Any] | None,
    acl: Mapping[str, Any],
) -> Result:
    problems = []
    off = [f for f in FLAGS if not (account[f] or bucket[f])]
    if off:
        problems.append("Block Public Access is off at both account and bucket level for "
                        + ", ".join(off))
    if status and (status.get("PolicyStatus") or {}).get("IsPublic"):
        problems.append("the bucket policy is public (GetBucketPolicyStatus IsPublic=true)")
    for grant in acl.get("Grants", []):
        who = PUBLIC_GROUPS.get((grant.get("Grantee") or {}).get("URI", ""))
        if who:
            problems.append(f"the bucket ACL grants {grant.get('Permission')} to {who}")
    if problems:
        return Result.failed(arn, "; ".join(problems))
    return Result.passed(arn, "all four Block Public Access settings apply (account or bucket "
                              "level); the bucket policy and ACL grant no public access")


def _account_verdict(arn: str, flags: dict[str, bool], buckets: Coverage) -> Result:
    if all(flags.values()):
        return Result.passed(arn, "account-level Block Public Access has all four settings on")
    off = ", ".join(f for f in FLAGS if not flags[f])
    seen = f"account-level Block Public Access is off for {off}"
    if buckets.not_blocked:
        return Result.failed(arn, f"{seen}, and {buckets.not_blocked} bucket(s) do not have all "
                                  "four settings on themselves")
    if buckets.unreadable is not None:
        return Result.error(arn, f"{seen}; whether every bucket blocks public access itself is "
                                 "unknown: a bucket's settings could not be read",
                            buckets.unreadable)
    if not buckets.read:
        return Result.passed(arn, f"{seen}; the account has no buckets")
    return Result.passed(arn, f"{seen}; every bucket has all four settings on itself")
