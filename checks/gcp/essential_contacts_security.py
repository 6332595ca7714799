"""Essential Contacts: someone receives Google's security notifications."""

from __future__ import annotations

from collections.abc import Iterator

from checks.gcp._assets import LIST_RESOURCE, ORGANIZATION, by_node, data, lineage, verdict
from collector.cloud.api import GcpApi
from collector.model import Result
from collector.plugin import check

TOPICS = ("SECURITY", "ALL")


@check(
    id="gcp_essential_contacts_security",
    criteria=("CC2.3", "CC7.4"),
    permissions=(LIST_RESOURCE,),
)
def essential_contacts_security(ctx: GcpApi) -> Iterator[Result]:
    """The organisation and every project have a contact for security notifications.

    One result for the organisation (when in scope) and one per active project. Essential
    contacts are inherited down the hierarchy, so a node passes when it or an ancestor has a
    VALID contact subscribed to SECURITY or ALL notification categories (Contact assets); it
    fails otherwise. A contact whose `validationState` is INVALID (unreachable email) or unset
    does not count. Folders are not judged themselves (their contacts count for projects).

    How to fix: Add an Essential Contact subscribed to SECURITY (or ALL) notifications for the
        organisation and each project.
    Console: IAM & Admin > Essential Contacts > Add contact > Security
    CLI: gcloud essential-contacts create --email security@example.com --notification-categories
        security --organization <org-id>
    Docs: https://cloud.google.com/resource-manager/docs/managing-notification-contacts
    """
    contacts = by_node(c for c in ctx.assets("essentialcontacts.googleapis.com/Contact")
                       if data(c).get("validationState") == "VALID"
                       and any(t in TOPICS for t in
                               data(c).get("notificationCategorySubscriptions") or []))
    nodes = [*ctx.assets(ORGANIZATION), *ctx.projects()]
    for node in nodes:
        emails = sorted(str(data(c).get("email")) for n in lineage(node)
                        for c in contacts.get(n, []))
        yield verdict(ctx, node, bool(emails),
                      "security notifications go to " + ", ".join(emails),
                      "no essential contact is subscribed to SECURITY or ALL notifications")
