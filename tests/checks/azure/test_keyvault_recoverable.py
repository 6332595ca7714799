from checks.azure.keyvault_recoverable import keyvault_recoverable
from collector.demo.azure_fake import resource
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, Az, by_resource

VAULT = "Microsoft.KeyVault/vaults"


def test_purge_protected_vault_passes_unprotected_fails(az: Az) -> None:
    good = az.estate.add(resource(SUB_A, "rg", VAULT, "good", {
        "enableSoftDelete": True, "enablePurgeProtection": True}))
    bad = az.estate.add(resource(SUB_A, "rg", VAULT, "bad", {"enableSoftDelete": True}))

    results = by_resource(az.run(keyvault_recoverable))

    assert results[good["id"]].status is Status.PASS
    assert results[bad["id"]].status is Status.FAIL
    assert "purge protection" in results[bad["id"]].message
