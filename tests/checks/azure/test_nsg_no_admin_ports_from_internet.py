"""azure_nsg_no_admin_ports_from_internet through the real SDK clients to the Azure fake.

Rule semantics from the Azure Network REST spec (`SecurityRulePropertiesFormat`, as modelled
by azure-mgmt-network): priority 100-4096, lower first; access Allow/Deny; protocol
Tcp/Udp/Icmp/Esp/Ah/*; sourceAddressPrefix(es) with `*` and the `Internet` tag;
destinationPortRange(s) with `*`. Every rule here deserialises through that model."""

from typing import Any

from azure.mgmt.network.models import (
    SecurityRule,
    SecurityRuleAccess,
    SecurityRuleDirection,
    SecurityRuleProtocol,
)

from checks._network import ADMIN_PORTS
from checks.azure.nsg_no_admin_ports_from_internet import nsg_no_admin_ports_from_internet
from collector.demo.azure_fake import resource
from collector.model import Result, Status
from tests.fakes.azure_arm import SUB_A, Az, by_resource

NSG = "Microsoft.Network/networkSecurityGroups"


def rule(name: str, source: str | list[str], ports: str | list[str], access: str = "Allow",
         direction: str = "Inbound", priority: int = 100, protocol: str = "Tcp",
         **more: Any) -> dict[str, Any]:
    props: dict[str, Any] = {"direction": direction, "access": access, "protocol": protocol,
                             "priority": priority, "sourcePortRange": "*",
                             "destinationAddressPrefix": "*", **more}
    props.update({"sourceAddressPrefixes": source} if isinstance(source, list)
                 else {"sourceAddressPrefix": source})
    props.update({"destinationPortRanges": ports} if isinstance(ports, list)
                 else {"destinationPortRange": ports})
    body = {"name": name, "properties": props}
    model = SecurityRule(body)  # the REST spec's shape and enums
    assert model.properties is not None and model.name == name
    SecurityRuleProtocol(protocol), SecurityRuleAccess(access), SecurityRuleDirection(direction)
    return body


def _nsgs(az: Any, **groups: list[dict[str, Any]]) -> dict[str, str]:
    return {name: az.estate.add(resource(SUB_A, "rg", NSG, name, {"securityRules": rules}))["id"]
            for name, rules in groups.items()}


def _run(az: Az, **params: Any) -> dict[str, Result]:
    return by_resource(az.run(nsg_no_admin_ports_from_internet, params=params))


def test_internal_or_https_passes_ssh_rdp_or_all_ports_from_internet_fail(az: Az) -> None:
    ids = _nsgs(az, ok=[rule("https", "Internet", "443"),
                        rule("ssh-vnet", "10.0.0.0/8", "22", priority=110),
                        rule("deny-rdp", "*", "3389", access="Deny", priority=120)],
                ssh=[rule("ssh", "0.0.0.0/0", "20-25")],
                any=[rule("all", "*", "*", protocol="*")])

    results = _run(az)

    assert results[ids["ok"]].status is Status.PASS
    assert results[ids["ssh"]].status is Status.FAIL
    assert results[ids["ssh"]].message == "the internet reaches tcp 22 (rule ssh)"
    assert results[ids["any"]].status is Status.FAIL
    assert "tcp 22, udp 22" in results[ids["any"]].message
    assert "tcp 3389, udp 3389" in results[ids["any"]].message


def test_why_split_internet_and_icmp_with_any_port(az: Az) -> None:
    """Why 2: sources 0.0.0.0/1 + 128.0.0.0/1 are all of IPv4 (was: pass); ICMP with
    destination port `*` opens no TCP/UDP port (was: fail as if 22 and 3389 were open)."""
    ids = _nsgs(az, split=[rule("halves", ["0.0.0.0/1", "128.0.0.0/1"], "22")],
                split_rules=[rule("low", "0.0.0.0/1", "3389", priority=100),
                             rule("high", "128.0.0.0/1", ["3000-3400", "8080"], priority=200)],
                icmp=[rule("ping", "*", "*", protocol="Icmp"),
                      rule("ipsec", "Internet", "*", protocol="Esp", priority=110),
                      rule("ah", "Any", "*", protocol="Ah", priority=120)],
                public=[rule("public", ["1.0.0.0/8", "2.0.0.0/7", "4.0.0.0/6", "8.0.0.0/5",
                                        "16.0.0.0/4", "32.0.0.0/3", "64.0.0.0/2",
                                        "128.0.0.0/1"], "22")],
                some=[rule("one", "203.0.113.7", "22"), rule("v6", "2001:db8::/32", "22",
                                                             priority=110)])

    results = _run(az)

    assert results[ids["split"]].status is Status.FAIL
    assert results[ids["split_rules"]].message == (
        "the internet reaches tcp 3389 (rules low, high)")
    assert results[ids["icmp"]].status is Status.PASS
    # every public IPv4 block without the private ones is still the internet
    assert results[ids["public"]].status is Status.FAIL
    assert results[ids["some"]].status is Status.PASS


def test_priority_order_deny_shadows_a_later_allow_for_what_it_covers(az: Az) -> None:
    deny_all = rule("deny-all", "*", "*", access="Deny", priority=100, protocol="*")
    ids = _nsgs(az,
                shadowed=[deny_all, rule("ssh", "*", "22", priority=200)],
                deny_later=[rule("deny-all", "*", "*", access="Deny", priority=300,
                                 protocol="*"), rule("ssh", "*", "22", priority=200)],
                deny_half=[rule("deny", "0.0.0.0/1", "0-1024", access="Deny", priority=100),
                           rule("ssh", "0.0.0.0/0", "22", priority=200)],
                deny_private=[rule("deny", "10.0.0.0/8", "*", access="Deny", priority=100),
                              rule("ssh", "*", "22", priority=200)],
                deny_udp_only=[rule("deny", "*", "*", access="Deny", priority=100,
                                    protocol="Udp"), rule("ssh", "*", "22", priority=200)],
                deny_one_vm=[rule("deny", "*", "*", access="Deny", priority=100,
                                  destinationAddressPrefix="10.0.0.4"),
                             rule("ssh", "*", "22", priority=200)],
                deny_vnet_tag=[rule("deny", "VirtualNetwork", "*", access="Deny",
                                    priority=100), rule("ssh", "Internet", "22", priority=200)],
                deny_internet=[rule("deny", "Internet", "*", access="Deny", priority=100),
                               rule("ssh", "*", "22", priority=200)])

    results = {name: _run(az)[i].status for name, i in ids.items()}

    assert results == {"shadowed": Status.PASS, "deny_later": Status.FAIL,
                       "deny_half": Status.PASS, "deny_private": Status.FAIL,
                       "deny_udp_only": Status.FAIL, "deny_one_vm": Status.FAIL,
                       "deny_vnet_tag": Status.FAIL, "deny_internet": Status.PASS}


def test_outbound_service_tags_asgs_and_default_rules(az: Az) -> None:
    asg = [{"id": f"/subscriptions/{SUB_A}/resourceGroups/rg/providers/"
                  "Microsoft.Network/applicationSecurityGroups/web"}]
    defaults = [rule("AllowVnetInBound", "VirtualNetwork", "*", priority=65000, protocol="*"),
                rule("DenyAllInBound", "*", "*", access="Deny", priority=65500, protocol="*")]
    ids = _nsgs(az, outbound=[rule("out", "*", "22", direction="Outbound")],
                tags=[rule("cloud", "AzureCloud", "22"),
                      rule("lb", "AzureLoadBalancer", "3389", priority=110)])
    with_asg = az.estate.add(resource(SUB_A, "rg", NSG, "asg", {
        "securityRules": [{"name": "from-asg", "properties": {
            "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "priority": 100,
            "sourceApplicationSecurityGroups": asg, "destinationPortRange": "22"}}],
        "defaultSecurityRules": defaults}))["id"]

    results = _run(az)

    assert results[ids["outbound"]].status is Status.PASS
    assert results[ids["tags"]].status is Status.PASS
    assert results[with_asg].status is Status.PASS


def test_admin_ports_default_is_the_shared_list_and_tunable(az: Az) -> None:
    ids = _nsgs(az, mongo=[rule("mongo", "Internet", "27017")],
                proxy=[rule("proxy", "Internet", "8080")])

    assert nsg_no_admin_ports_from_internet.defaults() == {"admin_ports": ADMIN_PORTS}
    assert _run(az)[ids["mongo"]].status is Status.FAIL  # was: pass (only 22, 3389)
    assert _run(az)[ids["proxy"]].status is Status.PASS
    assert _run(az, admin_ports=(8080,))[ids["proxy"]].status is Status.FAIL
