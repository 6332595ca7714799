"""Defender for Cloud: Standard plans for the resource types in use."""

from collections.abc import Iterator

from checks.azure._util import GRAPH, props
from collector.cloud.api import AzureApi
from collector.model import Result
from collector.plugin import check

PLANS = ("VirtualMachines", "SqlServers", "SqlServerVirtualMachines",
         "OpenSourceRelationalDatabases", "StorageAccounts", "KeyVaults", "Arm", "Containers",
         "AppServices", "CosmosDbs")


@check(
    id="azure_defender_plans_enabled",
    criteria=("CC6.8", "CC7.2"),
    permissions=(GRAPH, "Microsoft.Security/pricings/read"),
)
def defender_plans_enabled(ctx: AzureApi, *, plans: tuple[str, ...] = PLANS
                           ) -> Iterator[Result]:
    """Microsoft Defender for Cloud plans are on (Standard tier) for the workloads in scope.

    One result per plan in `plans` (resource: the subscription's pricing id), from the
    Resource Graph `securityresources` table. Passes on pricingTier Standard; fails on Free,
    and a plan missing from the answer is on the Free tier (fails). Plans not listed in
    `plans` are not judged.

    How to fix: Turn on the Defender for Cloud plans (Standard tier) for the workloads in scope.
    Console: Microsoft Defender for Cloud > Environment settings > subscription > Defender plans
    CLI: az security pricing create --name VirtualMachines --tier Standard
    Docs: https://learn.microsoft.com/azure/defender-for-cloud/enable-enhanced-security
    """
    tiers = {str(row.get("name", "")).lower(): row
             for row in ctx.resources("Microsoft.Security/pricings", table="securityresources")}
    for plan in plans:
        row = tiers.get(plan.lower())
        rid = (row or {}).get("id") or (f"{ctx.subscription_resource}/providers/"
                                        f"Microsoft.Security/pricings/{plan}")
        tier = props(row or {}).get("pricingTier") or "Free"
        yield Result.of(rid, tier == "Standard", f"Defender for {plan}: Standard",
                        f"Defender for {plan} is on the {tier} tier (off)")
