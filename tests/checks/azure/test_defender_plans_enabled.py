from checks.azure.defender_plans_enabled import defender_plans_enabled
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, Az, by_resource


def pricing(name: str, tier: str) -> dict[str, object]:
    return {"id": f"/subscriptions/{SUB_A}/providers/Microsoft.Security/pricings/{name}",
            "name": name, "type": "microsoft.security/pricings", "subscriptionId": SUB_A,
            "properties": {"pricingTier": tier}}


def test_standard_plan_passes_free_or_missing_fails(az: Az) -> None:
    az.estate.add(pricing("VirtualMachines", "Standard"), table="securityresources")
    az.estate.add(pricing("StorageAccounts", "Free"), table="securityresources")

    results = by_resource(az.run(defender_plans_enabled,
                                 params={"plans": ("VirtualMachines", "StorageAccounts",
                                                   "KeyVaults")}))

    base = f"/subscriptions/{SUB_A}/providers/Microsoft.Security/pricings"
    assert results[f"{base}/VirtualMachines"].status is Status.PASS
    assert results[f"{base}/StorageAccounts"].status is Status.FAIL
    assert results[f"{base}/KeyVaults"].status is Status.FAIL
    assert "Free" in results[f"{base}/KeyVaults"].message
