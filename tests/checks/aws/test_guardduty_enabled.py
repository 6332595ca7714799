from checks.aws.guardduty_enabled import guardduty_enabled
from collector.model import Status
from tests.conftest import Moto, by_resource

ACCOUNT = "arn:aws:iam::123456789012:root"


def test_enabled_detector_passes(moto: Moto) -> None:
    detector = moto.client("guardduty").create_detector(Enable=True)["DetectorId"]

    result = by_resource(moto.run(guardduty_enabled))[ACCOUNT]

    assert result.status is Status.PASS
    assert detector in result.message


def test_no_detector_or_suspended_detector_fails(moto: Moto) -> None:
    gd = moto.client("guardduty", "eu-west-1")
    detector = gd.create_detector(Enable=False)["DetectorId"]

    us = by_resource(moto.run(guardduty_enabled))[ACCOUNT]
    eu = by_resource(moto.run(guardduty_enabled, region="eu-west-1"))[ACCOUNT]

    assert us.status is Status.FAIL
    assert us.message == "GuardDuty has no detector in us-east-1"
    assert eu.status is Status.FAIL
    assert f"{detector} (DISABLED)" in eu.message
