from checks.azure.sql_auditing_enabled import sql_auditing_enabled
from collector.demo.azure_fake import resource
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, Az, by_resource

SERVER = "Microsoft.Sql/servers"


def test_auditing_with_retention_passes_off_or_short_fails(az: Az) -> None:
    good = az.estate.add(resource(SUB_A, "rg", SERVER, "good"))
    off = az.estate.add(resource(SUB_A, "rg", SERVER, "off"))
    short = az.estate.add(resource(SUB_A, "rg", SERVER, "short"))
    forever = az.estate.add(resource(SUB_A, "rg", SERVER, "forever"))
    arm = az.estate.arm
    arm[f"{good['id']}/auditingSettings/default"] = {"properties": {
        "state": "Enabled", "retentionDays": 120, "storageEndpoint": "https://x.blob"}}
    arm[f"{off['id']}/auditingSettings/default"] = {"properties": {"state": "Disabled"}}
    arm[f"{short['id']}/auditingSettings/default"] = {"properties": {
        "state": "Enabled", "retentionDays": 30, "storageEndpoint": "https://x.blob"}}
    arm[f"{forever['id']}/auditingSettings/default"] = {"properties": {
        "state": "Enabled", "retentionDays": 0, "isAzureMonitorTargetEnabled": True}}

    results = by_resource(az.run(sql_auditing_enabled))

    assert results[good["id"]].status is Status.PASS
    assert results[forever["id"]].status is Status.PASS
    assert results[off["id"]].status is Status.FAIL
    assert results[short["id"]].status is Status.FAIL
    assert "30 days" in results[short["id"]].message
