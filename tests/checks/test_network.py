"""checks._network against a brute-force evaluation, for each of the three rule dialects.

The oracle reads the raw provider rules itself and decides address by address with
`ipaddress` membership (`addr in ip_network(cidr)`), first matching rule wins, port by port.
Its addresses are exact, not a sample: one representative of every elementary interval cut
by the boundaries of all prefixes involved (within one interval every rule and the internet
definition answer alike), plus random addresses. Random rule sets draw their sources from
random splits of 0.0.0.0/0 and ::/0 (so unions covering the internet are common), random
prefixes and private blocks; random protocols, port ranges and lists, priorities and actions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from ipaddress import IPv4Address, IPv4Network, IPv6Address, ip_address, ip_network
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from checks._network import (
    ADMIN_PORTS,
    NOT_INTERNET_V4,
    Addresses,
    exposures,
    parse_ports,
    parse_source,
    transports,
)
from checks._network_dialects import aws_rules, azure_rules, gcp_rules
from checks.aws.ec2_sg_no_admin_ports_from_internet import ec2_sg_no_admin_ports_from_internet
from checks.azure.nsg_no_admin_ports_from_internet import nsg_no_admin_ports_from_internet
from checks.gcp.firewall_no_admin_ports_from_internet import (
    firewall_no_admin_ports_from_internet,
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


# -- random rule sets --------------------------------------------------------------------

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


# -- the oracles ---------------------------------------------------------------------------

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


extra = st.lists(st.integers(0, (1 << 128) - 1), max_size=4)


@settings(max_examples=300, deadline=None)
@given(aws_group(), admin_ports, extra)
def test_aws_matches_brute_force(group: dict[str, Any], ports: list[int],
                                 more: list[int]) -> None:
    cidrs = [r["CidrIp"] for p in group["IpPermissions"] for r in p["IpRanges"]]
    cidrs += [r["CidrIpv6"] for p in group["IpPermissions"] for r in p["Ipv6Ranges"]]
    assert found(aws_rules(group), ports) == brute(aws_decide(group), cidrs, more, ports)


@settings(max_examples=300, deadline=None)
@given(gcp_network(), admin_ports, extra)
def test_gcp_matches_brute_force(rules: list[dict[str, Any]], ports: list[int],
                                 more: list[int]) -> None:
    cidrs = [s for r in rules for s in r.get("sourceRanges", [])]
    assert found(gcp_rules(rules), ports) == brute(gcp_decide(rules), cidrs, more, ports)


@settings(max_examples=400, deadline=None)
@given(gcp_network(targets=True), admin_ports)
def test_gcp_with_target_tags_never_misses_an_exposed_instance(
        rules: list[dict[str, Any]], ports: list[int]) -> None:
    cidrs = [s for r in rules for s in r.get("sourceRanges", [])]
    judged = found(gcp_rules(rules), ports)
    for tags in (frozenset(), frozenset("a"), frozenset("b"), frozenset("ab")):
        assert brute(gcp_decide(rules, tags), cidrs, [], ports) <= judged


@settings(max_examples=300, deadline=None)
@given(azure_nsg(), admin_ports, extra)
def test_azure_matches_brute_force(nsg: dict[str, Any], ports: list[int],
                                   more: list[int]) -> None:
    cidrs = cidrs_in(s for r in nsg["securityRules"]
                     for s in r["properties"]["sourceAddressPrefixes"])
    assert found(azure_rules(nsg), ports) == brute(azure_decide(nsg), cidrs, more, ports)


@settings(max_examples=100, deadline=None)
@given(azure_nsg(narrow_allows=True), admin_ports)
def test_azure_rules_for_one_destination_never_hide_its_exposure(
        nsg: dict[str, Any], ports: list[int]) -> None:
    cidrs = cidrs_in(s for r in nsg["securityRules"]
                     for s in r["properties"]["sourceAddressPrefixes"])
    judged = found(azure_rules(nsg), ports)
    for destination in ("10.0.0.4", "10.9.9.9"):
        assert brute(azure_decide(nsg, destination), cidrs, [], ports) <= judged


@settings(max_examples=200, deadline=None)
@given(st.lists(random_prefix(), max_size=5), st.lists(random_prefix(), max_size=5),
       st.lists(st.integers(0, (1 << 128) - 1), max_size=8))
def test_address_set_operations_match_ipaddress(a: list[str], b: list[str],
                                                more: list[int]) -> None:
    sa, sb = (Addresses.of(ip_network(x) for x in xs) for xs in (a, b))
    for addr in representatives(a + b, more):
        in_a = any(contains(x, addr) for x in a)
        in_b = any(contains(x, addr) for x in b)
        assert (addr in (sa | sb)) == (in_a or in_b)
        assert (addr in (sa - sb)) == (in_a and not in_b)


# -- examples --------------------------------------------------------------------------

def test_internet_is_a_set_not_a_string() -> None:
    def covers(*cidrs: str) -> bool:
        return Addresses.of(ip_network(c) for c in cidrs).covers_internet()

    assert covers("0.0.0.0/1", "128.0.0.0/1") and covers("::/0") and covers("2000::/3")
    assert not covers("0.0.0.0/1") and not covers("10.0.0.0/8", "203.0.113.0/24")
    public = [str(n) for n in IPv4Network("0.0.0.0/0").address_exclude(IPv4Network("10.0.0.0/8"))]
    assert covers(*public)  # all of IPv4 but a private block is still the internet
    assert not covers(*[p for p in public if p != "64.0.0.0/2"])


def test_readers_of_provider_values() -> None:
    assert parse_source("Internet") == parse_source("*") == Addresses.everything()
    assert parse_source("VirtualNetwork") is None
    assert parse_source("10.0.0.1-10.0.0.6") == Addresses.of(
        ip_network(n) for n in ("10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"))
    assert parse_ports("*") == (0, 65535) and parse_ports("1000-2000") == (1000, 2000)
    assert parse_ports("22") == (22, 22) and parse_ports("ssh") is None
    assert transports("-1") == transports("all") == transports("*") == frozenset({"tcp", "udp"})
    assert transports("6") == frozenset({"tcp"}) and transports("17") == frozenset({"udp"})
    for other in ("icmp", "icmpv6", "esp", "ah", "gre", "50", "1", "58"):
        assert transports(other) == frozenset()
    assert transports("bogus") is None
    # multicast and reserved addresses are never a packet's source: not the internet
    assert not Addresses.of([ip_network("224.0.0.0/3")]).reaches_internet()
    assert Addresses.of([ip_network("8.8.8.8/32")]).reaches_internet()


def test_icmp_with_any_port_opens_no_admin_port_on_every_dialect() -> None:
    azure = {"securityRules": [{"name": "ping", "properties": {
        "priority": 100, "access": "Allow", "direction": "Inbound", "protocol": "Icmp",
        "sourceAddressPrefix": "*", "destinationPortRange": "*"}}]}
    gcp = [{"name": "ping", "direction": "INGRESS", "sourceRanges": ["0.0.0.0/0"],
            "allowed": [{"IPProtocol": "icmp"}]}]
    aws = {"IpPermissions": [{"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1,
                              "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}
    assert found(azure_rules(azure), ADMIN_PORTS) == set()
    assert found(gcp_rules(gcp), ADMIN_PORTS) == set()
    assert found(aws_rules(aws), ADMIN_PORTS) == set()


def test_admin_port_default_is_identical_on_all_three_clouds() -> None:
    defaults = [c.defaults()["admin_ports"] for c in (
        ec2_sg_no_admin_ports_from_internet, firewall_no_admin_ports_from_internet,
        nsg_no_admin_ports_from_internet)]
    assert defaults == [ADMIN_PORTS] * 3
    assert {22, 3389} <= set(ADMIN_PORTS)
