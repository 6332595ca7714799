from checks.azure.storage_soft_delete_versioning import storage_soft_delete_versioning
from collector.demo.azure_fake import resource
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, Az, by_resource

TYPE = "Microsoft.Storage/storageAccounts"


def blob_service(days: int, versioning: bool, container: bool = True) -> dict[str, object]:
    return {"properties": {
        "deleteRetentionPolicy": {"enabled": True, "days": days},
        "containerDeleteRetentionPolicy": {"enabled": container, "days": days},
        "isVersioningEnabled": versioning}}


def test_soft_delete_and_versioning_pass_short_or_missing_fail(az: Az) -> None:
    good = az.estate.add(resource(SUB_A, "rg", TYPE, "good", kind="StorageV2"))
    short = az.estate.add(resource(SUB_A, "rg", TYPE, "short", kind="StorageV2"))
    unversioned = az.estate.add(resource(SUB_A, "rg", TYPE, "unversioned", kind="StorageV2"))
    files = az.estate.add(resource(SUB_A, "rg", TYPE, "files", kind="FileStorage"))
    az.estate.arm[f"{good['id']}/blobServices/default"] = blob_service(14, True)
    az.estate.arm[f"{short['id']}/blobServices/default"] = blob_service(3, True, container=False)
    az.estate.arm[f"{unversioned['id']}/blobServices/default"] = blob_service(30, False)

    results = by_resource(az.run(storage_soft_delete_versioning))

    assert results[good["id"]].status is Status.PASS
    assert results[short["id"]].status is Status.FAIL
    assert "3 days" in results[short["id"]].message
    assert "container soft delete is off" in results[short["id"]].message
    assert results[unversioned["id"]].status is Status.FAIL
    assert files["id"] not in results
    lenient = by_resource(az.run(storage_soft_delete_versioning,
                                 params={"require_versioning": False}))
    assert lenient[unversioned["id"]].status is Status.PASS
