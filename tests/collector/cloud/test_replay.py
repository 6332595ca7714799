"""The replay context answers like the live AWS context, from recorded responses."""

from __future__ import annotations

import inspect
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from checks.aws.kms_cmk_rotation_enabled import kms_cmk_rotation_enabled
from collector.cloud.aws import AwsContext
from collector.cloud.base import AccessDenied, CallLog, CloudError, NotOffered
from collector.cloud.replay import (
    AwsReplayContext,
    NotRecorded,
    Recorded,
    Recording,
    ReplayFormatError,
)
from storage.records import CallRecord
from tests.conftest import Moto
from tests.support.memory_sink import MemorySink

RECORDINGS = Path(__file__).resolve().parents[2] / "checks" / "aws" / "recordings"


def _write(tmp_path: Path, calls: list[dict[str, Any]], **top: Any) -> Path:
    path = tmp_path / "rec.json"
    path.write_text(json.dumps({"calls": calls, **top}))
    return path


def _ctx(tmp_path: Path, calls: list[dict[str, Any]], region: str = "us-east-1",
         **top: Any) -> AwsReplayContext:
    return AwsReplayContext(Recording.load(_write(tmp_path, calls, **top)), region)


def test_same_public_interface_as_the_live_context() -> None:
    public = {n for n in dir(AwsContext) if not n.startswith("_")}
    assert public <= set(dir(AwsReplayContext))
    for name in ("call", "paginate", "in_region", "arn"):
        live = inspect.signature(getattr(AwsContext, name)).parameters
        replayed = inspect.signature(getattr(AwsReplayContext, name)).parameters
        assert [(p.name, p.kind) for p in live.values()] == [
            (p.name, p.kind) for p in replayed.values()], name


def test_responses_are_matched_by_operation_params_and_region(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, [
        {"service": "kms", "operation": "get_key_rotation_status", "region": "us-east-1",
         "params": {"KeyId": "k1"}, "response": {"KeyRotationEnabled": True}},
        {"service": "kms", "operation": "get_key_rotation_status",
         "params": {"KeyId": "k1"}, "response": {"KeyRotationEnabled": False}},
    ], account_id="210987654321")

    assert ctx.call("kms", "get_key_rotation_status", KeyId="k1")["KeyRotationEnabled"] is True
    other = ctx.in_region("eu-west-1")
    assert other.call("kms", "get_key_rotation_status", KeyId="k1")["KeyRotationEnabled"] is False
    assert ctx.account_arn == "arn:aws:iam::210987654321:root"
    assert other.arn("kms", "key/k1") == "arn:aws:kms:eu-west-1:210987654321:key/k1"
    with pytest.raises(NotRecorded) as missing:
        ctx.call("kms", "get_key_rotation_status", KeyId="k2")
    assert missing.value.code == "NotRecorded"
    assert "kms:get_key_rotation_status in us-east-1" in str(missing.value)


def test_region_labels_follow_the_live_context(tmp_path: Path) -> None:
    # Global services answer under "global"; a regional API from a global check, in the home
    # region — exactly the labels the live context records calls under.
    ctx = _ctx(tmp_path, [
        {"service": "iam", "operation": "get_account_summary", "region": "global",
         "params": {}, "response": {"SummaryMap": {"AccountMFAEnabled": 1}}},
        {"service": "cloudtrail", "operation": "describe_trails", "region": "us-east-1",
         "params": {}, "response": {"trailList": []}},
    ], region="global")

    assert ctx.call("iam", "get_account_summary")["SummaryMap"]["AccountMFAEnabled"] == 1
    assert ctx.in_region("eu-west-1").call("iam", "get_account_summary")
    assert ctx.call("cloudtrail", "describe_trails") == {"trailList": []}
    with pytest.raises(NotRecorded):
        ctx.in_region("eu-west-1").call("cloudtrail", "describe_trails")


def test_recorded_errors_raise_the_live_error_types(tmp_path: Path) -> None:
    def error(operation: str, code: str) -> dict[str, Any]:
        return {"service": "s3", "operation": operation, "params": {"Bucket": "b"},
                "error": {"code": code, "message": f"{code} happened"}}

    ctx = _ctx(tmp_path, [error("get_bucket_policy", "NoSuchBucketPolicy"),
                          error("get_bucket_acl", "AccessDenied"),
                          error("get_bucket_logging", "UnsupportedOperation"),
                          error("get_bucket_tagging", "NoSuchBucket")])

    assert ctx.call("s3", "get_bucket_policy", Bucket="b", absent=("NoSuchBucketPolicy",)) is None
    with pytest.raises(CloudError) as plain:
        ctx.call("s3", "get_bucket_policy", Bucket="b")
    assert type(plain.value) is CloudError
    assert plain.value.operation == "s3:get_bucket_policy"
    with pytest.raises(AccessDenied) as denied:
        ctx.call("s3", "get_bucket_acl", Bucket="b")
    assert (denied.value.code, denied.value.detail) == ("AccessDenied", "AccessDenied happened")
    with pytest.raises(NotOffered):
        ctx.call("s3", "get_bucket_logging", Bucket="b")
    with pytest.raises(CloudError):  # the final answer of live polling: no polling in replay
        ctx.call("s3", "get_bucket_tagging", Bucket="b", wait_for=("NoSuchBucket",))
    assert ctx.paginate("s3", "get_bucket_policy", "Policy", Bucket="b",
                        absent=("NoSuchBucketPolicy",)) == []


def test_pages_are_concatenated_and_a_call_needs_one_page(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, [{"service": "kms", "operation": "list_keys", "params": {},
                           "pages": [{"Keys": [{"KeyId": "a"}], "NextMarker": "m",
                                      "Truncated": True},
                                     {"Keys": [{"KeyId": "b"}], "Truncated": False}]}])

    assert [k["KeyId"] for k in ctx.paginate("kms", "list_keys", "Keys")] == ["a", "b"]
    with pytest.raises(NotRecorded):
        ctx.call("kms", "list_keys")


def test_stored_forms_are_revived_to_boto3_types(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, [
        {"service": "acm", "operation": "describe_certificate", "params": {"CertificateArn": "c"},
         "response": {"Certificate": {"CertificateArn": "c", "NotAfter": "2027-01-02T03:04:05Z",
                                      "InUseBy": []}}},
        {"service": "iam", "operation": "get_credential_report", "params": {},
         "response": {"Content": "dXNlcixhcm4K", "GeneratedTime": 1700000000}},
        {"service": "iam", "operation": "generate_credential_report", "params": {},
         "response": {"State": "COMPLETE"}},
    ])

    cert = ctx.call("acm", "describe_certificate", CertificateArn="c")["Certificate"]
    assert cert["NotAfter"] == datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC)
    report = ctx.call("iam", "get_credential_report")
    assert report["Content"] == b"user,arn\n"  # base64 as stored
    assert report["GeneratedTime"] == datetime.fromtimestamp(1700000000, UTC)


def test_each_distinct_request_is_cited_in_the_call_log(tmp_path: Path) -> None:
    log = CallLog()
    recording = Recording.load(_write(tmp_path, [
        {"service": "kms", "operation": "list_keys", "params": {}, "pages": [{"Keys": []}]}]))
    ctx = AwsReplayContext(recording, "us-east-1", log=log)
    ctx.paginate("kms", "list_keys", "Keys")
    ctx.in_region("us-east-1").paginate("kms", "list_keys", "Keys")
    assert len(log.digests()) == 1


@pytest.mark.parametrize(("entry", "complaint"), [
    ({"service": "kms", "operation": "list_keys", "params": {},
      "response": {"Keys": [], "Secret": 1}}, "has no member(s) ['Secret']"),
    ({"service": "kms", "operation": "list_keyz", "params": {}, "response": {}},
     "kms has no operation 'list_keyz'"),
    ({"service": "nosuch", "operation": "x", "params": {}, "response": {}},
     "unknown AWS service 'nosuch'"),
    ({"service": "kms", "operation": "list_keys", "params": {}},
     "exactly one of 'response', 'pages' or 'error'"),
    ({"service": "acm", "operation": "describe_certificate", "params": {},
      "response": {"Certificate": {"NotAfter": "soon"}}}, "not an ISO-8601 timestamp"),
    ({"service": "kms", "operation": "list_keys", "params": {}, "error": {}}, "needs a 'code'"),
])
def test_malformed_recordings_are_one_clear_line(
    tmp_path: Path, entry: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(ReplayFormatError) as bad:
        Recording.load(_write(tmp_path, [entry]))
    message = str(bad.value)
    assert "\n" not in message
    assert message.startswith(f"{tmp_path / 'rec.json'}: calls[0]")
    assert complaint in message


def test_unreadable_file_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(ReplayFormatError, match=r"broken\.json: not readable JSON"):
        Recording.load(path)
    path.write_text("[]")
    with pytest.raises(ReplayFormatError, match="expected an object with a 'calls' list"):
        Recording.load(path)


def test_every_check_recording_matches_the_aws_service_models() -> None:
    # Loading validates every response against botocore's output shapes.
    folders = [p for p in RECORDINGS.iterdir() if p.is_dir()]
    assert folders
    for folder in folders:
        assert len(Recording.load(folder)) > 0, folder


def test_a_stored_run_replays_to_the_same_results(moto: Moto) -> None:
    kms = moto.client("kms")
    rotating = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=rotating)
    kms.create_key()
    sink = MemorySink()
    live = list(kms_cmk_rotation_enabled.run(
        moto.account(sink).context("us-east-1", CallLog())))

    recording = Recording(account_id="123456789012")
    for record in sink.calls.values():
        body = (json.loads(sink.blobs[record.response_sha256])
                if record.response_sha256 else None)
        recording.add_stored(record, body)
    replayed = list(kms_cmk_rotation_enabled.run(AwsReplayContext(recording, "us-east-1")))

    assert sorted(replayed, key=lambda r: r.resource_id) == sorted(
        live, key=lambda r: r.resource_id)
    assert {r.status.value for r in live} == {"pass", "fail"}


def test_stored_errors_replay_as_errors() -> None:
    recording = Recording()
    recording.add_stored(CallRecord(
        provider="aws", service="kms", operation="list_keys", params={}, scope="123456789012",
        region="us-east-1", identity="arn:aws:sts::123456789012:assumed-role/r/s",
        http_status=400, error_code="AccessDeniedException", pages=0, complete=False,
        response_sha256=None), None)
    recording.add("kms", "describe_key", {"KeyId": "k"}, Recorded(({"KeyMetadata": {
        "KeyId": "k"}},), False))
    ctx = AwsReplayContext(recording, "us-east-1")
    with pytest.raises(AccessDenied):
        ctx.paginate("kms", "list_keys", "Keys")
    assert ctx.call("kms", "describe_key", KeyId="k")["KeyMetadata"]["KeyId"] == "k"
