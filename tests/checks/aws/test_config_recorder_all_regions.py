from checks.aws.config_recorder_all_regions import config_recorder_all_regions
from collector.model import Status
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
