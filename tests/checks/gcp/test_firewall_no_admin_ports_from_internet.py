"""gcp_firewall_no_admin_ports_from_internet through the real Cloud Asset client to the fake.

Rule semantics from Google's compute.v1 discovery document, `Firewall`: priority (lower number
first, DENY before ALLOW at equal priority), `allowed[]/denied[]` with `IPProtocol` and
`ports` (absent: every port), `sourceRanges` OR `sourceTags`, `disabled`, `direction`."""

from typing import Any

from checks._network import ADMIN_PORTS
from checks.gcp.firewall_no_admin_ports_from_internet import (
    firewall_no_admin_ports_from_internet,
)
from collector.demo.gcp_estate import DEV, PROD, asset, hierarchy
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, by_resource, statuses

C = "//compute.googleapis.com/projects/"
DEV_NET = C + "acme-dev/global/networks/default"
PROD_NET = C + "acme-prod/global/networks/default"


def rule(name: str, allowed: list[Any] | None = None, *, network: str = "default",
         project: str = DEV, **data: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "direction": "INGRESS", "priority": 1000,
                            "network": f"https://www.googleapis.com/compute/v1/projects/"
                                       f"{project}/global/networks/{network}", **data}
    if allowed is not None:
        body["allowed"] = allowed
    return asset(f"{C}{project}/global/firewalls/{name}", "compute.googleapis.com/Firewall",
                 project, body)


def test_ssh_from_anywhere_fails_https_and_internal_pass(gcp: AssetEstate) -> None:
    """One result per VPC network (was one per rule): a network's rules decide together."""
    results = by_resource(gcp.run(firewall_no_admin_ports_from_internet))

    assert {k: r.status for k, r in results.items()} == {DEV_NET: Status.FAIL,
                                                         PROD_NET: Status.PASS}
    assert results[DEV_NET].message == (
        "the internet reaches tcp 22 (rule allow-ssh-from-anywhere)")
    assert results[DEV_NET].scope == "acme-dev" and results[PROD_NET].scope == "acme-prod"


def test_port_ranges_all_protocols_and_disabled_rules(gcp: AssetEstate) -> None:
    tcp = {"IPProtocol": "tcp", "ports": ["3000-4000"]}
    gcp.load([*hierarchy(),
              rule("range", [tcp], network="ranges", sourceRanges=["::/0"]),
              rule("all", [{"IPProtocol": "all"}], network="all", sourceRanges=["::/0"]),
              rule("no-ports", [{"IPProtocol": "udp"}], network="udp",
                   sourceRanges=["0.0.0.0/0"]),
              rule("off", [{"IPProtocol": "tcp", "ports": ["22"]}], network="off",
                   disabled=True, sourceRanges=["0.0.0.0/0"]),
              rule("out", [{"IPProtocol": "tcp", "ports": ["22"]}], network="off",
                   direction="EGRESS", destinationRanges=["0.0.0.0/0"])])

    results = by_resource(gcp.run(firewall_no_admin_ports_from_internet))

    net = C + "acme-dev/global/networks/"
    assert {k: r.status for k, r in results.items()} == {
        net + "ranges": Status.FAIL, net + "all": Status.FAIL, net + "udp": Status.FAIL,
        net + "off": Status.PASS}
    assert results[net + "ranges"].message == "the internet reaches tcp 3306, tcp 3389 (rule range)"
    assert "udp 22" in results[net + "udp"].message and "tcp" not in results[net + "udp"].message


def test_split_sources_icmp_and_default_source(gcp: AssetEstate) -> None:
    """Why 2 on GCP: two rules with halves of IPv4 are the internet; ICMP/ESP/AH open no port;
    an ingress rule without any source has source 0.0.0.0/0 (GCP's default); source tags are
    instances in the network."""
    ssh = [{"IPProtocol": "tcp", "ports": ["22"]}]
    gcp.load([*hierarchy(),
              rule("low-half", ssh, network="split", sourceRanges=["0.0.0.0/1"]),
              rule("high-half", [{"IPProtocol": "6", "ports": ["20-30"]}], network="split",
                   sourceRanges=["128.0.0.0/1"]),
              rule("half-only", ssh, network="half", sourceRanges=["0.0.0.0/1"]),
              rule("icmp", [{"IPProtocol": "icmp"}, {"IPProtocol": "esp"},
                            {"IPProtocol": "ah"}], network="icmp", sourceRanges=["0.0.0.0/0"]),
              rule("no-source", ssh, network="nosrc"),
              rule("tags", ssh, network="tags", sourceTags=["bastion"])])

    results = by_resource(gcp.run(firewall_no_admin_ports_from_internet))

    net = C + "acme-dev/global/networks/"
    assert {k: r.status for k, r in results.items()} == {
        net + "split": Status.FAIL, net + "half": Status.PASS, net + "icmp": Status.PASS,
        net + "nosrc": Status.FAIL, net + "tags": Status.PASS}
    assert results[net + "split"].message == (
        "the internet reaches tcp 22 (rules low-half, high-half)")


def test_deny_rules_and_priority(gcp: AssetEstate) -> None:
    """A deny at a higher priority (or equal: deny wins) shadows an allow for what it covers; a
    deny scoped by target tags shadows nothing (it may not reach every instance)."""
    ssh = [{"IPProtocol": "tcp", "ports": ["22"]}]
    deny = [{"IPProtocol": "all"}]
    gcp.load([*hierarchy(),
              rule("allow", ssh, network="tie", sourceRanges=["0.0.0.0/0"]),
              rule("deny", None, network="tie", denied=deny, sourceRanges=["0.0.0.0/0"]),
              rule("allow", ssh, network="later", priority=100, sourceRanges=["0.0.0.0/0"],
                   project=PROD),
              rule("deny", None, network="later", denied=deny, priority=200,
                   sourceRanges=["0.0.0.0/0"], project=PROD),
              rule("allow2", ssh, network="partial", sourceRanges=["0.0.0.0/0"]),
              rule("deny-private", None, network="partial", priority=10,
                   denied=[{"IPProtocol": "tcp"}], sourceRanges=["10.0.0.0/8"]),
              rule("deny-half", None, network="half", priority=10,
                   denied=[{"IPProtocol": "tcp", "ports": ["0-100"]}],
                   sourceRanges=["128.0.0.0/1"]),
              rule("allow3", ssh, network="half", sourceRanges=["0.0.0.0/0"]),
              rule("deny-tagged", None, network="tagged", priority=10, denied=deny,
                   sourceRanges=["0.0.0.0/0"], targetTags=["web"]),
              rule("allow4", ssh, network="tagged", sourceRanges=["0.0.0.0/0"])])

    results = statuses(gcp.run(firewall_no_admin_ports_from_internet))

    dev, prod = C + "acme-dev/global/networks/", C + "acme-prod/global/networks/"
    assert results == {dev + "tie": Status.PASS, prod + "later": Status.FAIL,
                       dev + "partial": Status.FAIL, dev + "half": Status.PASS,
                       dev + "tagged": Status.FAIL}


def test_admin_ports_default_is_the_shared_list(gcp: AssetEstate) -> None:
    gcp.load([*hierarchy(), rule("pg", [{"IPProtocol": "tcp", "ports": ["5432"]}],
                                 sourceRanges=["0.0.0.0/0"])])

    assert firewall_no_admin_ports_from_internet.defaults() == {"admin_ports": ADMIN_PORTS}
    assert statuses(gcp.run(firewall_no_admin_ports_from_internet)) == {DEV_NET: Status.FAIL}
    assert statuses(gcp.run(firewall_no_admin_ports_from_internet,
                            params={"admin_ports": (22,)})) == {DEV_NET: Status.PASS}
