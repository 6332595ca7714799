"""Cloud SQL: automated backups with point-in-time recovery and enough retention."""

from __future__ import annotations

from collections.abc import Iterator

from checks.gcp._assets import LIST_RESOURCE, as_bool, as_int, data, is_primary_sql, verdict
from collector.cloud.api import GcpApi
from collector.model import Result
from collector.plugin import check


@check(
    id="gcp_cloudsql_automated_backups",
    criteria=("CC7.5", "A1.2"),
    permissions=(LIST_RESOURCE,),
)
def cloudsql_automated_backups(ctx: GcpApi, *, min_retained_backups: int = 7
                               ) -> Iterator[Result]:
    """Cloud SQL instances take automated backups with point-in-time recovery.

    One result per primary instance (`instanceType` CLOUD_SQL_INSTANCE). Passes when
    `backupConfiguration.enabled`, point-in-time recovery is on (`pointInTimeRecoveryEnabled`
    for PostgreSQL and SQL Server, `binaryLogEnabled` for MySQL) and at least
    `min_retained_backups` backups are retained (unset: Google's default, 7); fails otherwise.
    Not judged: read replicas, read pools, on-premises sources and blue/green targets.

    How to fix: Turn on automated backups and point-in-time recovery (binary logging for MySQL).
    Console: SQL > instance > Edit > Data protection > Automate backups; Enable point-in-time
        recovery
    CLI: gcloud sql instances patch <instance> --backup-start-time 03:00
        --enable-point-in-time-recovery
    Docs: https://cloud.google.com/sql/docs/postgres/backup-recovery/backups
    """
    for inst in ctx.assets("sqladmin.googleapis.com/Instance"):
        d = data(inst)
        if not is_primary_sql(inst):
            continue
        backup = (d.get("settings") or {}).get("backupConfiguration") or {}
        if not as_bool(backup.get("enabled")):
            yield verdict(ctx, inst, False, "", "automated backups are disabled")
            continue
        mysql = str(d.get("databaseVersion", "")).startswith("MYSQL")
        pitr = as_bool(backup.get("binaryLogEnabled" if mysql else "pointInTimeRecoveryEnabled"))
        kept = as_int((backup.get("backupRetentionSettings") or {}).get("retainedBackups")) or 7
        problems = [] if pitr else ["point-in-time recovery is off"]
        if kept < min_retained_backups:
            problems.append(f"{kept} backups retained (minimum {min_retained_backups})")
        yield verdict(ctx, inst, not problems,
                      f"automated backups with point-in-time recovery, {kept} retained",
                      "; ".join(problems))
