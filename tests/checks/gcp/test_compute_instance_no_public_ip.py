from checks.gcp.compute_instance_no_public_ip import compute_instance_no_public_ip
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, statuses

INST = "//compute.googleapis.com/projects/"
BASTION = INST + "acme-dev/zones/us-central1-a/instances/bastion"


def test_instance_with_external_ip_fails(gcp: AssetEstate) -> None:
    assert statuses(gcp.run(compute_instance_no_public_ip)) == {
        INST + "acme-prod/zones/us-central1-a/instances/web-1": Status.PASS,
        INST + "acme-prod/zones/us-central1-a/instances/legacy-vm": Status.PASS,
        BASTION: Status.FAIL,
    }


def test_allow_listed_instance_passes(gcp: AssetEstate) -> None:
    results = statuses(gcp.run(compute_instance_no_public_ip, {"allowed": ("bastion",)}))

    assert results[BASTION] is Status.PASS
