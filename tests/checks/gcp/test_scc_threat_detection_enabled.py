from checks.gcp.scc_threat_detection_enabled import scc_threat_detection_enabled
from collector.demo.gcp_estate import ORG, build_gcp_estate
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, by_resource

S = "//securitycentermanagement.googleapis.com/"
SVC = "/locations/global/securityCenterServices/"


def test_enabled_services_pass_disabled_project_override_fails(gcp: AssetEstate) -> None:
    results = by_resource(gcp.run(scc_threat_detection_enabled))

    assert results[S + ORG + SVC + "event-threat-detection"].status is Status.PASS
    assert results[S + ORG + SVC + "security-health-analytics"].status is Status.PASS
    dev = results[S + "projects/100000000002" + SVC + "security-health-analytics"]
    assert dev.status is Status.FAIL
    assert dev.scope == "acme-dev"


def test_no_scc_settings_at_all_fails_the_scope(gcp: AssetEstate) -> None:
    gcp.load([a for a in build_gcp_estate() if "securitycenter" not in a["assetType"]])

    results = gcp.run(scc_threat_detection_enabled)

    assert [(r.resource_id, r.status) for r in results] == [
        (f"//cloudresourcemanager.googleapis.com/{ORG}", Status.FAIL)]
