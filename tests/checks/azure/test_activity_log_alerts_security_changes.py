from checks.azure.activity_log_alerts_security_changes import (
    OPERATIONS,
    activity_log_alerts_security_changes,
)
from collector.demo.azure_fake import resource
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, SUB_B, Az

TYPE = "Microsoft.Insights/activityLogAlerts"
GROUP = {"actionGroups": [{"actionGroupId": "/subscriptions/x/actionGroups/secops"}]}


def alert(sub: str, op: str, enabled: bool = True, actions: object = GROUP) -> dict[str, object]:
    return resource(sub, "alerts", TYPE, op.replace("/", "-"), {
        "enabled": enabled, "scopes": [f"/subscriptions/{sub}"], "actions": actions,
        "condition": {"allOf": [{"field": "category", "equals": "Administrative"},
                                {"field": "operationName", "equals": op}]}}, location="global")


def test_all_operations_alerted_passes_gaps_fail(az: Az) -> None:
    for op in OPERATIONS:
        az.estate.add(alert(SUB_A, op))
    for op in OPERATIONS[:-2]:
        az.estate.add(alert(SUB_B, op))
    az.estate.add(alert(SUB_B, OPERATIONS[-2], enabled=False))
    az.estate.add(alert(SUB_B, OPERATIONS[-1], actions={}))

    [ok] = az.run(activity_log_alerts_security_changes, SUB_A)
    [gap] = az.run(activity_log_alerts_security_changes, SUB_B)

    assert ok.status is Status.PASS
    assert gap.status is Status.FAIL
    assert OPERATIONS[-1] in gap.message and OPERATIONS[-2] in gap.message
    assert OPERATIONS[0] not in gap.message


def test_an_alert_narrowed_by_another_allof_leaf_covers_nothing(az: Az) -> None:
    # ActivityLogAlertAllOfCondition: every leaf must match, so a status or resource-group
    # leaf limits the alert to part of the changes.
    for op in OPERATIONS[1:]:
        az.estate.add(alert(SUB_A, op))
    narrowed = alert(SUB_A, OPERATIONS[0])
    narrowed["properties"]["condition"]["allOf"].append(  # type: ignore[index]
        {"field": "status", "equals": "Failed"})
    az.estate.add(narrowed)
    [result] = az.run(activity_log_alerts_security_changes, SUB_A)
    assert result.status is Status.FAIL and OPERATIONS[0] in result.message

    with_type = alert(SUB_B, OPERATIONS[0])
    with_type["properties"]["condition"]["allOf"].append(  # type: ignore[index]
        {"field": "resourceType", "equals": "Microsoft.Network/networkSecurityGroups"})
    az.estate.add(with_type)
    for op in OPERATIONS[1:]:
        az.estate.add(alert(SUB_B, op))
    [typed] = az.run(activity_log_alerts_security_changes, SUB_B)
    assert typed.status is Status.PASS
