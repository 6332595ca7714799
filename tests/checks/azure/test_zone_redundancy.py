from checks.azure.zone_redundancy import zone_redundancy
from collector.demo.azure_fake import resource
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, Az, by_resource


def test_zrs_and_ha_pass_lrs_and_no_ha_fail(az: Az) -> None:
    zrs = az.estate.add(resource(SUB_A, "rg", "Microsoft.Storage/storageAccounts", "zrs",
                                 sku={"name": "Standard_ZRS"}))
    lrs = az.estate.add(resource(SUB_A, "rg", "Microsoft.Storage/storageAccounts", "lrs",
                                 sku={"name": "Premium_LRS"}))
    ha = az.estate.add(resource(SUB_A, "rg", "Microsoft.DBforPostgreSQL/flexibleServers", "ha",
                                {"highAvailability": {"mode": "ZoneRedundant"}}))
    single = az.estate.add(resource(SUB_A, "rg", "Microsoft.DBforMySQL/flexibleServers", "one",
                                    {"highAvailability": {"mode": "Disabled"}}))

    results = by_resource(az.run(zone_redundancy))

    assert results[zrs["id"]].status is Status.PASS
    assert results[lrs["id"]].status is Status.FAIL
    assert results[ha["id"]].status is Status.PASS
    assert results[single["id"]].status is Status.FAIL
