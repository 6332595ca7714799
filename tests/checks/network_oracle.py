"""The brute-force oracle that tests/checks/test_network.py holds checks._network to.

The oracle reads the raw provider rules itself and decides address by address with
`ipaddress` membership (`addr in ip_network(cidr)`), first matching rule wins, port by port.
Its addresses are exact, not a sample: one representative of every elementary interval cut
by the boundaries of all prefixes involved (within one interval every rule and the internet
definition answer alike), plus random addresses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network
from typing import Any

from checks._network import (
    NOT_INTERNET_V4,
    exposures,
)

Address = IPv4Address | IPv6Address
PORTS = (22, 23, 3389)
NOT_INTERNET = [ip_network(n) for n in NOT_INTERNET_V4]
V6_INTERNET = ip_network("2000::/3")
WORLD = ("*", "internet", "any")


def is_internet(addr: Address) -> bool:
    if addr.version == 6:
        return addr in V6_INTERNET
    return not any(addr in n for n in NOT_INTERNET)


def representatives(cidrs: Iterable[str], extra: Sequence[int]) -> list[Address]:
    """The first address of every elementary interval between all prefixes' boundaries."""
    cuts: dict[int, set[int]] = {4: {0}, 6: {0}}
    nets = [ip_network(c, strict=False) for c in cidrs]
    nets += [*NOT_INTERNET, V6_INTERNET]
    for n in nets:
        cuts[n.version] |= {int(n.network_address), int(n.broadcast_address) + 1}
    out: list[Address] = [IPv4Address(c) for c in cuts[4] if c < 1 << 32]
    out += [IPv6Address(c) for c in cuts[6] if c < 1 << 128]
    out += [IPv4Address(x % (1 << 32)) for x in extra] + [IPv6Address(x) for x in extra]
    return out


def brute(decide: Callable[[str, int, Address], bool], cidrs: Iterable[str],
          extra: Sequence[int], ports: Iterable[int]) -> set[tuple[str, int]]:
    """(transport, port) where every internet address of IPv4, or of IPv6, is allowed."""
    points = [a for a in representatives(cidrs, extra) if is_internet(a)]
    out = set()
    for port in ports:
        for t in ("tcp", "udp"):
            for version in (4, 6):
                if all(decide(t, port, a) for a in points if a.version == version):
                    out.add((t, port))
    return out


def contains(source: str, addr: Address) -> bool:
    if source.lower() in WORLD:
        return True
    try:
        net = ip_network(source, strict=False)
    except ValueError:
        return False  # a service tag: never the internet
    return net.version == addr.version and addr in net


def port_in(spec: str, port: int) -> bool:
    if spec == "*":
        return True
    low, _, high = spec.partition("-")
    return int(low) <= port <= int(high or low)


def carries(protocol: str, t: str) -> bool:
    p = protocol.lower()
    return p in ("-1", "all", "*") or (p, t) in {("tcp", "tcp"), ("6", "tcp"), ("udp", "udp"),
                                                 ("17", "udp")}


def cidrs_in(values: Iterable[Any]) -> list[str]:
    out = []
    for v in values:
        with suppress(ValueError):  # a service tag
            out.append(str(ip_network(str(v), strict=False)))
    return out


def aws_decide(group: Mapping[str, Any]) -> Callable[[str, int, Address], bool]:
    def decide(t: str, port: int, addr: Address) -> bool:
        for p in group["IpPermissions"]:
            ported = p["IpProtocol"] == "-1" or p["FromPort"] <= port <= p["ToPort"]
            sources = [r["CidrIp"] for r in p["IpRanges"]] + [r["CidrIpv6"]
                                                             for r in p["Ipv6Ranges"]]
            if carries(p["IpProtocol"], t) and ported and any(contains(s, addr)
                                                               for s in sources):
                return True
        return False
    return decide


def gcp_decide(rules: list[dict[str, Any]], tags: frozenset[str] = frozenset()
               ) -> Callable[[str, int, Address], bool]:
    live = [r for r in rules if r["direction"] == "INGRESS" and not r["disabled"]
            and (not r.get("targetTags") or tags & set(r["targetTags"]))]
    live.sort(key=lambda r: (r["priority"], "allowed" in r))

    def decide(t: str, port: int, addr: Address) -> bool:
        for r in live:
            entries = r.get("allowed") or r.get("denied") or []
            sources = r.get("sourceRanges") or ["0.0.0.0/0"]
            if any(carries(e["IPProtocol"], t) and (e["IPProtocol"] == "all"
                                                    or any(port_in(s, port)
                                                           for s in e.get("ports", ["*"])))
                   for e in entries) and any(contains(s, addr) for s in sources):
                return "allowed" in r
        return False
    return decide


def azure_decide(nsg: Mapping[str, Any], destination: str = "10.9.9.9"
                 ) -> Callable[[str, int, Address], bool]:
    """Evaluated for one destination address of the NSG."""
    rules = sorted((r["properties"] for r in nsg["securityRules"]), key=lambda p: p["priority"])

    def decide(t: str, port: int, addr: Address) -> bool:
        for p in rules:
            if (p["direction"] == "Inbound" and contains(p["destinationAddressPrefix"],
                                                         ip_address(destination))
                    and carries(p["protocol"], t)
                    and any(port_in(s, port) for s in p["destinationPortRanges"])
                    and any(contains(s, addr) for s in p["sourceAddressPrefixes"])):
                return bool(p["access"] == "Allow")
        return False
    return decide


def found(rules: Any, ports: Iterable[int]) -> set[tuple[str, int]]:
    return {(e.transport, e.port) for e in exposures(rules, ports)}
