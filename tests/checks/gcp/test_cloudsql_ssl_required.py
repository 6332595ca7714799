from checks.gcp.cloudsql_ssl_required import cloudsql_ssl_required
from collector.demo.gcp_estate import build_gcp_estate
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, statuses

S = "//cloudsql.googleapis.com/projects/"
PROD_DB, DEV_DB = S + "acme-prod/instances/prod-db", S + "acme-dev/instances/dev-db"


def test_encrypted_only_passes_unencrypted_allowed_fails(gcp: AssetEstate) -> None:
    assert statuses(gcp.run(cloudsql_ssl_required)) == {PROD_DB: Status.PASS,
                                                        DEV_DB: Status.FAIL}


def test_legacy_require_ssl_counts_without_ssl_mode(gcp: AssetEstate) -> None:
    estate = build_gcp_estate()
    dev = next(a for a in estate if a["name"] == DEV_DB)
    ip = dev["resource"]["data"]["settings"]["ipConfiguration"]
    del ip["sslMode"]
    ip["requireSsl"] = True
    gcp.load(estate)

    assert statuses(gcp.run(cloudsql_ssl_required))[DEV_DB] is Status.PASS
