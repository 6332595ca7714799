from checks.aws.cloudtrail_log_file_validation import cloudtrail_log_file_validation
from collector.model import Status
from tests.conftest import Moto, by_resource


def _trail(moto: Moto, name: str, region: str, validation: bool, *,
           multi_region: bool = True) -> str:
    s3 = moto.client("s3", region)
    config = {} if region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=f"{name}-logs", **config)
    arn: str = moto.client("cloudtrail", region).create_trail(
        Name=name, S3BucketName=f"{name}-logs", IsMultiRegionTrail=multi_region,
        EnableLogFileValidation=validation)["TrailARN"]
    return arn


def test_every_trail_is_judged_once_with_its_home_region(moto: Moto) -> None:
    validated = _trail(moto, "validated-trail", "us-east-1", True)
    unvalidated = _trail(moto, "unvalidated-trail", "us-east-1", False)
    european = _trail(moto, "eu-trail", "eu-west-1", False, multi_region=False)
    account = moto.account()
    account.regions = ["us-east-1", "eu-west-1"]

    results = moto.run(cloudtrail_log_file_validation, account=account)
    found = by_resource(results)  # asserts one result per trail, not one per region

    assert set(found) == {validated, unvalidated, european}
    assert found[validated].status is Status.PASS
    assert found[unvalidated].status is Status.FAIL
    assert found[unvalidated].message == "log file validation is disabled"
    assert found[european].status is Status.FAIL
    assert {a: r.region for a, r in found.items()} == {
        validated: "us-east-1", unvalidated: "us-east-1", european: "eu-west-1"}


def test_single_region_trail_outside_the_run_is_not_judged(moto: Moto) -> None:
    _trail(moto, "eu-trail", "eu-west-1", False, multi_region=False)
    account = moto.account()
    account.regions = ["ap-southeast-2"]
    assert moto.run(cloudtrail_log_file_validation, account=account) == []
