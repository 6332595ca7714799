from checks.azure.db_geo_redundant_backup import db_geo_redundant_backup
from collector.demo.azure_fake import resource
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, Az, by_resource

PG = "Microsoft.DBforPostgreSQL/flexibleServers"


def test_geo_backups_pass_local_or_short_fail(az: Az) -> None:
    geo = az.estate.add(resource(SUB_A, "rg", PG, "geo", {"backup": {
        "geoRedundantBackup": "Enabled", "backupRetentionDays": 14}}))
    local = az.estate.add(resource(SUB_A, "rg", "Microsoft.DBforMySQL/flexibleServers", "local", {
        "backup": {"geoRedundantBackup": "Disabled", "backupRetentionDays": 7}}))
    sql_geo = az.estate.add(resource(SUB_A, "rg", "Microsoft.Sql/servers/databases", "s/geo", {
        "currentBackupStorageRedundancy": "Geo"}))
    sql_lrs = az.estate.add(resource(SUB_A, "rg", "Microsoft.Sql/servers/databases", "s/lrs", {
        "currentBackupStorageRedundancy": "Local"}))

    results = by_resource(az.run(db_geo_redundant_backup, params={"min_days": 10}))

    assert results[geo["id"]].status is Status.PASS
    assert results[local["id"]].status is Status.FAIL
    assert "7 days (< 10)" in results[local["id"]].message
    assert results[sql_geo["id"]].status is Status.PASS
    assert results[sql_lrs["id"]].status is Status.FAIL
