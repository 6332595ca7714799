"""Network: no NSG lets the internet reach administration ports."""

from collections.abc import Iterator
from typing import Any

from checks.azure._util import GRAPH, props
from collector.cloud.azure import AzureContext
from collector.model import Result
from collector.plugin import check

INTERNET = frozenset({"*", "internet", "any", "0.0.0.0/0", "0.0.0.0", "::/0"})


@check(
    id="azure_nsg_no_admin_ports_from_internet",
    criteria=("CC6.6",),
    permissions=(GRAPH, "Microsoft.Network/networkSecurityGroups/read"),
    scoping="global",
)
def nsg_no_admin_ports_from_internet(
    ctx: AzureContext, *, admin_ports: tuple[int, ...] = (22, 3389)
) -> Iterator[Result]:
    """Network security groups allow no inbound traffic from the internet to admin ports.

    One result per NSG. Fails when an inbound Allow rule with source *, Internet, Any or
    0.0.0.0/0 covers one of `admin_ports` (SSH and RDP by default) or all ports, for TCP, UDP
    or any protocol. Use Bastion or just-in-time access instead.
    """
    ports = sorted({int(p) for p in admin_ports})
    for nsg in ctx.resources("Microsoft.Network/networkSecurityGroups"):
        exposed = [f for rule in props(nsg).get("securityRules") or []
                   for f in _exposures(rule, ports)]
        yield Result.of(nsg["id"], not exposed,
                        "no inbound rule lets the internet reach an administration port",
                        "inbound rules open administration ports to the internet: "
                        + "; ".join(exposed))


def _exposures(rule: dict[str, Any], ports: list[int]) -> list[str]:
    p = rule.get("properties") or rule
    if str(p.get("direction")).lower() != "inbound" or str(p.get("access")).lower() != "allow":
        return []
    sources = [p.get("sourceAddressPrefix"), *(p.get("sourceAddressPrefixes") or [])]
    if not any(str(s).lower() in INTERNET for s in sources if s):
        return []
    ranges = [p.get("destinationPortRange"), *(p.get("destinationPortRanges") or [])]
    reached = sorted({port for r in ranges if r for port in ports if _covers(str(r), port)})
    if not reached:
        return []
    return [f"{rule.get('name')} (ports {', '.join(map(str, reached))})"]


def _covers(port_range: str, port: int) -> bool:
    if port_range.strip() == "*":
        return True
    low, _, high = port_range.partition("-")
    return int(low) <= port <= int(high or low)
