"""Monitor: the subscription activity log is exported and retained for a year."""

from collections.abc import Iterator
from typing import Any

from collector.cloud.api import AzureApi
from collector.cloud.base import CloudError
from collector.model import Result
from collector.plugin import check

DIAG_API, WORKSPACE_API, POLICY_API = "2021-05-01-preview", "2022-10-01", "2023-05-01"
"""Subscription diagnostic settings exist only as 2021-05-01-preview; the others are stable."""
ABSENT = ("ResourceNotFound", "ManagementPolicyNotFound", "ResourceGroupNotFound")
CONTAINER = "insights-activity-logs"
"""The container the activity log is written to, as append blobs named
insights-activity-logs/resourceId=/SUBSCRIPTIONS/<id>/y=…/PT1H.json (Azure Monitor docs)."""
BLOB_TYPE = "appendBlob"
DELETE_AFTER = ("daysAfterModificationGreaterThan", "daysAfterCreationGreaterThan",
                "daysAfterLastAccessTimeGreaterThan")
"""dateAfterModification conditions of a baseBlob delete action: any one deletes."""


@check(
    id="azure_activity_log_exported_retained",
    criteria=("CC7.2",),
    permissions=("Microsoft.Insights/diagnosticSettings/read",
                 "Microsoft.OperationalInsights/workspaces/read",
                 "Microsoft.Storage/storageAccounts/managementPolicies/read"),
)
def activity_log_exported_retained(
    ctx: AzureApi, *, min_days: int = 365,
    categories: tuple[str, ...] = ("Administrative", "Security", "Policy", "Alert"),
) -> Iterator[Result]:
    """The subscription's activity log is exported with the required categories and kept a year.

    One result for the subscription (diagnostic settings at subscription scope). Passes when a
    setting exports every category in `categories` to a destination keeping it `min_days` days:
    a Log Analytics workspace by retentionInDays, a storage account by its lifecycle policy,
    counting only enabled Lifecycle rules whose filters reach this subscription's append blobs
    in insights-activity-logs (prefixMatch absent or matching, blobTypes with appendBlob); no
    such delete rule means kept forever. Event Hub alone proves nothing; no setting fails. A
    destination that cannot be read gives `error` unless another setting passes.

    How to fix: Add a subscription diagnostic setting exporting the Administrative, Security, Policy
        and Alert categories to a Log Analytics workspace or storage account kept at least a year.
    Console: Monitor > Activity log > Export Activity Logs > Add diagnostic setting
    CLI: az monitor diagnostic-settings subscription create --name <name> --location <region>
        --storage-account <id> --logs
        '[{"category":"Administrative","enabled":true},{"category":"Security","enabled":true},{"category":"Policy","enabled":true},{"category":"Alert","enabled":true}]'
    Docs: https://learn.microsoft.com/azure/azure-monitor/essentials/activity-log?tabs=cli#send-to-log-analytics-workspace
    """
    settings = ctx.arm_list(f"{ctx.subscription_resource}/providers/Microsoft.Insights/"
                            "diagnosticSettings", DIAG_API)
    if not settings:
        yield Result.failed(ctx.subscription_resource, "the activity log is not exported "
                            "(no diagnostic setting at subscription scope)")
        return
    findings, failed = [], None
    for setting in settings:
        p = setting.get("properties") or {}
        on = {str(c.get("category")) for c in p.get("logs") or [] if c.get("enabled")}
        missing = [c for c in categories if c not in on]
        if missing:
            findings.append(f"{setting.get('name')}: categories {', '.join(missing)} not exported")
            continue
        try:
            kept, where = _retention(ctx, p)
        except CloudError as exc:
            failed = failed or exc
            findings.append(f"{setting.get('name')}: cannot read its destination ({exc.code})")
            continue
        if kept is not None and (kept == 0 or kept >= min_days):
            shown = "forever" if kept == 0 else f"{kept} days"
            yield Result.passed(ctx.subscription_resource,
                                f"{setting.get('name')} exports the activity log to {where}, "
                                f"kept {shown}")
            return
        findings.append(f"{setting.get('name')}: {where} keeps "
                        + (f"{kept} days (< {min_days})" if kept is not None else
                           "no provable retention"))
    if failed is not None:
        yield Result.error(ctx.subscription_resource, "; ".join(findings), failed.code)
        return
    yield Result.failed(ctx.subscription_resource, "; ".join(findings))


def _retention(ctx: AzureApi, p: dict[str, Any]) -> tuple[int | None, str]:
    """Days the best destination keeps logs (0 = forever, None = unknown) and which one."""
    found: list[tuple[int, str]] = []
    if p.get("workspaceId"):
        ws = ctx.arm(str(p["workspaceId"]), WORKSPACE_API, absent=ABSENT) or {}
        days = (ws.get("properties") or {}).get("retentionInDays")
        if days is not None:
            found.append((int(days), "Log Analytics"))
    if p.get("storageAccountId"):
        policy = ctx.arm(f"{p['storageAccountId']}/managementPolicies/default", POLICY_API,
                         absent=ABSENT)
        found.append((storage_days(policy, ctx.subscription_id), "storage"))
    if not found:
        return None, "Event Hub only" if p.get("eventHubAuthorizationRuleId") else (
            "no readable destination")
    forever = [f for f in found if f[0] == 0]
    return forever[0] if forever else max(found)


def storage_days(policy: dict[str, Any] | None, subscription_id: str) -> int:
    """Days until a lifecycle rule deletes this subscription's activity-log blobs (0 = never).

    Per the storage management policy specification, a rule acts only when it is enabled, of
    type Lifecycle, and its filters match: blobTypes must include appendBlob, and prefixMatch
    (container/blob-name prefixes; absent = every blob) must reach the blobs under
    insights-activity-logs/resourceId=/SUBSCRIPTIONS/<id>/. Any delete condition counts."""
    ours = f"{CONTAINER}/resourceid=/subscriptions/{subscription_id}/".lower()
    days: list[int] = []
    rules = (((policy or {}).get("properties") or {}).get("policy") or {}).get("rules") or []
    for rule in rules:
        if rule.get("enabled") is False or rule.get("type", "Lifecycle") != "Lifecycle":
            continue
        definition = rule.get("definition") or {}
        filters = definition.get("filters")
        if filters is not None:
            if BLOB_TYPE.lower() not in [str(t).lower() for t in filters.get("blobTypes") or []]:
                continue
            prefixes = [str(x).lower() for x in filters.get("prefixMatch") or []]
            if prefixes and not any(ours.startswith(x) or x.startswith(ours) for x in prefixes):
                continue
        delete = ((definition.get("actions") or {}).get("baseBlob") or {}).get("delete") or {}
        days.extend(int(delete[k]) for k in DELETE_AFTER if delete.get(k) is not None)
    return min(days) if days else 0
