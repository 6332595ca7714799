from checks.gcp.essential_contacts_security import essential_contacts_security
from collector.demo.gcp_estate import ORG, build_gcp_estate
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, statuses

CRM = "//cloudresourcemanager.googleapis.com/"


def test_security_contact_passes_other_categories_fail(gcp: AssetEstate) -> None:
    assert statuses(gcp.run(essential_contacts_security)) == {
        CRM + ORG: Status.FAIL,
        CRM + "projects/100000000001": Status.PASS,
        CRM + "projects/100000000002": Status.FAIL,
    }


def test_an_organisation_contact_is_inherited_by_projects(gcp: AssetEstate) -> None:
    estate = build_gcp_estate()
    org_contact = next(a for a in estate if a["name"].endswith(f"{ORG}/contacts/1"))
    org_contact["resource"]["data"]["notificationCategorySubscriptions"] = ["ALL"]
    gcp.load(estate)

    assert set(statuses(gcp.run(essential_contacts_security)).values()) == {Status.PASS}
