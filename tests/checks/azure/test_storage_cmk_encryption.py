from checks.azure.storage_cmk_encryption import storage_cmk_encryption
from collector.demo.azure_fake import resource
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, Az, by_resource

TYPE = "Microsoft.Storage/storageAccounts"


def test_keyvault_key_passes_platform_key_fails(az: Az) -> None:
    cmk = az.estate.add(resource(SUB_A, "rg", TYPE, "cmk", {
        "encryption": {"keySource": "Microsoft.Keyvault",
                       "requireInfrastructureEncryption": True}}))
    pmk = az.estate.add(resource(SUB_A, "rg", TYPE, "pmk", {
        "encryption": {"keySource": "Microsoft.Storage"}}))

    results = by_resource(az.run(storage_cmk_encryption))

    assert results[cmk["id"]].status is Status.PASS
    assert "infrastructure" in results[cmk["id"]].message
    assert results[pmk["id"]].status is Status.FAIL
