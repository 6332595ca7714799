from checks.azure.defender_security_contacts import defender_security_contacts
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, SUB_B, Az


def contacts(sub: str) -> str:
    return f"/subscriptions/{sub}/providers/Microsoft.Security/securityContacts"


def test_contact_with_notifications_passes_incomplete_fails(az: Az) -> None:
    az.estate.arm[contacts(SUB_A)] = {"value": [{"name": "default", "properties": {
        "emails": "secops@example.com",
        "alertNotifications": {"state": "On", "minimalSeverity": "High"},
        "notificationsByRole": {"state": "On", "roles": ["Owner"]}}}]}
    az.estate.arm[contacts(SUB_B)] = {"value": [{"name": "default", "properties": {
        "emails": "", "alertNotifications": {"state": "Off"},
        "notificationsByRole": {"state": "On", "roles": ["AccountAdmin"]}}}]}

    [ok] = az.run(defender_security_contacts, SUB_A)
    [bad] = az.run(defender_security_contacts, SUB_B)

    assert ok.status is Status.PASS
    assert bad.status is Status.FAIL
    assert "no contact e-mail" in bad.message and "owners" in bad.message


def test_no_contact_fails(az: Az) -> None:
    az.estate.arm[contacts(SUB_A)] = {"value": []}
    [result] = az.run(defender_security_contacts, SUB_A)
    assert result.status is Status.FAIL
