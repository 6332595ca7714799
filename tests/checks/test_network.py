"""checks._network against a brute-force evaluation, for each of the three rule dialects.

`network_oracle` decides address by address with `ipaddress`, over exact representatives of
every interval the rules cut; `network_rules` draws the random rule sets. Then examples.
"""

from __future__ import annotations

from ipaddress import IPv4Network, ip_network
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from checks._network import (
    ADMIN_PORTS,
    Addresses,
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
from tests.checks.network_oracle import (
    aws_decide,
    azure_decide,
    brute,
    cidrs_in,
    contains,
    found,
    gcp_decide,
    representatives,
)
from tests.checks.network_rules import (
    admin_ports,
    aws_group,
    azure_nsg,
    extra,
    gcp_network,
    random_prefix,
)


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
