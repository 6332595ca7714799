from checks.gcp.storage_bucket_versioning_or_soft_delete import (
    storage_bucket_versioning_or_soft_delete,
)
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, statuses

B = "//storage.googleapis.com/"


def test_versioning_or_soft_delete_passes_neither_fails(gcp: AssetEstate) -> None:
    results = statuses(gcp.run(storage_bucket_versioning_or_soft_delete))

    assert results == {B + "acme-prod-logs": Status.PASS, B + "acme-audit-logs": Status.PASS,
                       B + "acme-public-site": Status.PASS, B + "acme-dev-scratch": Status.FAIL}
