"""Monitor: activity log alerts on security-relevant changes."""

from collections.abc import Iterator
from typing import Any

from checks.azure._util import GRAPH, props
from collector.cloud.api import AzureApi
from collector.model import Result
from collector.plugin import check

OPERATIONS = (
    "Microsoft.Network/networkSecurityGroups/write",
    "Microsoft.Network/networkSecurityGroups/delete",
    "Microsoft.Network/networkSecurityGroups/securityRules/write",
    "Microsoft.Network/networkSecurityGroups/securityRules/delete",
    "Microsoft.Authorization/policyAssignments/write",
    "Microsoft.Authorization/policyAssignments/delete",
    "Microsoft.Security/securitySolutions/write",
    "Microsoft.Security/securitySolutions/delete",
    "Microsoft.Sql/servers/firewallRules/write",
    "Microsoft.Sql/servers/firewallRules/delete",
    "Microsoft.Network/publicIPAddresses/write",
    "Microsoft.Network/publicIPAddresses/delete",
)


@check(
    id="azure_activity_log_alerts_security_changes",
    criteria=("CC7.2", "CC7.3"),
    permissions=(GRAPH, "Microsoft.Insights/activityLogAlerts/read"),
)
def activity_log_alerts_security_changes(
    ctx: AzureApi, *, operations: tuple[str, ...] = OPERATIONS
) -> Iterator[Result]:
    """Enabled activity log alerts notify someone of security-relevant changes.

    One result for the subscription. Passes when every operation in `operations` (create and
    delete of NSGs and their rules, policy assignments, security solutions, SQL firewall
    rules, public IPs) is matched by an enabled alert scoped to the subscription with an
    action group; fails naming the operations missing. Conditions are allOf (every leaf must
    match): an alert also narrowed by another field (resourceGroup, status, caller, level…)
    fires only for part of the changes and covers nothing; category and resourceType/Provider
    leaves do not narrow. Alerts scoped to a resource group or resource do not count.

    How to fix: Create enabled activity log alerts for the security-relevant operations, each with
        an action group that notifies someone.
    Console: Monitor > Alerts > Create > Alert rule > Signal: Activity log (operation), Actions:
        action group
    CLI: az monitor activity-log alert create --name <name> --resource-group <rg> --condition
        category=Administrative and operationName=Microsoft.Network/networkSecurityGroups/write
        --action-group <action-group-id>
    Docs: https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-create-activity-log-alert-rule
    """
    covered: set[str] = set()
    for alert in ctx.resources("Microsoft.Insights/activityLogAlerts"):
        p = props(alert)
        if p.get("enabled") is False or not (p.get("actions") or {}).get("actionGroups"):
            continue
        scopes = [str(s).lower() for s in p.get("scopes") or []]
        if scopes and ctx.subscription_resource.lower() not in scopes:
            continue
        covered.update(_operations(p.get("condition") or {}))
    missing = [op for op in operations if op.lower() not in covered]
    yield Result.of(ctx.subscription_resource, not missing,
                    f"enabled alerts with action groups cover all {len(operations)} operations",
                    "no enabled alert with an action group for: " + ", ".join(missing))


NOT_NARROWING = ("operationname", "category", "resourcetype", "resourceprovider")
"""allOf leaf fields that do not limit which changes of the operations fire the alert."""


def _operations(condition: dict[str, Any]) -> set[str]:
    """Operations an alert condition fires for on every change (allOf: all leaves must match;
    anyOf inside a leaf: any one)."""
    found: set[str] = set()
    for cond in condition.get("allOf") or []:
        field = str(cond.get("field") or "").lower()
        if field and field not in NOT_NARROWING:
            return set()
        if field == "operationname":
            if cond.get("equals"):
                found.add(str(cond["equals"]).lower())
            found.update(str(v).lower() for v in cond.get("containsAny") or [])
        alts = cond.get("anyOf") or []
        if any(str(a.get("field") or "").lower() not in NOT_NARROWING for a in alts):
            return set()
        for alt in alts:
            if str(alt.get("field", "")).lower() == "operationname" and alt.get("equals"):
                found.add(str(alt["equals"]).lower())
    return found
