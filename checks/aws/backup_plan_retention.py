"""AWS Backup: plans keep backups long enough, cover the data stores, and encrypt them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from checks.aws._rds import clusters, standalone_instances
from collector.cloud.aws import AwsContext
from collector.model import Result
from collector.plugin import check

MAX_LISTED = 10


def _ebs(ctx: AwsContext) -> list[str]:
    return [ctx.arn("ec2", f"volume/{v['VolumeId']}")
            for v in ctx.paginate("ec2", "describe_volumes", "Volumes")]


def _efs(ctx: AwsContext) -> list[str]:
    return [f["FileSystemArn"] for f in ctx.paginate("efs", "describe_file_systems",
                                                     "FileSystems")]


def _rds(ctx: AwsContext) -> list[str]:
    return ([c["DBClusterArn"] for c in clusters(ctx)]
            + [i["DBInstanceArn"] for i in standalone_instances(ctx)])


def _dynamodb(ctx: AwsContext) -> list[str]:
    return [ctx.arn("dynamodb", f"table/{name}")
            for name in ctx.paginate("dynamodb", "list_tables", "TableNames")]


RESOURCES: dict[str, Callable[[AwsContext], list[str]]] = {
    "EBS": _ebs, "EFS": _efs, "RDS": _rds, "DynamoDB": _dynamodb}


@check(
    id="aws_backup_plan_retention",
    criteria=("CC7.5", "A1.2"),
    permissions=(
        "backup:ListBackupPlans",
        "backup:GetBackupPlan",
        "backup:ListProtectedResources",
        "backup:ListBackupVaults",
        "backup:ListRecoveryPointsByBackupVault",
        "ec2:DescribeVolumes",
        "elasticfilesystem:DescribeFileSystems",
        "rds:DescribeDBInstances",
        "rds:DescribeDBClusters",
        "dynamodb:ListTables",
    ),
)
def backup_plan_retention(
    ctx: AwsContext,
    *,
    min_retention_days: int = 35,
    resource_types: tuple[str, ...] = ("EBS", "EFS", "RDS", "DynamoDB"),
) -> Iterator[Result]:
    """AWS Backup plans retain backups long enough, protect every data store, and encrypt them.

    Regional. moto does not implement ListProtectedResources or ListRecoveryPointsByBackupVault;
    tested with recorded responses. Results:
    - the region (resource: the account ARN): at least one backup plan exists;
    - each plan (its ARN): every rule keeps recovery points at least `min_retention_days`
      (Lifecycle DeleteAfterDays; a rule without it keeps them indefinitely);
    - each EBS volume, EFS file system, RDS cluster / stand-alone instance and DynamoDB table
      (`resource_types`; resource: its ARN): AWS Backup lists it as a protected resource, i.e.
      it has at least one recovery point;
    - each backup vault (its ARN): every recovery point in it is encrypted.
    """
    plans = ctx.paginate("backup", "list_backup_plans", "BackupPlansList")
    yield Result.of(ctx.account_arn, bool(plans),
                    f"{len(plans)} backup plan(s) in {ctx.region}",
                    f"no AWS Backup plan in {ctx.region}")
    for plan in plans:
        body = ctx.call("backup", "get_backup_plan", BackupPlanId=plan["BackupPlanId"])
        yield _plan_verdict(plan["BackupPlanArn"], body.get("BackupPlan") or {},
                            min_retention_days)
    in_scope = [(kind, arn) for kind in resource_types for arn in RESOURCES[kind](ctx)]
    protected = {r["ResourceArn"] for r in ctx.paginate(
        "backup", "list_protected_resources", "Results")} if in_scope else set()
    for kind, arn in in_scope:
        yield Result.of(arn, arn in protected,
                        f"{kind} resource is protected by AWS Backup (has recovery points)",
                        f"{kind} resource has no AWS Backup recovery point")
    for vault in ctx.paginate("backup", "list_backup_vaults", "BackupVaultList"):
        points = ctx.paginate("backup", "list_recovery_points_by_backup_vault", "RecoveryPoints",
                              BackupVaultName=vault["BackupVaultName"])
        plain = [p["RecoveryPointArn"] for p in points if not p.get("IsEncrypted")]
        shown = ", ".join(plain[:MAX_LISTED]) + (" …" if len(plain) > MAX_LISTED else "")
        yield Result.of(vault["BackupVaultArn"], not plain,
                        f"all {len(points)} recovery point(s) are encrypted",
                        f"{len(plain)} of {len(points)} recovery point(s) are not encrypted: "
                        f"{shown}")


def _plan_verdict(arn: str, plan: dict[str, Any], min_days: int) -> Result:
    short, kept = [], []
    for rule in plan.get("Rules") or []:
        days = (rule.get("Lifecycle") or {}).get("DeleteAfterDays")
        name = rule.get("RuleName", "?")
        if days is None:
            kept.append(f"{name}: indefinitely")
        elif int(days) < min_days:
            short.append(f"{name}: {days} days")
        else:
            kept.append(f"{name}: {days} days")
    if not short and not kept:
        return Result.failed(arn, "the plan has no backup rules")
    if short:
        return Result.failed(arn, f"rule(s) keep backups less than {min_days} days: "
                                  + "; ".join(short))
    return Result.passed(arn, f"every rule keeps backups at least {min_days} days ("
                              + "; ".join(kept) + ")")
