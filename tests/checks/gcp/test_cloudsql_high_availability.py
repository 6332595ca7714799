from checks.gcp.cloudsql_high_availability import cloudsql_high_availability
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, statuses

S = "//cloudsql.googleapis.com/projects/"
C = "//compute.googleapis.com/projects/"


def test_regional_database_and_multi_zone_group_pass(gcp: AssetEstate) -> None:
    assert statuses(gcp.run(cloudsql_high_availability)) == {
        S + "acme-prod/instances/prod-db": Status.PASS,
        S + "acme-dev/instances/dev-db": Status.FAIL,
        C + "acme-prod/regions/us-central1/instanceGroupManagers/web": Status.PASS,
        C + "acme-dev/zones/us-central1-a/instanceGroupManagers/batch": Status.FAIL,
    }
