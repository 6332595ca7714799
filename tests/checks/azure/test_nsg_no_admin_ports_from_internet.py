from checks.azure.nsg_no_admin_ports_from_internet import nsg_no_admin_ports_from_internet
from collector.demo.azure_fake import resource
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, Az, by_resource

NSG = "Microsoft.Network/networkSecurityGroups"


def rule(name: str, source: str, ports: str, access: str = "Allow",
         direction: str = "Inbound") -> dict[str, object]:
    return {"name": name, "properties": {
        "direction": direction, "access": access, "protocol": "Tcp",
        "sourceAddressPrefix": source, "destinationPortRange": ports}}


def test_internal_or_https_passes_ssh_rdp_or_all_ports_from_internet_fail(az: Az) -> None:
    ok = az.estate.add(resource(SUB_A, "rg", NSG, "ok", {"securityRules": [
        rule("https", "Internet", "443"), rule("ssh-vnet", "10.0.0.0/8", "22"),
        rule("deny-rdp", "*", "3389", access="Deny")]}))
    ssh = az.estate.add(resource(SUB_A, "rg", NSG, "ssh", {"securityRules": [
        rule("ssh", "0.0.0.0/0", "20-25")]}))
    anyport = az.estate.add(resource(SUB_A, "rg", NSG, "any", {"securityRules": [
        rule("all", "*", "*")]}))

    results = by_resource(az.run(nsg_no_admin_ports_from_internet))

    assert results[ok["id"]].status is Status.PASS
    assert results[ssh["id"]].status is Status.FAIL
    assert "ports 22" in results[ssh["id"]].message
    assert results[anyport["id"]].status is Status.FAIL
    assert "22, 3389" in results[anyport["id"]].message
