"""VPC firewall: no ingress from the internet to administration ports."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from checks._network import ADMIN_PORTS, describe, exposures
from checks._network_dialects import gcp_rules
from checks.gcp._assets import LIST_RESOURCE, data
from collector.cloud.api import GcpApi
from collector.model import Result, Status
from collector.plugin import check

COMPUTE = "//compute.googleapis.com/"


@check(
    id="gcp_firewall_no_admin_ports_from_internet",
    criteria=("CC6.6",),
    permissions=(LIST_RESOURCE,),
    version="2",
)
def firewall_no_admin_ports_from_internet(
    ctx: GcpApi, *, admin_ports: tuple[int, ...] = ADMIN_PORTS
) -> Iterator[Result]:
    """VPC firewall rules allow no ingress from the internet to administration ports.

    One result per VPC network that has firewall rules (resource: the network's full name,
    e.g. //compute.googleapis.com/projects/p/global/networks/default), because a network's
    rules decide together. Fails when its enabled INGRESS rules, in priority order (lowest
    number first, deny before allow at equal priority), admit the whole internet (every
    public IPv4 address, e.g. 0.0.0.0/0 or 0.0.0.0/1 + 128.0.0.0/1, or all of IPv6 global
    unicast) on TCP or UDP to one of `admin_ports`; passes otherwise, naming no rule. `all`
    or a missing `ports` list opens every port; ICMP, ESP, AH and others open none. A rule
    with no source at all has source 0.0.0.0/0; sourceTags and source service accounts are
    never the internet. Disabled and EGRESS rules do not count. Target tags, target service
    accounts and destinationRanges: an allow counts as if it reached every instance, a deny
    scoped by them shadows nothing, so the check may fail a network no single instance of
    which is exposed, but never passes one that is. Not judged: hierarchical and network
    firewall policies.

    How to fix: Narrow or delete the ingress rules that admit 0.0.0.0/0 or ::/0 to administration
        ports, or add a higher-priority deny; reach instances through IAP TCP forwarding.
    Console: VPC network > Firewall > rule > Edit > Source IPv4 ranges
    CLI: gcloud compute firewall-rules update <rule> --source-ranges=35.235.240.0/20
    Docs: https://cloud.google.com/firewall/docs/firewalls
    """
    networks: dict[str, list[Mapping[str, Any]]] = {}
    for asset in ctx.assets("compute.googleapis.com/Firewall"):
        networks.setdefault(_network(asset), []).append(asset)
    for network, assets in sorted(networks.items()):
        found = exposures(gcp_rules(data(a) for a in assets), admin_ports)
        yield Result(network, Status.FAIL if found else Status.PASS,
                     f"the internet reaches {describe(found)}" if found
                     else "no ingress rule lets the internet reach an administration port",
                     scope=ctx.scope_of(assets[0]))


def _network(asset: Mapping[str, Any]) -> str:
    """The full resource name of a rule's network (its `network` URL, full or partial)."""
    url = str(data(asset).get("network") or "global/networks/default")
    at = url.find("projects/")
    if at >= 0:
        return COMPUTE + url[at:]
    project = str(asset.get("name", "")).split("/global/")[0]
    return f"{project}/{url.lstrip('/')}"
