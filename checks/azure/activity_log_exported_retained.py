"""Monitor: the subscription activity log is exported and retained for a year."""

from collections.abc import Iterator
from typing import Any

from collector.cloud.azure import AzureContext
from collector.model import Result
from collector.plugin import check

DIAG_API, WORKSPACE_API, POLICY_API = "2021-05-01-preview", "2022-10-01", "2023-05-01"
ABSENT = ("ResourceNotFound", "ManagementPolicyNotFound", "ResourceGroupNotFound")


@check(
    id="azure_activity_log_exported_retained",
    criteria=("CC7.2",),
    permissions=("Microsoft.Insights/diagnosticSettings/read",
                 "Microsoft.OperationalInsights/workspaces/read",
                 "Microsoft.Storage/storageAccounts/managementPolicies/read"),
    scoping="global",
)
def activity_log_exported_retained(
    ctx: AzureContext, *, min_days: int = 365,
    categories: tuple[str, ...] = ("Administrative", "Security", "Policy", "Alert"),
) -> Iterator[Result]:
    """The subscription's activity log is exported with the required categories and kept a year.

    One result for the subscription (ARM diagnostic settings at subscription scope). Passes when
    one setting exports every category in `categories` to a destination keeping it at least
    `min_days` days: a Log Analytics workspace by its retentionInDays, a storage account by its
    lifecycle policy (no delete rule means kept forever). An Event Hub alone proves no retention.
    """
    settings = ctx.arm_list(f"{ctx.subscription_resource}/providers/Microsoft.Insights/"
                            "diagnosticSettings", DIAG_API)
    if not settings:
        yield Result.failed(ctx.subscription_resource, "the activity log is not exported "
                            "(no diagnostic setting at subscription scope)")
        return
    findings = []
    for setting in settings:
        p = setting.get("properties") or {}
        on = {str(c.get("category")) for c in p.get("logs") or [] if c.get("enabled")}
        missing = [c for c in categories if c not in on]
        if missing:
            findings.append(f"{setting.get('name')}: categories {', '.join(missing)} not exported")
            continue
        kept, where = _retention(ctx, p)
        if kept is not None and (kept == 0 or kept >= min_days):
            shown = "forever" if kept == 0 else f"{kept} days"
            yield Result.passed(ctx.subscription_resource,
                                f"{setting.get('name')} exports the activity log to {where}, "
                                f"kept {shown}")
            return
        findings.append(f"{setting.get('name')}: {where} keeps "
                        + (f"{kept} days (< {min_days})" if kept is not None else
                           "no provable retention"))
    yield Result.failed(ctx.subscription_resource, "; ".join(findings))


def _retention(ctx: AzureContext, p: dict[str, Any]) -> tuple[int | None, str]:
    """Days the best destination keeps logs (0 = forever, None = unknown) and which one."""
    if p.get("workspaceId"):
        ws = ctx.arm(str(p["workspaceId"]), WORKSPACE_API, absent=ABSENT) or {}
        days = (ws.get("properties") or {}).get("retentionInDays")
        if days is not None and (int(days) >= 365 or not p.get("storageAccountId")):
            return int(days), "Log Analytics"
    if p.get("storageAccountId"):
        policy = ctx.arm(f"{p['storageAccountId']}/managementPolicies/default", POLICY_API,
                         absent=ABSENT)
        return _storage_days(policy), "storage"
    return None, "Event Hub only" if p.get("eventHubAuthorizationRuleId") else "no destination"


def _storage_days(policy: dict[str, Any] | None) -> int:
    days = []
    rules = ((policy or {}).get("properties") or {}).get("policy", {}).get("rules") or []
    for rule in rules:
        if rule.get("enabled") is False:
            continue
        base = ((rule.get("definition") or {}).get("actions") or {}).get("baseBlob") or {}
        after = (base.get("delete") or {}).get("daysAfterModificationGreaterThan")
        if after is not None:
            days.append(int(after))
    return min(days) if days else 0
