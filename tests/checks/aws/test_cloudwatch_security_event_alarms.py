from checks.aws.cloudwatch_security_event_alarms import EVENTS, cloudwatch_security_event_alarms
from collector.model import Status
from tests.conftest import Moto, by_resource

GROUP = "cloudtrail-events"
GROUP_ARN = f"arn:aws:logs:us-east-1:123456789012:log-group:{GROUP}:*"
ALARM = "arn:aws:cloudwatch:us-east-1:123456789012:security-event-alarm"
UNAUTHORIZED = ('{ ($.errorCode = "*UnauthorizedOperation") || '
                '($.errorCode = "AccessDenied*") }')
ROOT = ('{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
        '$.eventType != "AwsServiceEvent" }')


def _trail(moto: Moto) -> None:
    moto.client("s3").create_bucket(Bucket="org-trail-logs")
    moto.client("logs").create_log_group(logGroupName=GROUP)
    moto.client("cloudtrail").create_trail(
        Name="org-trail", S3BucketName="org-trail-logs", IsMultiRegionTrail=True,
        CloudWatchLogsLogGroupArn=GROUP_ARN,
        CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/CloudTrailToCloudWatch")


def _alarm(moto: Moto, name: str, pattern: str, *, subscribed: bool = True) -> None:
    moto.client("logs").put_metric_filter(
        logGroupName=GROUP, filterName=name, filterPattern=pattern,
        metricTransformations=[{"metricName": name, "metricNamespace": "CISBenchmark",
                                "metricValue": "1"}])
    sns = moto.client("sns")
    topic = sns.create_topic(Name=f"{name}-topic")["TopicArn"]
    if subscribed:
        sns.subscribe(TopicArn=topic, Protocol="sqs",
                      Endpoint="arn:aws:sqs:us-east-1:123456789012:security-team")
    moto.client("cloudwatch").put_metric_alarm(
        AlarmName=f"{name}-alarm", MetricName=name, Namespace="CISBenchmark", Statistic="Sum",
        Period=300, EvaluationPeriods=1, Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[topic])


def test_alarmed_event_classes_pass_the_rest_fail(moto: Moto) -> None:
    _trail(moto)
    _alarm(moto, "unauthorized", UNAUTHORIZED)
    _alarm(moto, "root", ROOT, subscribed=False)

    results = by_resource(moto.run(cloudwatch_security_event_alarms))

    assert set(results) == {f"{ALARM}/{name}" for name in EVENTS}
    unauthorized = results[f"{ALARM}/unauthorized-api-calls"]
    assert unauthorized.status is Status.PASS
    assert "unauthorized-alarm" in unauthorized.message
    # an alarm whose topic nobody subscribes to notifies no one
    assert results[f"{ALARM}/root-account-usage"].status is Status.FAIL
    vpc = results[f"{ALARM}/vpc-changes"]
    assert vpc.status is Status.FAIL
    assert GROUP_ARN in vpc.message


def test_without_a_trail_delivering_to_cloudwatch_every_class_fails(moto: Moto) -> None:
    results = moto.run(cloudwatch_security_event_alarms)

    assert len(results) == len(EVENTS)
    assert {r.status for r in results} == {Status.FAIL}
    assert results[0].resource_id.startswith("arn:aws:cloudwatch::123456789012:")
