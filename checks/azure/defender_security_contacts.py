"""Defender for Cloud: security contacts and alert notifications."""

from collections.abc import Iterator
from typing import Any

from collector.cloud.azure import AzureContext
from collector.model import Result
from collector.plugin import check

API = "2020-01-01-preview"
SEVERITY = {"low": 1, "medium": 2, "high": 3}


@check(
    id="azure_defender_security_contacts",
    criteria=("CC2.3", "CC7.3", "CC7.4"),
    permissions=("Microsoft.Security/securityContacts/read",),
    scoping="global",
)
def defender_security_contacts(ctx: AzureContext) -> Iterator[Result]:
    """Security alerts reach people: a contact e-mail, High-severity notifications, owners.

    One result for the subscription (ARM securityContacts). Passes when a contact has an
    e-mail address, alert notifications are On at minimal severity High or lower, and
    notifications by role are On and include Owner.
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
    if not str(p.get("emails") or "").strip():
        problems.append("no contact e-mail address")
    alerts = p.get("alertNotifications") or {}
    level = SEVERITY.get(str(alerts.get("minimalSeverity", "")).lower(), 0)
    if alerts.get("state") != "On" or level == 0 or level > SEVERITY["high"]:
        problems.append("e-mail notification of High severity alerts is off")
    roles = p.get("notificationsByRole") or {}
    if roles.get("state") != "On" or "Owner" not in (roles.get("roles") or []):
        problems.append("subscription owners are not notified")
    return problems
