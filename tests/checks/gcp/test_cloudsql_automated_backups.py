from checks.gcp.cloudsql_automated_backups import cloudsql_automated_backups
from collector.demo.gcp_estate import build_gcp_estate
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, by_resource

S = "//cloudsql.googleapis.com/projects/"
PROD_DB, DEV_DB = S + "acme-prod/instances/prod-db", S + "acme-dev/instances/dev-db"


def test_backups_with_pitr_pass_disabled_backups_fail(gcp: AssetEstate) -> None:
    results = by_resource(gcp.run(cloudsql_automated_backups))

    assert results[PROD_DB].status is Status.PASS
    assert results[DEV_DB].status is Status.FAIL
    assert results[DEV_DB].message == "automated backups are disabled"


def test_mysql_needs_binary_logging_for_point_in_time_recovery(gcp: AssetEstate) -> None:
    estate = build_gcp_estate()
    dev = next(a for a in estate if a["name"] == DEV_DB)
    dev["resource"]["data"]["settings"]["backupConfiguration"] = {
        "enabled": True, "pointInTimeRecoveryEnabled": True}  # ignored for MySQL
    gcp.load(estate)

    result = by_resource(gcp.run(cloudsql_automated_backups))[DEV_DB]

    assert result.status is Status.FAIL
    assert "point-in-time recovery is off" in result.message
