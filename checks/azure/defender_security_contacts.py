"""Defender for Cloud: security contacts and alert notifications."""

from collections.abc import Iterator
from typing import Any

from collector.cloud.api import AzureApi
from collector.model import Result
from collector.plugin import check

API = "2023-12-01-preview"
"""Microsoft.Security securityContacts, current shape (emails, isEnabled, notificationsSources,
notificationsByRole); the older 2020-01-01-preview answered alertNotifications instead."""
SEVERITY = {"low": 1, "medium": 2, "high": 3}
"""minimalSeverity: notifications for alerts of this severity and above (High only, Medium
and High, or all three)."""


@check(
    id="azure_defender_security_contacts",
    criteria=("CC2.3", "CC7.3", "CC7.4"),
    permissions=("Microsoft.Security/securityContacts/read",),
)
def defender_security_contacts(ctx: AzureApi) -> Iterator[Result]:
    """Security alerts reach people: a contact e-mail, High-severity notifications, owners.

    One result for the subscription (ARM securityContacts, api-version 2023-12-01-preview).
    Passes when one contact has isEnabled true, an e-mail address, a notificationsSources entry
    of sourceType Alert whose minimalSeverity is High, Medium or Low (each includes High), and
    notificationsByRole On including Owner. Fails otherwise, and when no contact exists (an
    absent isEnabled or severity is unknown, so it fails).

    How to fix: Set a security contact e-mail, notify on High-severity alerts, and notify
        subscription Owners.
    Console: Microsoft Defender for Cloud > Environment settings > subscription > Email
        notifications
    CLI: az security contact create --name default --emails security@example.com
        --alert-notifications '{"state":"On","minimalSeverity":"High"}' --notifications-by-role
        '{"state":"On","roles":["Owner"]}'
    Docs: https://learn.microsoft.com/azure/defender-for-cloud/configure-email-notifications
    """
    contacts = ctx.arm_list(f"{ctx.subscription_resource}/providers/Microsoft.Security/"
                            "securityContacts", API)
    if not contacts:
        yield Result.failed(ctx.subscription_resource, "no security contact is configured")
        return
    best: list[str] = []
    for contact in contacts:
        problems = _problems(contact.get("properties") or {})
        if not problems:
            yield Result.passed(ctx.subscription_resource,
                                f"security contact {contact.get('name')}: e-mail set, alerts "
                                "notified, owners notified")
            return
        best = problems if not best or len(problems) < len(best) else best
    yield Result.failed(ctx.subscription_resource, "; ".join(best))


def _problems(p: dict[str, Any]) -> list[str]:
    problems = []
    if p.get("isEnabled") is not True:
        problems.append("the security contact is not enabled")
    if not str(p.get("emails") or "").strip(" ;"):
        problems.append("no contact e-mail address")
    levels = [SEVERITY.get(str(s.get("minimalSeverity", "")).lower(), 0)
              for s in p.get("notificationsSources") or []
              if str(s.get("sourceType", "")).lower() == "alert"]
    if not any(0 < level <= SEVERITY["high"] for level in levels):
        problems.append("e-mail notification of High severity alerts is off")
    roles = p.get("notificationsByRole") or {}
    if roles.get("state") != "On" or "Owner" not in (roles.get("roles") or []):
        problems.append("subscription owners are not notified")
    return problems
