"""Network: every subnet has a network security group."""

from collections.abc import Iterator

from checks.azure._util import GRAPH, props
from collector.cloud.api import AzureApi
from collector.model import Result
from collector.plugin import check

EXEMPT = ("GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet",
          "AzureBastionSubnet", "RouteServerSubnet")


@check(
    id="azure_subnet_nsg_associated",
    criteria=("CC6.6",),
    permissions=(GRAPH, "Microsoft.Network/virtualNetworks/read"),
)
def subnet_nsg_associated(ctx: AzureApi, *, exempt: tuple[str, ...] = EXEMPT
                          ) -> Iterator[Result]:
    """Every subnet is associated with a network security group.

    One result per subnet (resource: the subnet id) of every virtual network (Resource Graph):
    passes with a networkSecurityGroup, fails without. Subnets named in `exempt` (gateway,
    firewall, Bastion and route server subnets, which must not or need not have an NSG) get
    no result.

    How to fix: Associate a network security group with the subnet.
    Console: Virtual networks > VNet > Subnets > subnet > Network security group
    CLI: az network vnet subnet update --vnet-name <vnet> --name <subnet> --resource-group <rg>
        --network-security-group <nsg>
    Docs: https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works
    """
    skip = {e.lower() for e in exempt}
    for vnet in ctx.resources("Microsoft.Network/virtualNetworks"):
        for subnet in props(vnet).get("subnets") or []:
            if str(subnet.get("name", "")).lower() in skip:
                continue
            nsg = ((subnet.get("properties") or {}).get("networkSecurityGroup") or {}).get("id")
            rid = subnet.get("id") or f"{vnet['id']}/subnets/{subnet.get('name')}"
            yield Result.of(rid, bool(nsg), f"associated with {str(nsg).split('/')[-1]}",
                            "no network security group is associated")
