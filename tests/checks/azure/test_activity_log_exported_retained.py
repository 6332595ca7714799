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


def lifecycle(*rules: dict[str, object]) -> dict[str, object]:
    """A storage managementPolicies/default body (ManagementPolicy, 2023-05-01)."""
    return {"properties": {"policy": {"rules": list(rules)}}}


def rule(days: int, *, prefixes: list[str] | None = None, types: tuple[str, ...] = (
        "blockBlob", "appendBlob"), enabled: bool = True) -> dict[str, object]:
    filters: dict[str, object] = {"blobTypes": list(types)}
    if prefixes is not None:
        filters["prefixMatch"] = prefixes
    return {"name": f"delete-{days}", "enabled": enabled, "type": "Lifecycle",
            "definition": {"filters": filters, "actions": {"baseBlob": {
                "delete": {"daysAfterModificationGreaterThan": days}}}}}


def test_lifecycle_rules_apply_only_through_their_filters(az: Az) -> None:
    az.estate.arm[diag(SUB_B)] = {"value": [{"name": "to-sa", "properties": {
        "storageAccountId": SA, "logs": ALL}}]}
    policy = f"{SA}/managementPolicies/default"
    cases = [
        # A 7-day rule for scratch/ says nothing about the activity-log container.
        (lifecycle(rule(7, prefixes=["scratch/"])), Status.PASS),
        # Activity-log blobs are append blobs: a block-blob rule does not touch them.
        (lifecycle(rule(7, prefixes=["insights-activity-logs"], types=("blockBlob",))),
         Status.PASS),
        (lifecycle(rule(7, prefixes=["insights-activity-logs/"], enabled=False)), Status.PASS),
        # Another subscription's folder of the same container is not ours.
        (lifecycle(rule(7, prefixes=["insights-activity-logs/resourceId=/SUBSCRIPTIONS/"
                                     "00000000-0000-0000-0000-000000000000/"])), Status.PASS),
        (lifecycle(rule(30, prefixes=["insights-activity-logs/"])), Status.FAIL),
        (lifecycle(rule(30, prefixes=["insights-activity-logs/resourceId=/SUBSCRIPTIONS/"
                                      f"{SUB_B.upper()}/y=2026"])), Status.FAIL),
        (lifecycle(rule(30)), Status.FAIL),  # no prefixMatch: every blob of the account
        (lifecycle(rule(400, prefixes=["insights-activity-logs/"])), Status.PASS),
    ]
    for body, expected in cases:
        az.estate.arm[policy] = body
        [result] = az.run(activity_log_exported_retained, SUB_B)
        assert result.status is expected, (body, result.message)


def test_a_denied_destination_costs_only_its_setting(az: Az) -> None:
    az.estate.arm[diag(SUB_A)] = {"value": [
        {"name": "to-sa", "properties": {"storageAccountId": SA, "logs": ALL}},
        {"name": "to-law", "properties": {"workspaceId": WS, "logs": ALL}}]}
    az.estate.arm[WS] = {"properties": {"retentionInDays": 400}}
    az.estate.denied = {f"{SA}/managementPolicies/default"}
    [other_passes] = az.run(activity_log_exported_retained, SUB_A)
    assert other_passes.status is Status.PASS

    az.estate.arm[WS] = {"properties": {"retentionInDays": 30}}
    [unknown] = az.run(activity_log_exported_retained, SUB_A)
    assert unknown.status is Status.ERROR and unknown.error_code == "AuthorizationFailed"
    assert "to-sa: cannot read its destination" in unknown.message
