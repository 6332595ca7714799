from checks.azure.sql_tde_enabled import sql_tde_enabled
from collector.demo.azure_fake import resource
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, Az, by_resource

DB = "Microsoft.Sql/servers/databases"


def test_tde_enabled_passes_disabled_fails_and_cmk_is_optional(az: Az) -> None:
    on = az.estate.add(resource(SUB_A, "rg", DB, "srv/app"))
    off = az.estate.add(resource(SUB_A, "rg", DB, "srv/legacy"))
    master = az.estate.add(resource(SUB_A, "rg", DB, "srv/master"))
    az.estate.arm[f"{on['id']}/transparentDataEncryption/current"] = {
        "properties": {"state": "Enabled"}}
    az.estate.arm[f"{off['id']}/transparentDataEncryption/current"] = {
        "properties": {"state": "Disabled"}}
    server = on["id"].rsplit("/databases/", 1)[0]
    az.estate.arm[f"{server}/encryptionProtector/current"] = {
        "properties": {"serverKeyType": "ServiceManaged"}}

    results = by_resource(az.run(sql_tde_enabled))

    assert results[on["id"]].status is Status.PASS
    assert results[off["id"]].status is Status.FAIL
    assert master["id"] not in results
    strict = by_resource(az.run(sql_tde_enabled, params={"require_cmk": True}))
    assert strict[on["id"]].status is Status.FAIL
    assert "ServiceManaged" in strict[on["id"]].message
