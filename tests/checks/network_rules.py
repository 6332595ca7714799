"""Random rule sets of the three dialects (hypothesis strategies) for tests/checks/test_network.py:
sources from random splits of 0.0.0.0/0 and ::/0, random prefixes and private blocks; random
protocols, port ranges and lists, priorities and actions."""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import ip_network
from typing import Any

from hypothesis import strategies as st

from checks._network import (
    NOT_INTERNET_V4,
)
from tests.checks.network_oracle import PORTS


@st.composite
def split(draw: st.DrawFn, root: str, depth: int = 5) -> list[str]:
    """A random partition of `root` into prefixes (some leaves dropped later)."""
    out, stack = [], [(ip_network(root), 0)]
    while stack:
        net, d = stack.pop()
        if d < depth and draw(st.booleans()):
            stack.extend((s, d + 1) for s in net.subnets())
        else:
            out.append(str(net))
    return out


@st.composite
def random_prefix(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return str(ip_network((draw(st.integers(0, (1 << 32) - 1)), draw(st.integers(0, 32))),
                              strict=False))
    return str(ip_network((draw(st.integers(0, (1 << 128) - 1)), draw(st.integers(0, 128))),
                          strict=False))


@st.composite
def source_groups(draw: st.DrawFn, n: int, tags: Sequence[str] = ()) -> list[list[str]]:
    """`n` source lists that share out random splits of IPv4/IPv6 and other prefixes."""
    pool = draw(split("0.0.0.0/0")) + draw(split(draw(st.sampled_from(["::/0", "2000::/3"]))))
    pool += draw(st.lists(random_prefix(), max_size=3))
    pool += draw(st.lists(st.sampled_from(["0.0.0.0/0", "::/0", *NOT_INTERNET_V4, *tags]),
                          max_size=3))
    groups: list[list[str]] = [[] for _ in range(n)]
    for src in pool:  # most of the split is kept, shared among one or two rules
        if n and draw(st.integers(0, 7)):
            for at in draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=2)):
                groups[at].append(src)
    return groups


@st.composite
def deny_sources(draw: st.DrawFn, own: list[str], groups: list[list[str]]) -> list[str]:
    """A deny's sources: its own share, or prefixes taken from the allows (overlapping)."""
    pool = sorted({s for g in groups for s in g})
    if bool(pool) and draw(st.booleans()):
        return draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4))
    return own


SPECS = ["22", "23", "3389", "20-25", "0-65535", "3000-4000", "24-3388", "22-22"]
admin_ports = st.lists(st.sampled_from(PORTS), min_size=1, max_size=3, unique=True)


@st.composite
def aws_group(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(0, 6))
    perms = []
    for sources in draw(source_groups(n)):
        protocol = draw(st.sampled_from(["tcp", "udp", "icmp", "icmpv6", "-1", "6", "17",
                                         "50", "58"]))
        low = draw(st.sampled_from([0, 20, 22, 23, 3000]))
        perm: dict[str, Any] = {"IpProtocol": protocol, "FromPort": low,
                                "ToPort": draw(st.integers(low, 65535)) if draw(st.booleans())
                                else low + draw(st.integers(0, 5)),
                                "IpRanges": [{"CidrIp": s} for s in sources if ":" not in s],
                                "Ipv6Ranges": [{"CidrIpv6": s} for s in sources if ":" in s]}
        perms.append(perm)
    return {"IpPermissions": perms}


@st.composite
def gcp_network(draw: st.DrawFn, targets: bool = False) -> list[dict[str, Any]]:
    n = draw(st.integers(0, 6))
    out = []
    groups = draw(source_groups(n))
    for i, sources in enumerate(groups):
        allow = bool(draw(st.integers(0, 2)))
        protocols = ["tcp", "tcp", "udp", "icmp", "esp", "ah", "all", "all", "6", "17", "sctp",
                     "47"]
        if not allow:  # denies wide and early, so that they shadow often
            sources = draw(deny_sources(sources, groups))
            protocols = ["all", "tcp", "icmp"]
        entries: list[dict[str, str | list[str]]] = [
            {"IPProtocol": draw(st.sampled_from(protocols))}
                   for _ in range(draw(st.integers(1, 2)))]
        for e in entries:
            if draw(st.booleans()):
                e["ports"] = draw(st.lists(st.sampled_from(SPECS), min_size=1, max_size=2))
        fw: dict[str, Any] = {
            "name": f"r{i}", "priority": draw(st.sampled_from([100, 1000, 1000, 2000]
                                                             if allow else [100, 1000])),
            "direction": draw(st.sampled_from(["INGRESS", "INGRESS", "EGRESS"])),
            "disabled": draw(st.booleans()) and draw(st.booleans()),
            "allowed" if allow else "denied": entries}
        if bool(sources) or draw(st.booleans()):
            fw["sourceRanges"] = sources
        if targets and draw(st.booleans()):
            fw["targetTags"] = draw(st.lists(st.sampled_from(["a", "b"]), min_size=1,
                                             max_size=2, unique=True))
        out.append(fw)
    return out


@st.composite
def azure_nsg(draw: st.DrawFn, narrow_allows: bool = False) -> dict[str, Any]:
    n = draw(st.integers(0, 6))
    priorities = list(draw(st.permutations(range(100, 100 + 10 * max(n, 1), 10))))
    rules = []
    groups = draw(source_groups(n, ("*", "Internet", "Any", "VirtualNetwork", "AzureCloud")))
    for i, sources in enumerate(groups):
        specs = draw(st.lists(st.sampled_from([*SPECS, "*"]), min_size=1, max_size=3))
        access = draw(st.sampled_from(["Allow", "Allow", "Deny"]))
        protocol = draw(st.sampled_from(["Tcp", "Tcp", "Udp", "Icmp", "Esp", "Ah", "*", "*"]))
        if access == "Deny":  # denies wide and early, so that they shadow often
            sources = draw(deny_sources(sources, groups))
            specs = draw(st.lists(st.sampled_from(["*", "20-25", "22", "3389"]), min_size=1,
                                  max_size=2))
            protocol = draw(st.sampled_from(["*", "Tcp", "Icmp"]))
            priorities[i] = draw(st.sampled_from([priorities[i], 10 + i]))
        narrow = access == "Deny" or narrow_allows
        props: dict[str, Any] = {
            "priority": priorities[i], "access": access,
            "direction": draw(st.sampled_from(["Inbound"] * 4 + ["Outbound"])),
            "protocol": protocol,
            "sourcePortRange": "*", "sourceAddressPrefixes": sources or ["VirtualNetwork"],
            "destinationAddressPrefix": draw(st.sampled_from(["*", "*", "10.0.0.4"]))
            if narrow else "*",
            "destinationPortRanges": specs}
        rules.append({"name": f"r{i}", "properties": props})
    return {"securityRules": rules}


extra = st.lists(st.integers(0, (1 << 128) - 1), max_size=4)
