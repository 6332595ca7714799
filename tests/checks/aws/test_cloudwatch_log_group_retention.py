from checks.aws.cloudwatch_log_group_retention import cloudwatch_log_group_retention
from collector.model import Status
from tests.conftest import Moto, by_resource

ARN = "arn:aws:logs:us-east-1:123456789012:log-group"


def _estate(moto: Moto) -> None:
    logs = moto.client("logs")
    for name, days in (("audit/cloudtrail", 400), ("audit/short", 30), ("app/forever", None)):
        logs.create_log_group(logGroupName=name)
        if days:
            logs.put_retention_policy(logGroupName=name, retentionInDays=days)


def test_retention_is_judged_against_the_minimum(moto: Moto) -> None:
    _estate(moto)

    results = by_resource(moto.run(cloudwatch_log_group_retention))

    assert results[f"{ARN}:audit/cloudtrail"].status is Status.PASS
    short = results[f"{ARN}:audit/short"]
    assert short.status is Status.FAIL
    assert short.message == "events are kept only 30 days (minimum 365)"
    forever = results[f"{ARN}:app/forever"]
    assert forever.status is Status.PASS
    assert forever.message == "events never expire (no retention limit)"


def test_parameters_narrow_groups_and_change_the_minimum(moto: Moto) -> None:
    _estate(moto)

    results = by_resource(moto.run(cloudwatch_log_group_retention,
                                   params={"min_days": 14, "log_groups": ("audit/*",)}))

    assert set(results) == {f"{ARN}:audit/cloudtrail", f"{ARN}:audit/short"}
    assert results[f"{ARN}:audit/short"].status is Status.PASS
