"""AWS Backup: plans keep backups long enough, cover the data stores, and encrypt them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from checks.aws._rds import clusters, standalone_instances
from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check, each

MAX_LISTED = 10


def _ebs(ctx: AwsApi) -> list[str]:
    return [ctx.arn("ec2", f"volume/{v['VolumeId']}")
            for v in ctx.paginate("ec2", "describe_volumes", "Volumes")]


def _efs(ctx: AwsApi) -> list[str]:
    return [f["FileSystemArn"] for f in ctx.paginate("efs", "describe_file_systems",
                                                     "FileSystems")]


def _rds(ctx: AwsApi) -> list[str]:
    return ([c["DBClusterArn"] for c in clusters(ctx)]
            + [i["DBInstanceArn"] for i in standalone_instances(ctx)])


def _dynamodb(ctx: AwsApi) -> list[str]:
    return [ctx.arn("dynamodb", f"table/{name}")
            for name in ctx.paginate("dynamodb", "list_tables", "TableNames")]


RESOURCES: dict[str, Callable[[AwsApi], list[str]]] = {
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
    ctx: AwsApi,
    *,
    min_retention_days: int = 35,
    resource_types: tuple[str, ...] = ("EBS", "EFS", "RDS", "DynamoDB"),
) -> Iterator[Result]:
    """AWS Backup plans retain backups long enough, protect every data store, and encrypt them.

    Regional. moto does not implement ListProtectedResources or ListRecoveryPointsByBackupVault;
    tested with recorded responses. Results:
    - the region (resource: the account ARN): pass when at least one backup plan exists;
    - each plan (its ARN): pass when every rule keeps recovery points at least
      `min_retention_days`; fail for a shorter rule or a plan without rules. Per the Backup
      API's Lifecycle shape, no DeleteAfterDays or DeleteAfterDays -1 keeps them indefinitely;
      a rule with DeleteAfterEvent DELETE_AFTER_COPY keeps only its copies, so it counts the
      shortest copy action's retention (no copy action: fail). Which resources a plan selects
      is judged per resource below, not here;
    - each EBS volume, EFS file system, RDS cluster / stand-alone instance and DynamoDB table
      (`resource_types`; resource: its ARN): pass when ListProtectedResources lists it (it has
      at least one recovery point), else fail;
    - each backup vault (its ARN): pass when every recovery point in it is encrypted
      (IsEncrypted), else fail (the unencrypted points are named).
    A plan or vault whose own read fails is an `error` for it only.
    Nothing is `not_applicable`: a region without a plan fails, a data store no plan protects
    fails.

    How to fix: Set every backup rule's lifecycle to keep recovery points at least the minimum days,
        select every data store, and use an encrypted vault.
    Console: AWS Backup > Backup plans > plan > Backup rules / Resource assignments
    CLI: aws backup update-backup-plan --backup-plan-id <id> --backup-plan file://plan.json
    Terraform:
        resource "aws_backup_plan" "main" {
          rule {
            lifecycle { delete_after = 35 }
          }
        }
    Docs: https://docs.aws.amazon.com/aws-backup/latest/devguide/creating-a-backup-plan.html
    """
    plans = ctx.paginate("backup", "list_backup_plans", "BackupPlansList")
    yield Result.of(ctx.account_arn, bool(plans),
                    f"{len(plans)} backup plan(s) in {ctx.region}",
                    f"no AWS Backup plan in {ctx.region}")

    def plan_verdict(plan: dict[str, Any]) -> list[Result]:
        body = ctx.call("backup", "get_backup_plan", BackupPlanId=plan["BackupPlanId"])
        return [_plan_verdict(plan["BackupPlanArn"], body.get("BackupPlan") or {},
                              min_retention_days)]

    yield from each(plans, resource=lambda p: p["BackupPlanArn"], judge=plan_verdict)
    in_scope = [(kind, arn) for kind in resource_types for arn in RESOURCES[kind](ctx)]
    protected = {r["ResourceArn"] for r in ctx.paginate(
        "backup", "list_protected_resources", "Results")} if in_scope else set()
    for kind, arn in in_scope:
        yield Result.of(arn, arn in protected,
                        f"{kind} resource is protected by AWS Backup (has recovery points)",
                        f"{kind} resource has no AWS Backup recovery point")

    def vault_verdict(vault: dict[str, Any]) -> list[Result]:
        points = ctx.paginate("backup", "list_recovery_points_by_backup_vault",
                              "RecoveryPoints", BackupVaultName=vault["BackupVaultName"])
        plain = [p["RecoveryPointArn"] for p in points if not p.get("IsEncrypted")]
        shown = ", ".join(plain[:MAX_LISTED]) + (" …" if len(plain) > MAX_LISTED else "")
        return [Result.of(vault["BackupVaultArn"], not plain,
                          f"all {len(points)} recovery point(s) are encrypted",
                          f"{len(plain)} of {len(points)} recovery point(s) are not "
                          f"encrypted: {shown}")]

    yield from each(ctx.paginate("backup", "list_backup_vaults", "BackupVaultList"),
                    resource=lambda v: v["BackupVaultArn"], judge=vault_verdict)


def _kept_days(lifecycle: dict[str, Any] | None) -> int | None:
    """Days a lifecycle keeps a recovery point; None: indefinitely (absent or -1)."""
    days = (lifecycle or {}).get("DeleteAfterDays")
    return None if days is None or int(days) < 0 else int(days)


def _rule_days(rule: dict[str, Any]) -> int | str | None:
    """The rule's retention in days, None for indefinitely, or why it has none."""
    lifecycle = rule.get("Lifecycle") or {}
    if lifecycle.get("DeleteAfterEvent"):
        copies = [_kept_days(c.get("Lifecycle")) for c in rule.get("CopyActions") or []]
        if not copies:
            return f"deleted {lifecycle['DeleteAfterEvent']} with no copy action"
        finite = [d for d in copies if d is not None]
        return min(finite) if finite else None
    return _kept_days(lifecycle)


def _plan_verdict(arn: str, plan: dict[str, Any], min_days: int) -> Result:
    short, kept = [], []
    for rule in plan.get("Rules") or []:
        days = _rule_days(rule)
        name = rule.get("RuleName", "?")
        if isinstance(days, str):
            short.append(f"{name}: {days}")
        elif days is None:
            kept.append(f"{name}: indefinitely")
        elif days < min_days:
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
