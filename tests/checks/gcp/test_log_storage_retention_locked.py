from checks.gcp.log_storage_retention_locked import log_storage_retention_locked
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, statuses

LOCKED = "//storage.googleapis.com/acme-prod-logs"
SHORT = "//storage.googleapis.com/acme-audit-logs"
LOG_BUCKET = "//logging.googleapis.com/projects/acme-dev/locations/global/buckets/_Default"


def test_locked_long_retention_passes_short_or_unlocked_fails(gcp: AssetEstate) -> None:
    results = statuses(gcp.run(log_storage_retention_locked))

    assert results == {LOCKED: Status.PASS, SHORT: Status.FAIL, LOG_BUCKET: Status.FAIL}


def test_minimum_and_lock_are_parameters(gcp: AssetEstate) -> None:
    results = statuses(gcp.run(log_storage_retention_locked,
                               {"min_days": 30, "require_lock": False}))

    assert results[SHORT] is Status.PASS
    assert results[LOG_BUCKET] is Status.PASS
