from checks.aws.cloudtrail_cloudwatch_delivery import cloudtrail_cloudwatch_delivery
from collector.model import Status
from tests.checks.aws.replaying import replay
from tests.conftest import Moto, by_resource

GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:cloudtrail:*"
TRAIL = "arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail"


def _trail(moto: Moto, name: str, **extra: str) -> str:
    moto.client("s3").create_bucket(Bucket=f"{name}-logs")
    ct = moto.client("cloudtrail")
    arn: str = ct.create_trail(Name=name, S3BucketName=f"{name}-logs", **extra)["TrailARN"]
    ct.start_logging(Name=name)
    return arn


def test_trail_without_log_group_fails_and_undelivered_group_fails(moto: Moto) -> None:
    # moto never reports LatestCloudWatchLogsDeliveryTime: a configured group shows no delivery.
    silent = _trail(moto, "s3-only-trail")
    configured = _trail(moto, "cw-trail", CloudWatchLogsLogGroupArn=GROUP,
                        CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/CloudTrailToCW")

    results = by_resource(moto.run(cloudtrail_cloudwatch_delivery))

    assert results[silent].status is Status.FAIL
    assert results[silent].message == "the trail does not deliver to CloudWatch Logs"
    assert results[configured].status is Status.FAIL
    assert "no delivery has been recorded" in results[configured].message


def test_recent_delivery_passes() -> None:
    result = by_resource(replay(cloudtrail_cloudwatch_delivery, "recent"))[TRAIL]
    assert result.status is Status.PASS
    assert "latest delivery" in result.message


def test_stale_delivery_fails_and_names_the_error() -> None:
    result = by_resource(replay(cloudtrail_cloudwatch_delivery, "stale"))[TRAIL]
    assert result.status is Status.FAIL
    assert "more than 24 hours ago" in result.message
    assert "AccessDeniedException" in result.message
