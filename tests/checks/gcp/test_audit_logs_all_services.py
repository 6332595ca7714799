from checks.gcp.audit_logs_all_services import audit_logs_all_services
from collector.demo.gcp_estate import DEV, PROD, build_gcp_estate
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, by_resource

PROD_NAME = "//cloudresourcemanager.googleapis.com/projects/100000000001"
DEV_NAME = "//cloudresourcemanager.googleapis.com/projects/100000000002"


def test_full_audit_config_passes_and_partial_or_exempted_fails(gcp: AssetEstate) -> None:
    results = by_resource(gcp.run(audit_logs_all_services))

    assert results[PROD_NAME].status is Status.PASS
    assert results[PROD_NAME].scope == PROD
    assert results[DEV_NAME].status is Status.FAIL
    assert results[DEV_NAME].scope == DEV
    assert "DATA_WRITE" in results[DEV_NAME].message
    assert "user:dev@acme.example" in results[DEV_NAME].message


def test_audit_config_inherited_from_the_organisation_counts(gcp: AssetEstate) -> None:
    estate = build_gcp_estate()
    org = next(a for a in estate if a["assetType"].endswith("/Organization"))
    org["iamPolicy"]["auditConfigs"] = [{"service": "allServices", "auditLogConfigs": [
        {"logType": t} for t in ("ADMIN_READ", "DATA_READ", "DATA_WRITE")]}]
    dev = next(a for a in estate if a["name"] == DEV_NAME)
    dev["iamPolicy"]["auditConfigs"] = []
    gcp.load(estate)

    results = by_resource(gcp.run(audit_logs_all_services))

    assert results[DEV_NAME].status is Status.PASS
