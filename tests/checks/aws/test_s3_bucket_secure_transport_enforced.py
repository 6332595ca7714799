import json
from typing import Any

import pytest

from checks.aws.s3_bucket_secure_transport_enforced import s3_bucket_secure_transport_enforced
from collector.model import Status
from tests.conftest import Moto, by_resource

BUCKET = "data-bucket"
ARN = f"arn:aws:s3:::{BUCKET}"
TLS_ONLY = {"Bool": {"aws:SecureTransport": "false"}}


def _statement(**overrides: Any) -> dict[str, Any]:
    stmt: dict[str, Any] = {
        "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [ARN, f"{ARN}/*"], "Condition": TLS_ONLY,
    }
    stmt.update(overrides)
    return stmt


def _run_with(moto: Moto, *statements: dict[str, Any]) -> Any:
    s3 = moto.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    if statements:
        policy = {"Version": "2012-10-17", "Statement": list(statements)}
        s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))
    return by_resource(moto.run(s3_bucket_secure_transport_enforced))[ARN]


@pytest.mark.parametrize("statement", [
    _statement(),
    _statement(Principal={"AWS": "*"}, Action="*"),
    _statement(Condition={"BoolIfExists": {"aws:SecureTransport": False}}, Resource=f"{ARN}*"),
], ids=["s3-star", "aws-star-every-action", "bool-if-exists"])
def test_deny_without_tls_passes(moto: Moto, statement: dict[str, Any]) -> None:
    result = _run_with(moto, statement)
    assert result.status is Status.PASS
    assert "denies all principals when aws:SecureTransport is false" in result.message


def test_no_policy_fails(moto: Moto) -> None:
    result = _run_with(moto)
    assert result.status is Status.FAIL
    assert "no bucket policy" in result.message


@pytest.mark.parametrize("statement", [
    _statement(Effect="Allow"),
    _statement(Principal={"AWS": "arn:aws:iam::123456789012:root"}),
    _statement(Action="s3:PutObject"),
    _statement(Principal={"AWS": "*"}, Action=["s3:GetObject", "s3:PutObject"]),
    _statement(Action="s3:Get*"),
    _statement(Resource="arn:aws:s3:::other-bucket/*"),
    _statement(Condition={**TLS_ONLY, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
    _statement(Condition={"Bool": {"aws:SecureTransport": "true"}}),
], ids=["allow", "one-principal", "put-only", "get-and-put-only", "get-star", "other-bucket",
        "extra-condition", "true"])
def test_statements_that_do_not_deny_all_plain_http_fail(
    moto: Moto, statement: dict[str, Any]
) -> None:
    result = _run_with(moto, statement)
    assert result.status is Status.FAIL
    assert "no statement of the bucket policy denies" in result.message


def test_the_deny_must_cover_the_bucket_and_every_object(moto: Moto) -> None:
    # S3 User Guide, "Enforce encryption in transit" example: Deny s3:* for Principal "*" on
    # both "arn:aws:s3:::bucket" and "arn:aws:s3:::bucket/*" when aws:SecureTransport is false;
    # bucket-level actions (ListBucket, GetBucketPolicy...) are requests on the bucket ARN
    objects_only = _run_with(moto, _statement(Resource=f"{ARN}/*"))
    assert objects_only.status is Status.FAIL
    assert objects_only.message.endswith("for the bucket itself (a Deny on every S3 action "
                                         "covers only its objects)")


def test_two_statements_together_cover_the_bucket_and_its_objects(moto: Moto) -> None:
    bucket = _statement(Sid="Bucket", Resource=ARN)
    prefix_only = _statement(Sid="Logs", Resource=f"{ARN}/logs/*")
    assert _run_with(moto, bucket, prefix_only).status is Status.FAIL
    objects = _statement(Sid="Objects", Resource=f"{ARN}/*")
    assert _run_with(moto, bucket, objects).status is Status.PASS
