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
    _statement(Principal={"AWS": "*"}, Action=["s3:GetObject", "s3:PutObject"]),
    _statement(Condition={"BoolIfExists": {"aws:SecureTransport": False}}, Resource=f"{ARN}*"),
], ids=["s3-star", "aws-star-listed-actions", "bool-if-exists"])
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
    _statement(Resource="arn:aws:s3:::other-bucket/*"),
    _statement(Condition={**TLS_ONLY, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
    _statement(Condition={"Bool": {"aws:SecureTransport": "true"}}),
], ids=["allow", "one-principal", "put-only", "other-bucket", "extra-condition", "true"])
def test_statements_that_do_not_deny_all_plain_http_fail(
    moto: Moto, statement: dict[str, Any]
) -> None:
    result = _run_with(moto, statement)
    assert result.status is Status.FAIL
    assert "no statement of the bucket policy denies" in result.message
