"""S3: bucket policies deny requests that do not use TLS."""

from __future__ import annotations

import json
from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any

from checks.aws._s3 import bucket_arn, buckets_with
from collector.cloud.aws import AwsContext
from collector.model import Result
from collector.plugin import Remediation, check, each

NO_POLICY = ("NoSuchBucketPolicy",)
BOOL_OPERATORS = ("bool", "boolifexists")
PROBE_ACTIONS = ("s3:getobject", "s3:putobject")


@check(
    id="aws_s3_bucket_secure_transport_enforced",
    criteria=("CC6.7",),
    permissions=("s3:ListAllMyBuckets", "s3:GetBucketPolicy"),
    scoping="global",
    remediation=Remediation(
        summary=(
            'Add a bucket policy statement that denies s3:* to every principal when '
            'aws:SecureTransport is false.'),
        console='S3 > Buckets > bucket > Permissions > Bucket policy > Edit',
        cli=(
            'aws s3api put-bucket-policy --bucket <bucket> --policy '
            'file://deny-insecure-transport.json'),
        docs=(
            'https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit'),
    ),
)
def s3_bucket_secure_transport_enforced(ctx: AwsContext) -> Iterator[Result]:
    """S3 bucket policies deny every request made without TLS (aws:SecureTransport false).

    A bucket passes when one statement of its policy has Effect Deny, Principal "*" (or
    {"AWS": "*"}), an Action covering s3:GetObject and s3:PutObject (s3:*, *, s3:GetObject…),
    a Resource covering the bucket's objects, and a condition made only of Bool or BoolIfExists
    aws:SecureTransport = false. A statement with further conditions denies plain HTTP only in
    some cases and is not counted; NotPrincipal/NotAction/NotResource statements are not
    interpreted. A bucket with no policy fails.
    """
    def judge(name: str) -> list[Result]:
        arn = bucket_arn(ctx, name)
        body = ctx.call("s3", "get_bucket_policy", Bucket=name, absent=NO_POLICY)
        if body is None:
            return [Result.failed(arn, "the bucket has no bucket policy, so no statement denies "
                                       "requests made without TLS")]
        try:
            policy = json.loads(body["Policy"])
        except (ValueError, TypeError):
            return [Result.error(arn, "the bucket policy is not valid JSON",
                                 "InvalidPolicyDocument")]
        objects = f"{arn}/*"
        return [Result.of(arn, any(_denies_plain_http(s, objects) for s in _statements(policy)),
                          "the bucket policy denies all principals when aws:SecureTransport is "
                          "false",
                          "no statement of the bucket policy denies all principals when "
                          "aws:SecureTransport is false")]

    yield from each(buckets_with(ctx, "get_bucket_policy"),
                    resource=lambda n: bucket_arn(ctx, n), judge=judge)


def _statements(policy: Any) -> list[dict[str, Any]]:
    found = policy.get("Statement", []) if isinstance(policy, dict) else []
    found = [found] if isinstance(found, dict) else found
    return [s for s in found if isinstance(s, dict)]


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _denies_plain_http(stmt: dict[str, Any], objects: str) -> bool:
    return (
        stmt.get("Effect") == "Deny"
        and _everyone(stmt.get("Principal"))
        and all(_covers(stmt.get("Action"), action) for action in PROBE_ACTIONS)
        and _covers(stmt.get("Resource"), objects.lower())
        and _only_insecure_transport(stmt.get("Condition"))
    )


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in _as_list(principal.get("AWS"))


def _covers(patterns: Any, value: str) -> bool:
    return any(isinstance(p, str) and fnmatchcase(value, p.lower()) for p in _as_list(patterns))


def _only_insecure_transport(condition: Any) -> bool:
    if not isinstance(condition, dict) or not condition:
        return False
    for operator, tests in condition.items():
        if str(operator).lower() not in BOOL_OPERATORS or not isinstance(tests, dict):
            return False
        for key, value in tests.items():
            if str(key).lower() != "aws:securetransport":
                return False
            if [str(v).lower() for v in _as_list(value)] != ["false"]:
                return False
    return True
