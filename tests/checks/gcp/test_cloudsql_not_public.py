from checks.gcp.cloudsql_not_public import cloudsql_not_public
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, statuses

S = "//cloudsql.googleapis.com/projects/"
PROD_DB, DEV_DB = S + "acme-prod/instances/prod-db", S + "acme-dev/instances/dev-db"


def test_private_instance_passes_open_to_internet_fails(gcp: AssetEstate) -> None:
    assert statuses(gcp.run(cloudsql_not_public)) == {PROD_DB: Status.PASS,
                                                      DEV_DB: Status.FAIL}


def test_private_ip_can_be_required(gcp: AssetEstate) -> None:
    results = statuses(gcp.run(cloudsql_not_public, {"require_private_ip": True}))

    assert results == {PROD_DB: Status.PASS, DEV_DB: Status.FAIL}
