import json
from collections.abc import Iterator

import boto3
import pytest

from checks.aws.s3_bucket_default_encryption import s3_bucket_default_encryption
from collector.cloud.aws import AwsAccount
from collector.cloud.aws_wire import client_config
from collector.model import Status
from tests.conftest import Moto, by_resource
from tests.support.memory_sink import MemorySink


def _encrypt(moto: Moto, bucket: str, algorithm: str, key: str | None = None) -> None:
    rule: dict[str, str] = {"SSEAlgorithm": algorithm}
    if key:
        rule["KMSMasterKeyID"] = key
    moto.client("s3").put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": rule}]},
    )


@pytest.fixture
def estate(moto: Moto) -> str:
    s3 = moto.client("s3")
    for name in ("no-rule-bucket", "sse-s3-bucket", "aws-key-bucket", "cmk-bucket"):
        s3.create_bucket(Bucket=name)
    key_arn: str = moto.client("kms").create_key()["KeyMetadata"]["Arn"]
    _encrypt(moto, "sse-s3-bucket", "AES256")
    _encrypt(moto, "aws-key-bucket", "aws:kms")
    _encrypt(moto, "cmk-bucket", "aws:kms", key_arn)
    return key_arn


def test_every_default_rule_passes_without_require_kms(moto: Moto, estate: str) -> None:
    results = by_resource(moto.run(s3_bucket_default_encryption))

    assert {r.status for r in results.values()} == {Status.PASS}
    assert "no explicit default encryption rule" in results["arn:aws:s3:::no-rule-bucket"].message
    assert "SSE-S3" in results["arn:aws:s3:::no-rule-bucket"].message
    assert "SSE-S3 (AES256)" in results["arn:aws:s3:::sse-s3-bucket"].message
    assert estate in results["arn:aws:s3:::cmk-bucket"].message


def test_require_kms_passes_only_a_customer_key(moto: Moto, estate: str) -> None:
    results = by_resource(moto.run(s3_bucket_default_encryption, params={"require_kms": True}))

    assert results["arn:aws:s3:::cmk-bucket"].status is Status.PASS
    for name in ("no-rule-bucket", "sse-s3-bucket"):
        assert results[f"arn:aws:s3:::{name}"].status is Status.FAIL
        assert "not SSE-KMS" in results[f"arn:aws:s3:::{name}"].message
    assert results["arn:aws:s3:::aws-key-bucket"].status is Status.FAIL
    assert "AWS-managed key aws/s3" in results["arn:aws:s3:::aws-key-bucket"].message


def test_no_buckets_gives_no_results(moto: Moto) -> None:
    assert moto.run(s3_bucket_default_encryption) == []


@pytest.fixture
def restricted_account(moto: Moto) -> Iterator[AwsAccount]:
    """Two buckets, and an identity denied every S3 action on one of them (moto IAM
    enforcement)."""
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="locked-bucket")
    s3.create_bucket(Bucket="open-bucket")
    iam = moto.client("iam")
    iam.create_user(UserName="auditor")
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:*",
         "Resource": "arn:aws:s3:::locked-bucket"},
    ]}
    iam.put_user_policy(UserName="auditor", PolicyName="p", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName="auditor")["AccessKey"]
    session = boto3.Session(aws_access_key_id=key["AccessKeyId"],
                            aws_secret_access_key=key["SecretAccessKey"])
    account = AwsAccount(session, sink=MemorySink(), home_region="us-east-1",
                         endpoint_url=moto.endpoint, config=client_config(4, "test"))
    moto.server.set_iam_enforcement(True)
    try:
        account.connect()
        yield account
    finally:
        moto.server.set_iam_enforcement(False)


def test_one_unreadable_bucket_is_an_error_and_the_others_are_judged(
    moto: Moto, restricted_account: AwsAccount
) -> None:
    results = by_resource(moto.run(s3_bucket_default_encryption, account=restricted_account))

    assert results["arn:aws:s3:::locked-bucket"].status is Status.ERROR
    assert results["arn:aws:s3:::locked-bucket"].error_code == "AccessDenied"
    assert results["arn:aws:s3:::open-bucket"].status is Status.PASS
