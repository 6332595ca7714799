from checks.azure.activity_log_exported_retained import activity_log_exported_retained
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, SUB_B, Az

WS = (f"/subscriptions/{SUB_A}/resourceGroups/logs/providers/Microsoft.OperationalInsights/"
      "workspaces/central")
SA = f"/subscriptions/{SUB_B}/resourceGroups/logs/providers/Microsoft.Storage/storageAccounts/arch"
ALL = [{"category": c, "enabled": True} for c in ("Administrative", "Security", "Policy", "Alert")]


def diag(sub: str) -> str:
    return f"/subscriptions/{sub}/providers/Microsoft.Insights/diagnosticSettings"


def test_export_to_long_retention_passes_missing_or_short_fails(az: Az) -> None:
    az.estate.arm[diag(SUB_A)] = {"value": [{"name": "to-law", "properties": {
        "workspaceId": WS, "logs": ALL}}]}
    az.estate.arm[WS] = {"properties": {"retentionInDays": 400}}
    az.estate.arm[diag(SUB_B)] = {"value": [{"name": "to-sa", "properties": {
        "storageAccountId": SA, "logs": ALL[:2]}}]}

    [passed] = az.run(activity_log_exported_retained, SUB_A)
    [failed] = az.run(activity_log_exported_retained, SUB_B)

    assert passed.status is Status.PASS
    assert passed.resource_id == f"/subscriptions/{SUB_A}"
    assert failed.status is Status.FAIL
    assert "Policy, Alert" in failed.message


def test_storage_lifecycle_decides_retention(az: Az) -> None:
    az.estate.arm[diag(SUB_B)] = {"value": [{"name": "to-sa", "properties": {
        "storageAccountId": SA, "logs": ALL}}]}
    az.estate.arm[f"{SA}/managementPolicies/default"] = {"properties": {"policy": {"rules": [
        {"enabled": True, "definition": {"actions": {"baseBlob": {
            "delete": {"daysAfterModificationGreaterThan": 90}}}}}]}}}

    [short] = az.run(activity_log_exported_retained, SUB_B)
    assert short.status is Status.FAIL and "90 days" in short.message

    del az.estate.arm[f"{SA}/managementPolicies/default"]  # no lifecycle policy: kept forever
    [kept] = az.run(activity_log_exported_retained, SUB_B)
    assert kept.status is Status.PASS and "forever" in kept.message


def test_no_diagnostic_setting_fails(az: Az) -> None:
    az.estate.arm[diag(SUB_A)] = {"value": []}
    [result] = az.run(activity_log_exported_retained, SUB_A)
    assert result.status is Status.FAIL
    assert "not exported" in result.message
