"""Network Watcher: in every region in use; NSG flow logs on and retained."""

from collections.abc import Iterator

from checks.azure._util import GRAPH, props
from collector.cloud.api import AzureApi
from collector.model import Result
from collector.plugin import check

WATCHERS = "Microsoft.Network/networkWatchers"
FLOW_LOGS = "Microsoft.Network/networkWatchers/flowLogs"
NSGS, VNETS = "Microsoft.Network/networkSecurityGroups", "Microsoft.Network/virtualNetworks"


@check(
    id="azure_nsg_flow_logs_retained",
    criteria=("CC7.2",),
    permissions=(GRAPH, "Microsoft.Network/networkWatchers/read",
                 "Microsoft.Network/networkWatchers/flowLogs/read",
                 "Microsoft.Network/networkSecurityGroups/read",
                 "Microsoft.Network/virtualNetworks/read"),
)
def nsg_flow_logs_retained(ctx: AzureApi, *, min_days: int = 90) -> Iterator[Result]:
    """Network Watcher runs in every region in use and flow logs are kept long enough.

    One failing result per region with NSGs or virtual networks but no Network Watcher
    (resource: the watcher Azure would create there), and one per NSG: passes when an enabled
    flow log targets the NSG or a virtual network with a subnet using it, with retention
    enabled for at least `min_days` days (0 days with retention enabled means forever); fails
    with no such flow log or shorter retention. A flow log with enabled false does not count.

    How to fix: Enable Network Watcher in every region in use and give flow logs a retention policy
        of at least the minimum days.
    Console: Network Watcher > Flow logs > Create (Retention days)
    CLI: az network watcher flow-log create --location <region> --name <name> --nsg <nsg-id>
        --storage-account <sa-id> --retention 90
    Docs: https://learn.microsoft.com/azure/network-watcher/nsg-flow-logs-manage
    """
    watchers = {str(w.get("location")).lower() for w in ctx.resources(WATCHERS)}
    logs = {}
    for log in ctx.resources(FLOW_LOGS):
        p = props(log)
        if p.get("enabled") is False:
            continue
        logs[str(p.get("targetResourceId", "")).lower()] = p
    nsgs = ctx.resources(NSGS)
    vnets = ctx.resources(VNETS)
    nsg_vnets: dict[str, list[str]] = {}
    for vnet in vnets:
        for subnet in props(vnet).get("subnets") or []:
            nsg = ((subnet.get("properties") or {}).get("networkSecurityGroup") or {}).get("id")
            if nsg:
                nsg_vnets.setdefault(str(nsg).lower(), []).append(str(vnet["id"]).lower())
    for region in sorted({str(r.get("location")).lower() for r in [*nsgs, *vnets]} - watchers):
        yield Result.failed(f"{ctx.subscription_resource}/resourceGroups/NetworkWatcherRG/"
                            f"providers/Microsoft.Network/networkWatchers/NetworkWatcher_{region}",
                            f"no Network Watcher in {region}, where networks are in use")
    for nsg in nsgs:
        key = str(nsg["id"]).lower()
        found = logs.get(key) or next((logs[v] for v in nsg_vnets.get(key, []) if v in logs),
                                      None)
        if found is None:
            yield Result.failed(nsg["id"], "no enabled flow log covers this NSG")
            continue
        ret = found.get("retentionPolicy") or {}
        days = int(ret.get("days") or 0)
        ok = bool(ret.get("enabled")) and (days == 0 or days >= min_days)
        kept = "forever" if ret.get("enabled") and days == 0 else (
            f"{days} days" if ret.get("enabled") else "no retention policy")
        yield Result.of(nsg["id"], ok, f"flow log enabled, kept {kept}",
                        f"flow log enabled but kept {kept} (< {min_days} days)")
