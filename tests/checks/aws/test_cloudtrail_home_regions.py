"""Issue 13, Why 4: a multi-region trail homed in a region the run does not cover is judged by
every per-trail check, exactly once per account, with its reads sent to its home region."""

from __future__ import annotations

from checks.aws.cloudtrail_cloudwatch_delivery import cloudtrail_cloudwatch_delivery
from checks.aws.cloudtrail_kms_encryption import cloudtrail_kms_encryption
from checks.aws.cloudtrail_log_file_validation import cloudtrail_log_file_validation
from checks.aws.cloudtrail_multi_region_enabled import cloudtrail_multi_region_enabled
from collector.model import Status
from tests.conftest import Moto, by_resource
from tests.support.memory_sink import MemorySink

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:cloudtrail:*"


def test_trail_homed_outside_the_configured_regions_is_judged_once(moto: Moto) -> None:
    moto.client("s3").create_bucket(Bucket="org-trail-logs")
    ct = moto.client("cloudtrail", "us-east-1")
    arn = ct.create_trail(Name="org-trail", S3BucketName="org-trail-logs",
                          IsMultiRegionTrail=True, EnableLogFileValidation=True, KmsKeyId=KEY,
                          CloudWatchLogsLogGroupArn=GROUP,
                          CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/ct")["TrailARN"]
    ct.start_logging(Name="org-trail")
    sink = MemorySink()
    account = moto.account(sink, home_region="eu-west-1")
    account.regions = ["eu-west-1"]  # only eu-west-1 is configured

    validation = moto.run(cloudtrail_log_file_validation, account=account)
    kms = moto.run(cloudtrail_kms_encryption, account=account)
    delivery = moto.run(cloudtrail_cloudwatch_delivery, account=account)
    multi = moto.run(cloudtrail_multi_region_enabled, account=account)

    for results in (validation, kms, delivery):
        assert [r.resource_id for r in results] == [arn]  # once, not once per region
        assert results[0].region == "us-east-1"
    assert by_resource(validation)[arn].status is Status.PASS
    assert by_resource(kms)[arn].status is Status.PASS
    # moto records no CloudWatch Logs delivery: the trail is judged (fails), not skipped
    assert by_resource(delivery)[arn].status is Status.FAIL
    assert "no delivery has been recorded" in delivery[0].message
    assert multi[0].status is Status.PASS
    status_reads = {c.region for c in sink.calls.values() if c.operation == "get_trail_status"}
    assert status_reads == {"us-east-1"}  # asked where CloudTrail answers for the trail
    listings = {c.region for c in sink.calls.values() if c.operation == "describe_trails"}
    assert listings == {"eu-west-1"}  # listed only in the configured region
