"""Network: no NSG lets the internet reach administration ports."""

from collections.abc import Iterator

from checks._network import ADMIN_PORTS, describe, exposures
from checks._network_dialects import azure_rules
from checks.azure._util import GRAPH, props
from collector.cloud.api import AzureApi
from collector.model import Result
from collector.plugin import check


@check(
    id="azure_nsg_no_admin_ports_from_internet",
    criteria=("CC6.6",),
    permissions=(GRAPH, "Microsoft.Network/networkSecurityGroups/read"),
    version="2",
)
def nsg_no_admin_ports_from_internet(
    ctx: AzureApi, *, admin_ports: tuple[int, ...] = ADMIN_PORTS
) -> Iterator[Result]:
    """Network security groups allow no inbound traffic from the internet to admin ports.

    One result per NSG (its id). Fails when its Inbound rules, taken by priority (lowest
    number first; each source address decided by the first rule that matches it, so a Deny
    shadows a later Allow for exactly the addresses and ports it covers), admit the whole
    internet (every public IPv4 address, e.g. `*`, `Internet`, `Any`, 0.0.0.0/0 or
    0.0.0.0/1 + 128.0.0.0/1, or all of IPv6 global unicast) on TCP or UDP to one of
    `admin_ports`; passes otherwise. Protocol `*` carries TCP and UDP; Icmp, Esp and Ah open no
    port whatever their port range. Ports: destinationPortRange(s), lists and ranges, `*`.
    Service tags other than Internet/Any (VirtualNetwork, AzureLoadBalancer, AzureCloud…) and
    application security groups are not the internet. A Deny narrowed to some destinations or
    source ports shadows nothing. Azure's default rules (AllowVnetInBound 65000,
    AllowAzureLoadBalancerInBound 65001, DenyAllInBound 65500) apply, listed or not: what no
    rule allows is denied. Not judged: whether the NSG is attached to a subnet or NIC.

    How to fix: Delete or narrow the inbound Allow rules whose sources cover the internet on
        administration ports, or deny them at a higher priority; use Bastion or JIT access.
    Console: Network security groups > NSG > Inbound security rules
    CLI: az network nsg rule update --resource-group <rg> --nsg-name <nsg> --name <rule>
        --source-address-prefixes <trusted-cidr>
    Docs: https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview
    """
    for nsg in ctx.resources("Microsoft.Network/networkSecurityGroups"):
        found = exposures(azure_rules(props(nsg)), admin_ports)
        yield Result.of(nsg["id"], not found,
                        "no inbound rule lets the internet reach an administration port",
                        f"the internet reaches {describe(found)}")
