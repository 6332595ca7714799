from checks.azure.vm_backup_enabled import ITEMS, POLICIES, TABLE, vm_backup_enabled
from collector.demo.azure_fake import resource
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, Az, by_resource

VM = "Microsoft.Compute/virtualMachines"


def test_protected_vm_passes_unprotected_or_short_retention_fails(az: Az) -> None:
    good = az.estate.add(resource(SUB_A, "rg", VM, "good"))
    short = az.estate.add(resource(SUB_A, "rg", VM, "short"))
    bare = az.estate.add(resource(SUB_A, "rg", VM, "bare"))
    stopped = az.estate.add(resource(SUB_A, "rg", VM, "stopped"))
    daily = az.estate.add(resource(SUB_A, "bk", POLICIES, "vault/daily30", {"retentionPolicy": {
        "dailySchedule": {"retentionDuration": {"count": 30, "durationType": "Days"}}}}),
        table=TABLE)
    brief = az.estate.add(resource(SUB_A, "bk", POLICIES, "vault/brief", {"retentionPolicy": {
        "dailySchedule": {"retentionDuration": {"count": 3, "durationType": "Days"}}}}),
        table=TABLE)
    for vm, pol, state in ((good, daily, "Protected"), (short, brief, "Protected"),
                           (stopped, daily, "ProtectionStopped")):
        name = f"vault/Azure/iaas;{vm['name']}/vm;{vm['name']}"
        az.estate.add(resource(SUB_A, "bk", ITEMS, name, {
            "sourceResourceId": vm["id"], "policyId": pol["id"], "policyName": pol["name"],
            "protectionState": state}), table=TABLE)

    results = by_resource(az.run(vm_backup_enabled))

    assert results[good["id"]].status is Status.PASS
    assert results[short["id"]].status is Status.FAIL
    assert "3 days" in results[short["id"]].message
    assert results[bare["id"]].status is Status.FAIL
    assert results[stopped["id"]].status is Status.FAIL
