"""Monitor: activity log alerts on security-relevant changes."""

from collections.abc import Iterator
from typing import Any

from checks.azure._util import GRAPH, props
from collector.cloud.azure import AzureContext
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
    scoping="global",
)
def activity_log_alerts_security_changes(
    ctx: AzureContext, *, operations: tuple[str, ...] = OPERATIONS
) -> Iterator[Result]:
    """Enabled activity log alerts notify someone of security-relevant changes.

    One result for the subscription. Every operation in `operations` (create/delete of NSGs
    and their rules, policy assignments, security solutions, SQL firewall rules, public IPs)
    must be matched by an enabled activity log alert scoped to the subscription with at least
    one action group.
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


def _operations(condition: dict[str, Any]) -> set[str]:
    found = set()
    for cond in condition.get("allOf") or []:
        if str(cond.get("field", "")).lower() == "operationname":
            if cond.get("equals"):
                found.add(str(cond["equals"]).lower())
            found.update(str(v).lower() for v in cond.get("containsAny") or [])
        for alt in cond.get("anyOf") or []:
            if str(alt.get("field", "")).lower() == "operationname" and alt.get("equals"):
                found.add(str(alt["equals"]).lower())
    return found
