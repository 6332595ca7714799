from checks.aws.cloudtrail_log_file_validation import cloudtrail_log_file_validation
from collector.model import Status
from tests.conftest import Moto, by_resource


def _trail(moto: Moto, name: str, region: str, validation: bool) -> str:
    s3 = moto.client("s3", region)
    config = {} if region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=f"{name}-logs", **config)
    arn: str = moto.client("cloudtrail", region).create_trail(
        Name=name, S3BucketName=f"{name}-logs", IsMultiRegionTrail=True,
        EnableLogFileValidation=validation)["TrailARN"]
    return arn


def test_each_region_judges_the_trails_homed_there(moto: Moto) -> None:
    validated = _trail(moto, "validated-trail", "us-east-1", True)
    unvalidated = _trail(moto, "unvalidated-trail", "us-east-1", False)
    european = _trail(moto, "eu-trail", "eu-west-1", False)

    us = by_resource(moto.run(cloudtrail_log_file_validation, region="us-east-1"))
    eu = by_resource(moto.run(cloudtrail_log_file_validation, region="eu-west-1"))

    assert us[validated].status is Status.PASS
    assert us[unvalidated].status is Status.FAIL
    assert us[unvalidated].message == "log file validation is disabled"
    assert european not in us
    assert set(eu) == {european}
    assert eu[european].status is Status.FAIL


def test_region_without_trails_gives_no_results(moto: Moto) -> None:
    assert moto.run(cloudtrail_log_file_validation, region="ap-southeast-2") == []
