from checks.gcp.os_login_enforced import os_login_enforced
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, statuses

C = "//compute.googleapis.com/projects/"


def test_project_setting_and_instance_override(gcp: AssetEstate) -> None:
    assert statuses(gcp.run(os_login_enforced)) == {
        C + "acme-prod": Status.PASS,
        C + "acme-dev": Status.FAIL,
        C + "acme-prod/zones/us-central1-a/instances/legacy-vm": Status.FAIL,
    }


def test_two_factor_can_be_required(gcp: AssetEstate) -> None:
    assert statuses(gcp.run(os_login_enforced, {"require_2fa": True}))[C + "acme-prod"] \
        is Status.FAIL
