from checks.gcp.sa_no_admin_roles import is_admin_role, sa_no_admin_roles
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, by_resource

SA = "//iam.googleapis.com/projects/"
DEPLOYER = SA + "acme-dev/serviceAccounts/deployer@acme-dev.iam.gserviceaccount.com"


def test_editor_service_account_fails_others_pass(gcp: AssetEstate) -> None:
    results = by_resource(gcp.run(sa_no_admin_roles))

    assert results[SA + "acme-prod/serviceAccounts/app@acme-prod.iam.gserviceaccount.com"] \
        .status is Status.PASS
    assert results[SA + "acme-prod/serviceAccounts/evidence@acme-prod.iam.gserviceaccount.com"] \
        .status is Status.PASS
    assert results[DEPLOYER].status is Status.FAIL
    assert "roles/editor" in results[DEPLOYER].message
    assert len(results) == 3  # the Cloud Build service agent is not a listed service account


def test_admin_roles_are_recognised() -> None:
    assert is_admin_role("roles/owner") and is_admin_role("roles/iam.securityAdmin")
    assert is_admin_role("roles/storage.admin")
    assert not is_admin_role("roles/cloudasset.viewer")
    assert not is_admin_role("roles/storage.objectAdminViewer")
