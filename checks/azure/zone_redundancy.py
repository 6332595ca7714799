"""Availability: zone- or geo-redundant storage; highly available database servers."""

from collections.abc import Iterator

from checks.azure._util import GRAPH, props
from collector.cloud.api import AzureApi
from collector.model import Result
from collector.plugin import check

FLEXIBLE = ("Microsoft.DBforPostgreSQL/flexibleServers", "Microsoft.DBforMySQL/flexibleServers")
REDUNDANT = ("ZRS", "GRS", "RAGRS", "GZRS", "RAGZRS")


@check(
    id="azure_zone_redundancy",
    criteria=("A1.2",),
    permissions=(GRAPH, "Microsoft.Storage/storageAccounts/read",
                 "Microsoft.DBforPostgreSQL/flexibleServers/read",
                 "Microsoft.DBforMySQL/flexibleServers/read"),
)
def zone_redundancy(ctx: AzureApi) -> Iterator[Result]:
    """Storage survives a zone failure and database servers run with high availability.

    One result each (Resource Graph). Storage accounts pass with SKU replication ZRS, GRS,
    RA-GRS, GZRS or RA-GZRS and fail with LRS (all copies in one datacenter) or an unknown
    SKU; PostgreSQL and MySQL flexible servers pass with highAvailability.mode ZoneRedundant or
    SameZone and fail otherwise (absent = Disabled).

    How to fix: Use zone-redundant storage (ZRS/GZRS) and zone-redundant high availability for
        database servers.
    Console: Storage account > Data management > Redundancy; database server > Settings > High
        availability
    CLI: az storage account update --name <account> --resource-group <rg> --sku Standard_ZRS
    Docs: https://learn.microsoft.com/azure/reliability/availability-zones-overview
    """
    for account in ctx.resources("Microsoft.Storage/storageAccounts"):
        sku = str((account.get("sku") or {}).get("name") or "unknown")
        yield Result.of(account["id"], sku.rsplit("_", 1)[-1] in REDUNDANT,
                        f"replication {sku}", f"replication {sku} is not zone-redundant")
    for server in ctx.resources(*FLEXIBLE):
        mode = (props(server).get("highAvailability") or {}).get("mode") or "Disabled"
        yield Result.of(server["id"], mode in ("ZoneRedundant", "SameZone"),
                        f"high availability {mode}", f"high availability is {mode}")
