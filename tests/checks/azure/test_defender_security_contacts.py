"""Security contacts in the 2023-12-01-preview shape (Microsoft.Security securityContacts.json:
emails, isEnabled, notificationsSources[{sourceType Alert, minimalSeverity}], notificationsByRole).
"""

from typing import Any

from checks.azure.defender_security_contacts import API, defender_security_contacts
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, SUB_B, Az


def contacts(sub: str) -> str:
    return f"/subscriptions/{sub}/providers/Microsoft.Security/securityContacts"


def contact(**over: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "emails": "secops@example.com;ciso@example.com", "isEnabled": True,
        "notificationsSources": [{"sourceType": "AttackPath", "minimalRiskLevel": "Critical"},
                                 {"sourceType": "Alert", "minimalSeverity": "Medium"}],
        "notificationsByRole": {"state": "On", "roles": ["Owner"]}}
    props.update(over)
    return {"value": [{"id": "/subscriptions/x/providers/Microsoft.Security/securityContacts/"
                             "default", "name": "default",
                       "type": "Microsoft.Security/securityContacts", "properties": props}]}


def test_reads_the_current_api_version(az: Az) -> None:
    az.estate.arm[contacts(SUB_A)] = contact()
    [ok] = az.run(defender_security_contacts, SUB_A)
    assert ok.status is Status.PASS
    assert API == "2023-12-01-preview"
    [url] = [u for u in az.fake.urls if "securityContacts" in u]
    assert url.endswith("api-version=2023-12-01-preview")


def test_contact_with_notifications_passes_incomplete_fails(az: Az) -> None:
    az.estate.arm[contacts(SUB_A)] = contact()
    az.estate.arm[contacts(SUB_B)] = contact(
        emails="", notificationsSources=[{"sourceType": "AttackPath",
                                          "minimalRiskLevel": "High"}],
        notificationsByRole={"state": "On", "roles": ["AccountAdmin"]})

    [ok] = az.run(defender_security_contacts, SUB_A)
    [bad] = az.run(defender_security_contacts, SUB_B)

    assert ok.status is Status.PASS
    assert bad.status is Status.FAIL
    assert "no contact e-mail" in bad.message and "owners" in bad.message
    assert "High severity alerts is off" in bad.message  # attack paths are not alerts


def test_disabled_contact_or_old_shape_fails(az: Az) -> None:
    az.estate.arm[contacts(SUB_A)] = contact(isEnabled=False)
    [disabled] = az.run(defender_security_contacts, SUB_A)
    assert disabled.status is Status.FAIL and "not enabled" in disabled.message

    # The 2020-01-01-preview shape (alertNotifications) proves nothing in the current version.
    az.estate.arm[contacts(SUB_B)] = {"value": [{"name": "default", "properties": {
        "emails": "secops@example.com", "alertNotifications": {"state": "On",
                                                              "minimalSeverity": "High"},
        "notificationsByRole": {"state": "On", "roles": ["Owner"]}}}]}
    [old] = az.run(defender_security_contacts, SUB_B)
    assert old.status is Status.FAIL


def test_no_contact_fails(az: Az) -> None:
    az.estate.arm[contacts(SUB_A)] = {"value": []}
    [result] = az.run(defender_security_contacts, SUB_A)
    assert result.status is Status.FAIL
