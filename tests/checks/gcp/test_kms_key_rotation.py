from checks.gcp.kms_key_rotation import kms_key_rotation
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, statuses

K = "//cloudkms.googleapis.com/projects/"
ROTATING = K + "acme-prod/locations/us/keyRings/data/cryptoKeys/prod-data"
STALE = K + "acme-dev/locations/us/keyRings/legacy/cryptoKeys/dev-legacy"


def test_rotating_key_passes_unrotated_fails_signing_key_skipped(gcp: AssetEstate) -> None:
    assert statuses(gcp.run(kms_key_rotation)) == {ROTATING: Status.PASS, STALE: Status.FAIL}


def test_rotation_longer_than_the_maximum_fails(gcp: AssetEstate) -> None:
    results = statuses(gcp.run(kms_key_rotation, {"max_days": 30}))

    assert results[ROTATING] is Status.FAIL
