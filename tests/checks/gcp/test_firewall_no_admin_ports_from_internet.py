from checks.gcp.firewall_no_admin_ports_from_internet import (
    firewall_no_admin_ports_from_internet,
)
from collector.demo.gcp_estate import DEV, asset, hierarchy
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, statuses

F = "//compute.googleapis.com/projects/"


def test_ssh_from_anywhere_fails_https_and_internal_pass(gcp: AssetEstate) -> None:
    assert statuses(gcp.run(firewall_no_admin_ports_from_internet)) == {
        F + "acme-dev/global/firewalls/allow-ssh-from-anywhere": Status.FAIL,
        F + "acme-prod/global/firewalls/allow-https": Status.PASS,
        F + "acme-prod/global/firewalls/allow-internal": Status.PASS,
    }


def test_port_ranges_all_protocols_and_disabled_rules(gcp: AssetEstate) -> None:
    def rule(name: str, allowed: list[object], disabled: bool = False) -> dict[str, object]:
        return asset(F + f"acme-dev/global/firewalls/{name}", "compute.googleapis.com/Firewall",
                     DEV, {"name": name, "direction": "INGRESS", "disabled": disabled,
                           "sourceRanges": ["::/0"], "allowed": allowed})

    gcp.load([*hierarchy(), rule("range", [{"IPProtocol": "tcp", "ports": ["3000-4000"]}]),
              rule("all", [{"IPProtocol": "all"}]),
              rule("off", [{"IPProtocol": "tcp", "ports": ["22"]}], disabled=True)])

    results = statuses(gcp.run(firewall_no_admin_ports_from_internet))

    assert results == {F + "acme-dev/global/firewalls/range": Status.FAIL,
                       F + "acme-dev/global/firewalls/all": Status.FAIL}

