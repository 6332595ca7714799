from checks.azure.sql_no_public_firewall import sql_no_public_firewall
from collector.demo.azure_fake import resource
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, Az, by_resource

SERVER = "Microsoft.Sql/servers"


def rule(name: str, start: str, end: str) -> dict[str, object]:
    return {"name": name, "properties": {"startIpAddress": start, "endIpAddress": end}}


def test_private_or_narrow_passes_internet_rule_fails(az: Az) -> None:
    private = az.estate.add(resource(SUB_A, "rg", SERVER, "private",
                                     {"publicNetworkAccess": "Disabled"}))
    narrow = az.estate.add(resource(SUB_A, "rg", SERVER, "narrow",
                                    {"publicNetworkAccess": "Enabled"}))
    wide = az.estate.add(resource(SUB_A, "rg", SERVER, "wide", {"publicNetworkAccess": "Enabled"}))
    az.estate.arm[f"{narrow['id']}/firewallRules"] = {"value": [
        rule("office", "203.0.113.0", "203.0.113.255"), rule("azure", "0.0.0.0", "0.0.0.0")]}
    az.estate.arm[f"{wide['id']}/firewallRules"] = {"value": [
        rule("everyone", "0.0.0.0", "255.255.255.255")]}

    results = by_resource(az.run(sql_no_public_firewall))

    assert results[private["id"]].status is Status.PASS
    assert results[narrow["id"]].status is Status.PASS
    assert "Allow Azure services" in results[narrow["id"]].message
    assert results[wide["id"]].status is Status.FAIL
    assert "everyone" in results[wide["id"]].message
