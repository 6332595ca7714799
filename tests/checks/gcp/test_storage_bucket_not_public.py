from checks.gcp.storage_bucket_not_public import storage_bucket_not_public
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, by_resource

B = "//storage.googleapis.com/"


def test_public_and_unprotected_buckets_fail(gcp: AssetEstate) -> None:
    results = by_resource(gcp.run(storage_bucket_not_public))

    assert results[B + "acme-prod-logs"].status is Status.PASS
    # prevention inherited from the folder's storage.publicAccessPrevention org policy
    assert results[B + "acme-audit-logs"].status is Status.PASS
    assert results[B + "acme-public-site"].status is Status.FAIL
    assert "allUsers" in results[B + "acme-public-site"].message
    assert results[B + "acme-dev-scratch"].status is Status.FAIL
    assert "uniform bucket-level access is off" in results[B + "acme-dev-scratch"].message
    assert results[B + "acme-public-site"].scope == "acme-dev"


def test_prevention_can_be_optional(gcp: AssetEstate) -> None:
    results = by_resource(gcp.run(storage_bucket_not_public,
                                  {"require_public_access_prevention": False}))

    assert results[B + "acme-public-site"].status is Status.FAIL
    assert results[B + "acme-dev-scratch"].status is Status.FAIL
