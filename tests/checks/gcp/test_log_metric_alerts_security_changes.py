from checks.gcp.log_metric_alerts_security_changes import log_metric_alerts_security_changes
from collector.demo.gcp_estate import build_gcp_estate
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, by_resource

PROD_NAME = "//cloudresourcemanager.googleapis.com/projects/100000000001"
DEV_NAME = "//cloudresourcemanager.googleapis.com/projects/100000000002"


def test_all_alerts_pass_and_metric_without_alert_fails(gcp: AssetEstate) -> None:
    results = by_resource(gcp.run(log_metric_alerts_security_changes))

    assert results[PROD_NAME].status is Status.PASS
    assert results[DEV_NAME].status is Status.FAIL
    assert "VPC firewall rules" in results[DEV_NAME].message


def test_a_disabled_alert_policy_does_not_count(gcp: AssetEstate) -> None:
    estate = build_gcp_estate()
    for a in estate:
        if a["assetType"] == "monitoring.googleapis.com/AlertPolicy" and \
                "sql-config" in a["resource"]["data"]["displayName"]:
            a["resource"]["data"]["enabled"] = False
    gcp.load(estate)

    results = by_resource(gcp.run(log_metric_alerts_security_changes))

    assert results[PROD_NAME].status is Status.FAIL
    assert results[PROD_NAME].message == "no alerting log metric for: Cloud SQL configuration"
