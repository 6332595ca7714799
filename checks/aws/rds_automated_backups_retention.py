"""RDS: automated backups kept for at least a minimum number of days."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks.aws._rds import PERMISSIONS, clusters, standalone_instances
from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_rds_automated_backups_retention",
    criteria=("CC7.5", "A1.2"),
    permissions=PERMISSIONS,
)
def rds_automated_backups_retention(ctx: AwsApi, *, min_days: int = 7) -> Iterator[Result]:
    """RDS databases keep automated backups for at least the minimum retention period.

    Regional. One result per DB cluster and per DB instance outside a cluster (cluster members
    are backed up by the cluster); resource: its ARN. BackupRetentionPeriod 0 means automated
    backups (and point-in-time recovery) are off and always fails. Pass: BackupRetentionPeriod
    >= `min_days`. Fail: shorter, or 0 (read replicas are judged like any instance: a replica
    with retention 0 fails). Not applicable: never. The listings are region-wide: a failed read
    is an `error` for the region.

    How to fix: Set the backup retention period to at least the minimum number of days.
    Console: RDS > Databases > database > Modify > Backup > Backup retention period
    CLI: aws rds modify-db-instance --db-instance-identifier <db> --backup-retention-period 7
        --apply-immediately
    Terraform:
        resource "aws_db_instance" "main" {
          backup_retention_period = 7
        }
    Docs: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html
    """
    for cluster in clusters(ctx):
        yield _verdict(cluster["DBClusterArn"], cluster, min_days)
    for db in standalone_instances(ctx):
        yield _verdict(db["DBInstanceArn"], db, min_days)


def _verdict(arn: str, resource: dict[str, Any], min_days: int) -> Result:
    days = int(resource.get("BackupRetentionPeriod") or 0)
    if days == 0:
        return Result.failed(arn, "automated backups are disabled (retention 0 days)")
    return Result.of(
        arn,
        days >= min_days,
        f"automated backups are kept {days} days (minimum {min_days})",
        f"automated backups are kept only {days} days (minimum {min_days})",
    )
