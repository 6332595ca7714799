"""Backup: every VM protected by Azure Backup with enough retention."""

from collections.abc import Iterator
from typing import Any

from checks.azure._util import GRAPH, props
from collector.cloud.api import AzureApi
from collector.model import Result
from collector.plugin import check

TABLE = "recoveryservicesresources"
ITEMS = "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems"
POLICIES = "Microsoft.RecoveryServices/vaults/backupPolicies"
PROTECTED = ("Protected", "IRPending")


@check(
    id="azure_vm_backup_enabled",
    criteria=("CC7.5", "A1.2"),
    permissions=(GRAPH, "Microsoft.Compute/virtualMachines/read",
                 "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/"
                 "protectedItems/read", "Microsoft.RecoveryServices/vaults/backupPolicies/read"),
)
def vm_backup_enabled(ctx: AzureApi, *, min_days: int = 7) -> Iterator[Result]:
    """Every virtual machine is backed up by Azure Backup, keeping restore points long enough.

    One result per VM (Resource Graph's recovery services table). Passes when it is a
    protected item (state Protected or IRPending) of a vault whose policy keeps daily restore
    points at least `min_days` days (weekly points count as 7 days each); fails when it is not
    protected, protection is stopped or paused, or retention is shorter (unknown = 0 days).

    How to fix: Protect the VM with Azure Backup in a Recovery Services vault, with a policy keeping
        restore points long enough.
    Console: Virtual machine > Operations > Backup > Enable backup
    CLI: az backup protection enable-for-vm --resource-group <rg> --vault-name <vault> --vm <vm>
        --policy-name <policy>
    Docs: https://learn.microsoft.com/azure/backup/backup-azure-vms-first-look-arm
    """
    items = {_source(props(i)): props(i) for i in ctx.resources(ITEMS, table=TABLE)}
    policies = {str(p["id"]).lower(): props(p) for p in ctx.resources(POLICIES, table=TABLE)}
    for vm in ctx.resources("Microsoft.Compute/virtualMachines"):
        item = items.get(str(vm["id"]).lower())
        if item is None:
            yield Result.failed(vm["id"], "not protected by Azure Backup")
            continue
        state = item.get("protectionState") or "unknown"
        if state not in PROTECTED:
            yield Result.failed(vm["id"], f"backup protection is {state}")
            continue
        days = _days(policies.get(str(item.get("policyId", "")).lower()))
        yield Result.of(vm["id"], days >= min_days,
                        f"backed up ({item.get('policyName')}), restore points kept {days} days",
                        f"backed up, but restore points are kept {days} days (< {min_days})")


def _days(policy: dict[str, Any] | None) -> int:
    retention = (policy or {}).get("retentionPolicy") or {}
    best = 0
    for key, factor in (("dailySchedule", 1), ("weeklySchedule", 7)):
        duration = (retention.get(key) or {}).get("retentionDuration") or {}
        unit = {"days": 1, "weeks": 7}.get(str(duration.get("durationType", "")).lower(), factor)
        best = max(best, int(duration.get("count") or 0) * unit)
    return best


def _source(item: dict[str, Any]) -> str:
    """The protected VM's id (newer API versions also give it under dataSourceInfo)."""
    source = item.get("sourceResourceId") or (item.get("dataSourceInfo") or {}).get("resourceID")
    return str(source or "").lower()
