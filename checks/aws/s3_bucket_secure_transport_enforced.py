"""S3: bucket policies deny requests that do not use TLS."""

from __future__ import annotations

import json
from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any

from checks.aws._s3 import bucket_arn, buckets_with
from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check, each

NO_POLICY = ("NoSuchBucketPolicy",)
BOOL_OPERATORS = ("bool", "boolifexists")


@check(
    id="aws_s3_bucket_secure_transport_enforced",
    criteria=("CC6.7",),
    permissions=("s3:ListAllMyBuckets", "s3:GetBucketPolicy"),
    scoping="global",
)
def s3_bucket_secure_transport_enforced(ctx: AwsApi) -> Iterator[Result]:
    """S3 bucket policies deny every request made without TLS (aws:SecureTransport false).

    Global; one result per bucket (resource: the bucket ARN). Pass: Deny statements of the
    bucket policy with Principal "*" (or {"AWS": "*"}), an Action covering every S3 action
    ("s3:*", "*"; a list of named actions such as s3:GetObject leaves the others open), and a
    condition made only of Bool or BoolIfExists aws:SecureTransport = false, whose Resources
    together cover the bucket itself and every object in it (arn:…:bucket and arn:…:bucket/*,
    or a wildcard covering both). Fail: no bucket policy, or no such statements; a statement
    with further conditions (e.g. aws:SourceIp) denies plain HTTP only in some cases and does
    not count; NotPrincipal/NotAction/NotResource statements are not interpreted (not
    counted). A policy that is not valid JSON is an `error`; a failed per-bucket read is an
    `error` for that bucket only.
    Not applicable: never.

    How to fix: Add a bucket policy statement that denies s3:* to every principal when
        aws:SecureTransport is false.
    Console: S3 > Buckets > bucket > Permissions > Bucket policy > Edit
    CLI: aws s3api put-bucket-policy --bucket <bucket> --policy file://deny-insecure-transport.json
    Docs: https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit
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
        denying = [s for s in _statements(policy) if _denies_plain_http(s)]
        bucket = any(_matches(s.get("Resource"), arn.lower()) for s in denying)
        objects = any(_covers_all(s.get("Resource"), f"{arn}/".lower()) for s in denying)
        return [Result.of(arn, bucket and objects,
                          "the bucket policy denies all principals when aws:SecureTransport is "
                          "false",
                          "no statement of the bucket policy denies all principals when "
                          "aws:SecureTransport is false" + _gap(denying, bucket, objects))]

    yield from each(buckets_with(ctx, "get_bucket_policy"),
                    resource=lambda n: bucket_arn(ctx, n), judge=judge)


def _gap(denying: list[dict[str, Any]], bucket: bool, objects: bool) -> str:
    if not denying:
        return ""
    missing = [what for what, ok in (("the bucket itself", bucket), ("its objects", objects))
               if not ok]
    return " for " + " or ".join(missing) + " (a Deny on every S3 action covers only " + (
        "its objects)" if objects else "the bucket itself)" if bucket else "other resources)")


def _statements(policy: Any) -> list[dict[str, Any]]:
    found = policy.get("Statement", []) if isinstance(policy, dict) else []
    found = [found] if isinstance(found, dict) else found
    return [s for s in found if isinstance(s, dict)]


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _denies_plain_http(stmt: dict[str, Any]) -> bool:
    return (
        stmt.get("Effect") == "Deny"
        and _everyone(stmt.get("Principal"))
        and _covers_all(stmt.get("Action"), "s3:")
        and _only_insecure_transport(stmt.get("Condition"))
    )


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in _as_list(principal.get("AWS"))


def _matches(patterns: Any, value: str) -> bool:
    return any(isinstance(p, str) and fnmatchcase(value, p.lower()) for p in _as_list(patterns))


def _covers_all(patterns: Any, prefix: str) -> bool:
    """Whether one pattern matches every string that starts with `prefix` ("s3:" for every
    S3 action; "arn:…:bucket/" for every object): a pattern `Q*` where Q* matches the prefix."""
    return any(isinstance(p, str) and p.endswith("*") and fnmatchcase(prefix, p.lower())
               for p in _as_list(patterns))


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
