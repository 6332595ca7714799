from checks.gcp.vpc_subnet_flow_logs import vpc_subnet_flow_logs
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, statuses

S = "//compute.googleapis.com/projects/"


def test_flow_logs_on_pass_off_fail_proxy_only_skipped(gcp: AssetEstate) -> None:
    assert statuses(gcp.run(vpc_subnet_flow_logs)) == {
        S + "acme-prod/regions/us-central1/subnetworks/prod-subnet": Status.PASS,
        S + "acme-dev/regions/us-central1/subnetworks/dev-subnet": Status.FAIL,
    }
