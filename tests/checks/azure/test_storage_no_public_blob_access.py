from checks.azure.storage_no_public_blob_access import storage_no_public_blob_access
from collector.demo.azure_fake import resource
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, Az, by_resource

TYPE = "Microsoft.Storage/storageAccounts"


def test_private_account_passes_public_or_open_network_fails(az: Az) -> None:
    private = az.estate.add(resource(SUB_A, "rg", TYPE, "private", {
        "allowBlobPublicAccess": False, "networkAcls": {"defaultAction": "Deny"}}))
    public = az.estate.add(resource(SUB_A, "rg", TYPE, "public", {
        "allowBlobPublicAccess": True, "publicNetworkAccess": "Disabled"}))
    legacy = az.estate.add(resource(SUB_A, "rg", TYPE, "legacy", {
        "networkAcls": {"defaultAction": "Deny"}}))
    open_net = az.estate.add(resource(SUB_A, "rg", TYPE, "opennet", {
        "allowBlobPublicAccess": False, "networkAcls": {"defaultAction": "Allow"}}))

    results = by_resource(az.run(storage_no_public_blob_access))

    assert results[private["id"]].status is Status.PASS
    assert results[public["id"]].status is Status.FAIL
    assert results[legacy["id"]].status is Status.FAIL  # absent property: allowed (pre-2023)
    assert results[open_net["id"]].status is Status.FAIL
    assert "all networks" in results[open_net["id"]].message
    relaxed = by_resource(az.run(storage_no_public_blob_access,
                                 params={"require_network_restriction": False}))
    assert relaxed[open_net["id"]].status is Status.PASS
