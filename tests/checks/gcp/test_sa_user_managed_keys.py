from checks.gcp.sa_user_managed_keys import sa_user_managed_keys
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, statuses

K = "//iam.googleapis.com/projects/"
YOUNG = K + "acme-prod/serviceAccounts/app@acme-prod.iam.gserviceaccount.com/keys/1a2b"
OLD = K + "acme-dev/serviceAccounts/deployer@acme-dev.iam.gserviceaccount.com/keys/3c4d"


def test_young_key_passes_old_key_fails_system_keys_skipped(gcp: AssetEstate) -> None:
    assert statuses(gcp.run(sa_user_managed_keys)) == {YOUNG: Status.PASS, OLD: Status.FAIL}


def test_maximum_age_is_a_parameter(gcp: AssetEstate) -> None:
    assert statuses(gcp.run(sa_user_managed_keys, {"max_age_days": 10}))[YOUNG] is Status.FAIL
