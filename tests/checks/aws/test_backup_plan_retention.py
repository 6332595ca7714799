from checks.aws.backup_plan_retention import backup_plan_retention
from collector.model import Status
from tests.checks.aws.replaying import replay
from tests.conftest import by_resource

A = "123456789012"
PLAN = f"arn:aws:backup:us-east-1:{A}:backup-plan"


def test_plans_resources_and_vaults_are_judged() -> None:
    results = by_resource(replay(backup_plan_retention, "estate"))

    assert results[f"arn:aws:iam::{A}:root"].status is Status.PASS
    daily = results[f"{PLAN}:8f2b7c1e-0d1a-4b3c-9e8f-7a6b5c4d3e2f"]
    assert daily.status is Status.PASS
    assert "monthly: indefinitely" in daily.message
    weekly = results[f"{PLAN}:1a2b3c4d-5e6f-4789-8abc-def012345678"]
    assert weekly.status is Status.FAIL
    assert weekly.message == "rule(s) keep backups less than 35 days: weekly: 14 days"
    assert results[f"arn:aws:ec2:us-east-1:{A}:volume/vol-0aaaa1111bbbb2222"].status is Status.PASS
    bare = results[f"arn:aws:ec2:us-east-1:{A}:volume/vol-0cccc3333dddd4444"]
    assert bare.status is Status.FAIL
    assert bare.message == "EBS resource has no AWS Backup recovery point"
    efs = results[f"arn:aws:elasticfilesystem:us-east-1:{A}:file-system/fs-0123abcd"]
    assert efs.status is Status.FAIL
    assert results[f"arn:aws:rds:us-east-1:{A}:db:orders-db"].status is Status.PASS
    assert results[f"arn:aws:dynamodb:us-east-1:{A}:table/orders"].status is Status.PASS
    prod = results[f"arn:aws:backup:us-east-1:{A}:backup-vault:prod-vault"]
    assert prod.status is Status.PASS
    assert prod.message == "all 2 recovery point(s) are encrypted"
    legacy = results[f"arn:aws:backup:us-east-1:{A}:backup-vault:legacy-vault"]
    assert legacy.status is Status.FAIL
    assert legacy.message.startswith("1 of 1 recovery point(s) are not encrypted")


def test_minimum_retention_and_resource_types_are_parameters() -> None:
    results = by_resource(replay(backup_plan_retention, "estate",
                                 params={"min_retention_days": 7,
                                         "resource_types": ("DynamoDB",)}))

    assert results[f"{PLAN}:1a2b3c4d-5e6f-4789-8abc-def012345678"].status is Status.PASS
    assert f"arn:aws:ec2:us-east-1:{A}:volume/vol-0cccc3333dddd4444" not in results


def test_region_without_a_plan_fails() -> None:
    results = by_resource(replay(backup_plan_retention, "empty", region="eu-west-1",
                                 params={"resource_types": ()}))

    assert results == {f"arn:aws:iam::{A}:root": results[f"arn:aws:iam::{A}:root"]}
    assert results[f"arn:aws:iam::{A}:root"].status is Status.FAIL
    assert results[f"arn:aws:iam::{A}:root"].message == "no AWS Backup plan in eu-west-1"
