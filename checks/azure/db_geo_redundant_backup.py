"""Databases: geo-redundant backups kept long enough."""

from collections.abc import Iterator

from checks.azure._util import GRAPH, props
from collector.cloud.api import AzureApi
from collector.model import Result
from collector.plugin import check

FLEXIBLE = ("Microsoft.DBforPostgreSQL/flexibleServers", "Microsoft.DBforMySQL/flexibleServers")
GEO = ("Geo", "GeoZone")


@check(
    id="azure_db_geo_redundant_backup",
    criteria=("CC7.5", "A1.2"),
    permissions=(GRAPH, "Microsoft.DBforPostgreSQL/flexibleServers/read",
                 "Microsoft.DBforMySQL/flexibleServers/read",
                 "Microsoft.Sql/servers/databases/read"),
)
def db_geo_redundant_backup(ctx: AzureApi, *, min_days: int = 7) -> Iterator[Result]:
    """Database backups are geo-redundant and kept at least the minimum number of days.

    One result per server or database. PostgreSQL and MySQL flexible servers pass with
    backup.geoRedundantBackup Enabled and backupRetentionDays >= `min_days`; Azure SQL user
    databases pass with backup storage redundancy Geo or GeoZone (point-in-time retention is
    at least 7 days on every tier). Otherwise fail; an absent redundancy is unknown and fails.
    master is skipped. Resource Graph only.

    How to fix: Use geo-redundant backup storage and a retention of at least the minimum days
        (geo-redundancy is chosen at server creation for PostgreSQL/MySQL flexible servers).
    Console: Azure Database for PostgreSQL/MySQL > server > Backup and restore (SQL: Backups >
        Retention policies)
    CLI: az postgres flexible-server update --name <server> --resource-group <rg> --backup-retention
        35
    Docs: https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-backup-restore
    """
    for server in ctx.resources(*FLEXIBLE):
        backup = props(server).get("backup") or {}
        days = int(backup.get("backupRetentionDays") or 0)
        problems = []
        if backup.get("geoRedundantBackup") != "Enabled":
            problems.append("backups are not geo-redundant")
        if days < min_days:
            problems.append(f"backups kept {days} days (< {min_days})")
        yield Result.of(server["id"], not problems,
                        f"geo-redundant backups kept {days} days", "; ".join(problems))
    for db in ctx.resources("Microsoft.Sql/servers/databases"):
        if db.get("name") == "master":
            continue
        p = props(db)
        redundancy = p.get("currentBackupStorageRedundancy") or p.get(
            "requestedBackupStorageRedundancy") or "unknown"
        yield Result.of(db["id"], redundancy in GEO, f"backup storage redundancy {redundancy}",
                        f"backup storage redundancy is {redundancy}, not geo-redundant")
