from typing import Any

from checks.aws.cloudtrail_multi_region_enabled import cloudtrail_multi_region_enabled
from collector.cloud.base import CallLog
from collector.model import Result, Status
from tests.conftest import Moto, by_resource

ACCOUNT = "arn:aws:iam::123456789012:root"


def _trail(moto: Moto, name: str, *, region: str = "us-east-1", multi_region: bool = True,
           logging: bool = True, **selectors: Any) -> str:
    bucket = f"{name}-logs"
    s3 = moto.client("s3", region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket,
                         CreateBucketConfiguration={"LocationConstraint": region})
    ct = moto.client("cloudtrail", region)
    arn: str = ct.create_trail(Name=name, S3BucketName=bucket,
                               IsMultiRegionTrail=multi_region)["TrailARN"]
    if logging:
        ct.start_logging(Name=name)
    if selectors:
        ct.put_event_selectors(TrailName=name, **selectors)
    return arn


def _verdict(moto: Moto) -> Result:
    return by_resource(moto.run(cloudtrail_multi_region_enabled))[ACCOUNT]


def test_no_trail_fails(moto: Moto) -> None:
    result = _verdict(moto)
    assert result.status is Status.FAIL
    assert result.message == "the account has no multi-region trail"


def test_single_region_trail_does_not_count(moto: Moto) -> None:
    _trail(moto, "local-trail", multi_region=False)
    assert _verdict(moto).message == "the account has no multi-region trail"


def test_logging_multi_region_trail_with_default_selectors_passes(moto: Moto) -> None:
    arn = _trail(moto, "org-trail")
    result = _verdict(moto)
    assert result.status is Status.PASS
    assert arn in result.message


def test_explicit_all_management_selector_passes_and_names_exclusions(moto: Moto) -> None:
    _trail(moto, "org-trail", EventSelectors=[{
        "ReadWriteType": "All", "IncludeManagementEvents": True,
        "ExcludeManagementEventSources": ["kms.amazonaws.com"],
    }])
    result = _verdict(moto)
    assert result.status is Status.PASS
    assert "excluding kms.amazonaws.com" in result.message


def test_stopped_trail_fails(moto: Moto) -> None:
    _trail(moto, "org-trail", logging=False)
    result = _verdict(moto)
    assert result.status is Status.FAIL
    assert "org-trail (home region us-east-1) is not logging" in result.message


def test_write_only_management_events_fail(moto: Moto) -> None:
    _trail(moto, "org-trail", EventSelectors=[
        {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}])
    result = _verdict(moto)
    assert result.status is Status.FAIL
    assert "records WriteOnly management events only" in result.message


def test_advanced_selectors_pass_without_a_read_only_filter(moto: Moto) -> None:
    _trail(moto, "org-trail", AdvancedEventSelectors=[{
        "Name": "management",
        "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
    }])
    assert _verdict(moto).status is Status.PASS


def test_advanced_selectors_on_read_only_events_fail(moto: Moto) -> None:
    _trail(moto, "org-trail", AdvancedEventSelectors=[{
        "Name": "reads",
        "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]},
                           {"Field": "readOnly", "Equals": ["true"]}],
    }])
    result = _verdict(moto)
    assert result.status is Status.FAIL
    assert "readOnly=true" in result.message


def test_trail_homed_outside_the_home_region_is_read_in_its_home_region(moto: Moto) -> None:
    # CloudTrail (and moto) answer GetEventSelectors only in the trail's home region; the check
    # lists trails from the collector's home region (us-east-1) and reads each at home.
    eu = _trail(moto, "eu-trail", region="eu-west-1")
    result = _verdict(moto)
    assert result.status is Status.PASS
    assert eu in result.message


def test_unreadable_trail_is_an_error_naming_the_trail(moto: Moto) -> None:
    # A trail whose status cannot be read (here: deleted in its home region after listing,
    # as an organization trail unreadable from a member account would be) is an error, not a
    # silent pass or fail.
    _trail(moto, "eu-trail", region="eu-west-1")
    account = moto.account()
    ctx = account.context("global", CallLog())
    listed = ctx.call("cloudtrail", "describe_trails")  # memoised for the check's own call
    assert listed["trailList"]
    moto.client("cloudtrail", "eu-west-1").delete_trail(Name="eu-trail")
    result = moto.run(cloudtrail_multi_region_enabled, account=account)[0]
    assert result.status is Status.ERROR
    assert result.error_code == "TrailNotFoundException"
    assert "eu-trail (home region eu-west-1) could not be read" in result.message


def test_one_good_trail_is_enough(moto: Moto) -> None:
    _trail(moto, "eu-trail", region="eu-west-1")
    _trail(moto, "stopped-trail", logging=False)
    good = _trail(moto, "org-trail")
    result = _verdict(moto)
    assert result.status is Status.PASS
    assert good in result.message
