from checks.gcp.cloud_asset_inventory_enabled import cloud_asset_inventory_enabled
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, by_resource

P = "//cloudresourcemanager.googleapis.com/projects/"


def test_enabled_api_passes_missing_api_fails(gcp: AssetEstate) -> None:
    results = by_resource(gcp.run(cloud_asset_inventory_enabled))

    assert results[P + "100000000001"].status is Status.PASS
    assert results[P + "100000000002"].status is Status.FAIL
    assert results[P + "100000000002"].scope == "acme-dev"
