"""The AWS cloud context: memoised, recorded calls; typed errors; no repeated requests."""

from __future__ import annotations

import gc
import hashlib
import json
import threading
import weakref
from collections.abc import Iterator

import boto3
import pytest

from collector.cloud.aws import AwsAccount
from collector.cloud.aws_wire import client_config
from collector.cloud.base import AccessDenied, CallLog, CloudError, NotOffered
from tests.conftest import Moto
from tests.support.memory_sink import MemorySink


def test_identical_calls_make_one_request_and_one_provenance_record(moto: Moto) -> None:
    moto.client("kms").create_key()
    sink = MemorySink()
    account = moto.account(sink)
    moto.server.clear_log()
    log_a, log_b = CallLog(), CallLog()

    first = account.context("us-east-1", log_a).paginate("kms", "list_keys", "Keys")
    second = account.context("us-east-1", log_b).paginate("kms", "list_keys", "Keys")

    assert first == second and len(first) == 1
    assert [r.operation for r in moto.server.requests] == ["ListKeys"]
    assert log_a.digests() == log_b.digests()  # both checks cite the same evidence
    record = sink.calls[log_a.digests()[0]]
    assert (record.service, record.operation, record.region) == ("kms", "list_keys", "us-east-1")
    assert record.http_status == 200 and record.complete and record.pages == 1
    assert record.identity.startswith("arn:aws:") and record.scope == "123456789012"
    stored = sink.blobs[record.response_sha256 or ""]
    assert hashlib.sha256(stored).hexdigest() == record.response_sha256
    assert json.loads(stored)["pages"][0]["Keys"][0]["KeyId"] == first[0]["KeyId"]
    assert b"RequestId" not in stored and b"ResponseMetadata" not in stored


def test_concurrent_identical_calls_wait_for_the_first(moto: Moto) -> None:
    account = moto.account()
    moto.server.clear_log()
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        account.context("us-east-1", CallLog()).call("ec2", "describe_volumes")

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert [r.operation for r in moto.server.requests] == ["DescribeVolumes"]


def test_global_services_are_read_once_per_account_whatever_the_region(moto: Moto) -> None:
    account = moto.account()
    moto.server.clear_log()
    for region in ("us-east-1", "eu-west-1", "global"):
        account.context(region, CallLog()).call("iam", "get_account_summary")
    assert [r.operation for r in moto.server.requests] == ["GetAccountSummary"]
    assert set(account.stats) >= {"global"}


def test_absent_codes_mean_not_configured(moto: Moto) -> None:
    moto.client("s3").create_bucket(Bucket="plain-bucket")
    ctx = moto.account().context("global", CallLog())
    policy = ctx.call("s3", "get_bucket_policy", Bucket="plain-bucket",
                      absent=("NoSuchBucketPolicy",))
    assert policy is None


@pytest.fixture
def restricted_account(moto: Moto) -> Iterator[AwsAccount]:
    """An identity allowed everything the KMS check needs except GetKeyRotationStatus."""
    iam = moto.client("iam")
    iam.create_user(UserName="auditor")
    iam.put_user_policy(UserName="auditor", PolicyName="ro", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Resource": "*",
                       "Action": ["sts:GetCallerIdentity", "kms:ListKeys", "kms:DescribeKey"]}],
    }))
    key = iam.create_access_key(UserName="auditor")["AccessKey"]
    moto.client("kms").create_key()
    moto.server.set_iam_enforcement(True)
    session = boto3.Session(aws_access_key_id=key["AccessKeyId"],
                            aws_secret_access_key=key["SecretAccessKey"])
    account = AwsAccount(session, sink=MemorySink(), home_region="us-east-1",
                         endpoint_url=moto.endpoint, config=client_config(2, "test"))
    try:
        account.connect()
        yield account
    finally:
        moto.server.set_iam_enforcement(False)


def test_access_denied_is_typed_with_the_aws_code(restricted_account: AwsAccount) -> None:
    ctx = restricted_account.context("us-east-1", CallLog())
    key = ctx.paginate("kms", "list_keys", "Keys")[0]["KeyId"]
    with pytest.raises(AccessDenied) as err:
        ctx.call("kms", "get_key_rotation_status", KeyId=key)
    assert err.value.code == "AccessDenied"
    assert "kms:GetKeyRotationStatus" in err.value.detail
    stats = restricted_account.stats["us-east-1"]
    assert any(code == err.value.code for code, _ in stats.errors)


def test_api_not_offered_in_a_region_is_not_offered_without_a_request() -> None:
    session = boto3.Session(aws_access_key_id="x", aws_secret_access_key="y")
    regions = set(session.get_available_regions("ec2"))
    service, region = next(
        (s, r) for s in ("securitylake", "bedrock", "kendra", "qbusiness", "braket")
        for r in sorted(regions) if r not in set(session.get_available_regions(s))
    )
    account = AwsAccount(session, sink=MemorySink(), home_region="us-east-1",
                         endpoint_url=None, config=client_config(2, "test"))
    with pytest.raises(NotOffered) as err:
        account.context(region, CallLog()).call(service, "list_anything")
    assert err.value.code == "ServiceNotInRegion"
    assert account.stats[region].requests == 0


def test_a_finished_account_is_freed_without_the_garbage_collector(moto: Moto) -> None:
    """Raising a memoised error must not tie the account into a reference cycle: the runner
    drops a scope when its last check ends and expects its memory back at once."""
    account = moto.account()
    ctx = account.context("global", CallLog())
    for _ in range(2):
        with pytest.raises(CloudError):
            ctx.call("s3", "get_bucket_policy", Bucket="no-such-bucket")
    gone = weakref.ref(account)
    gc.disable()
    try:
        del account, ctx
        assert gone() is None
    finally:
        gc.enable()
