from checks.gcp.bigquery_dataset_cmek import bigquery_dataset_cmek
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, statuses

D = "//bigquery.googleapis.com/projects/"


def test_cmek_dataset_passes_google_managed_fails(gcp: AssetEstate) -> None:
    assert statuses(gcp.run(bigquery_dataset_cmek)) == {
        D + "acme-prod/datasets/analytics": Status.PASS,
        D + "acme-dev/datasets/sandbox": Status.FAIL,
    }
