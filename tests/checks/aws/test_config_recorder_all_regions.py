from typing import Any

from checks.aws.config_recorder_all_regions import config_recorder_all_regions
from collector.cloud.replay import AwsReplayContext, Recording
from collector.model import Result, Status
from tests.checks.aws.replaying import replay
from tests.conftest import Moto, by_resource

ACCOUNT = "arn:aws:iam::123456789012:root"


def _recorder(moto: Moto, region: str, *, start: bool, global_types: bool = True) -> None:
    cfg = moto.client("config", region)
    cfg.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": "arn:aws:iam::123456789012:role/aws-config",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": global_types}})
    cfg.put_delivery_channel(DeliveryChannel={"name": "default",
                                              "s3BucketName": "config-history"})
    if start:
        cfg.start_configuration_recorder(ConfigurationRecorderName="default")


def test_region_without_recorder_fails(moto: Moto) -> None:
    result = by_resource(moto.run(config_recorder_all_regions))[ACCOUNT]
    assert result.status is Status.FAIL
    assert result.message == "no AWS Config recorder in us-east-1"


def test_stopped_recorder_fails(moto: Moto) -> None:
    _recorder(moto, "eu-west-1", start=False)
    result = by_resource(moto.run(config_recorder_all_regions, region="eu-west-1"))[ACCOUNT]
    assert result.status is Status.FAIL
    assert result.message == "recorder default is not recording"


def test_pending_first_delivery_is_not_yet_success(moto: Moto) -> None:
    # moto reports lastStatus PENDING for a started recorder, as AWS does before delivery.
    _recorder(moto, "us-east-1", start=True)
    result = by_resource(moto.run(config_recorder_all_regions))[ACCOUNT]
    assert result.status is Status.FAIL
    assert result.message == "recorder default last status is PENDING"


def test_recording_all_types_with_successful_delivery_passes() -> None:
    result = by_resource(replay(config_recorder_all_regions, "recording"))[ACCOUNT]
    assert result.status is Status.PASS


def test_global_types_are_required_in_the_configured_region_only() -> None:
    # eu-west-1's recorder leaves global types out: right while us-east-1 records them.
    default = by_resource(replay(config_recorder_all_regions, "recording", region="eu-west-1"))
    moved = by_resource(replay(config_recorder_all_regions, "recording", region="eu-west-1",
                               params={"global_resources_region": "eu-west-1"}))
    assert default[ACCOUNT].status is Status.PASS
    assert moved[ACCOUNT].status is Status.FAIL
    assert "does not record global resource types" in moved[ACCOUNT].message


GROUP = {"allSupported": True, "includeGlobalResourceTypes": True,
         "recordingStrategy": {"useOnly": "ALL_SUPPORTED_RESOURCE_TYPES"}}


def _judge(recorders: list[dict[str, Any]], statuses: list[dict[str, Any]]) -> Result:
    recording = Recording()
    recording.add_entry({"service": "config", "operation": "describe_configuration_recorders",
                         "params": {}, "response": {"ConfigurationRecorders": recorders}})
    recording.add_entry({"service": "config",
                         "operation": "describe_configuration_recorder_status", "params": {},
                         "response": {"ConfigurationRecordersStatus": statuses}})
    return by_resource(list(config_recorder_all_regions.run(
        AwsReplayContext(recording, "us-east-1"))))[ACCOUNT]


def _default(**group: Any) -> dict[str, Any]:
    return {"name": "default", "roleARN": "arn:aws:iam::123456789012:role/aws-config",
            "recordingGroup": {**GROUP, **group}}


def _status(name: str = "default", last: str = "SUCCESS") -> dict[str, Any]:
    return {"name": name, "recording": True, "lastStatus": last}


def test_the_models_success_spelling_passes() -> None:
    # config RecorderStatus enum: Pending | Success | Failure | NotApplicable
    assert _judge([_default()], [_status(last="Success")]).status is Status.PASS
    failure = _judge([_default()], [_status(last="Failure")])
    assert failure.status is Status.FAIL and "last status is Failure" in failure.message


def test_a_strategy_other_than_all_supported_fails() -> None:
    # RecordingStrategy.useOnly INCLUSION_BY_RESOURCE_TYPES / EXCLUSION_BY_RESOURCE_TYPES
    excluded = _judge([_default(allSupported=False, recordingStrategy={
        "useOnly": "EXCLUSION_BY_RESOURCE_TYPES"}, exclusionByResourceTypes={
        "resourceTypes": ["AWS::EC2::NetworkInterface"]})], [_status()])
    assert excluded.status is Status.FAIL
    assert "excludes AWS::EC2::NetworkInterface" in excluded.message
    odd = _judge([_default(recordingStrategy={"useOnly": "INCLUSION_BY_RESOURCE_TYPES"})],
                 [_status()])
    assert odd.status is Status.FAIL and "INCLUSION_BY_RESOURCE_TYPES" in odd.message


def test_service_linked_recorders_neither_pass_nor_spoil_the_region() -> None:
    # ConfigurationRecorder.servicePrincipal: set for service-linked recorders, which record
    # only the resource types their service needs (recordingScope INTERNAL)
    linked: dict[str, Any] = {"name": "AWSConfigurationRecorderForSecurityHub", "servicePrincipal":
              "securityhub.amazonaws.com", "recordingScope": "INTERNAL",
              "recordingGroup": {"allSupported": False, "resourceTypes": ["AWS::EC2::Instance"]}}
    alone = _judge([linked], [_status(linked["name"])])
    assert alone.status is Status.FAIL
    assert "other than service-linked ones" in alone.message
    both = _judge([_default(), linked], [_status(), _status(linked["name"], "Pending")])
    assert both.status is Status.PASS
