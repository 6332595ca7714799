from checks.azure.subnet_nsg_associated import subnet_nsg_associated
from collector.demo.azure_fake import resource
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, Az, by_resource


def test_subnet_with_nsg_passes_without_fails_gateway_skipped(az: Az) -> None:
    vnet_id = resource(SUB_A, "net", "Microsoft.Network/virtualNetworks", "hub")["id"]
    nsg = resource(SUB_A, "net", "Microsoft.Network/networkSecurityGroups", "app")["id"]
    subnets = [
        {"id": f"{vnet_id}/subnets/app", "name": "app",
         "properties": {"networkSecurityGroup": {"id": nsg}}},
        {"id": f"{vnet_id}/subnets/data", "name": "data", "properties": {}},
        {"id": f"{vnet_id}/subnets/GatewaySubnet", "name": "GatewaySubnet", "properties": {}},
    ]
    az.estate.add(resource(SUB_A, "net", "Microsoft.Network/virtualNetworks", "hub",
                           {"subnets": subnets}))

    results = by_resource(az.run(subnet_nsg_associated))

    assert results[f"{vnet_id}/subnets/app"].status is Status.PASS
    assert results[f"{vnet_id}/subnets/data"].status is Status.FAIL
    assert f"{vnet_id}/subnets/GatewaySubnet" not in results
