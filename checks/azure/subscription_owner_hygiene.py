"""RBAC: a few Owners; no guest or disabled accounts with access; no custom Owner roles."""

from collections.abc import Iterator
from typing import Any

from checks.azure._util import GRAPH, props
from collector.cloud.api import AzureApi
from collector.cloud.base import CloudError
from collector.model import Result
from collector.plugin import check

OWNER = "8e3af657-a8ff-443c-a75e-2fe8c4bcb635"
TABLE = "authorizationresources"
RISKY_USERS = ("/v1.0/users?$filter=userType eq 'Guest' or accountEnabled eq false"
               "&$select=id,userPrincipalName,userType,accountEnabled")


@check(
    id="azure_subscription_owner_hygiene",
    criteria=("CC6.2", "CC6.3"),
    permissions=(GRAPH, "Microsoft.Authorization/roleAssignments/read",
                 "Microsoft.Authorization/roleDefinitions/read", "graph:User.Read.All"),
)
def subscription_owner_hygiene(
    ctx: AzureApi, *, min_owners: int = 2, max_owners: int = 3
) -> Iterator[Result]:
    """Subscriptions have 2-3 Owners, no guest or disabled account holds a role, no custom Owner.

    Results: the subscription (passes with `min_owners` to `max_owners` Owner assignments at
    subscription scope, else fails); each role assignment to a user (fails when Microsoft
    Graph lists the user as a guest or disabled); each custom role (fails when it grants every
    action, "*", i.e. is Owner-equivalent). If Graph cannot be read, the tenant gets one `error`
    result and the RBAC results stand.

    How to fix: Keep two or three Owners, remove guest and disabled accounts from role assignments,
        and delete custom roles that grant '*'.
    Console: Subscription > Access control (IAM) > Role assignments
    CLI: az role assignment delete --assignee <object-id> --role Owner --scope
        /subscriptions/<subscription-id>
    Docs: https://learn.microsoft.com/azure/role-based-access-control/best-practices
    """
    assignments = ctx.resources("Microsoft.Authorization/roleAssignments", table=TABLE)
    sub = ctx.subscription_resource.lower()
    owners = [a for a in assignments if _role(a) == OWNER
              and str(props(a).get("scope", "")).lower() == sub]
    n = len(owners)
    yield Result.of(ctx.subscription_resource, min_owners <= n <= max_owners,
                    f"{n} Owners at subscription scope",
                    f"{n} Owners at subscription scope (expected {min_owners}-{max_owners})")
    users = [a for a in assignments if props(a).get("principalType") == "User"]
    risky: dict[str, dict[str, Any]] = {}
    if users:
        try:
            risky = {str(u.get("id")): u for u in ctx.msgraph_list(RISKY_USERS)}
        except CloudError as exc:  # the RBAC results above stand; the user facts are missing
            yield Result.error(f"/tenants/{ctx.tenant_id}", "cannot read guest and disabled "
                               f"users from Microsoft Graph: {exc.detail or exc.code}", exc.code)
            users = []
        for a in users:
            user = risky.get(str(props(a).get("principalId")))
            why = _why(user) if user else ""
            yield Result.of(a["id"], not why, "assigned to an enabled member account",
                            f"role assigned to {why} {(user or {}).get('userPrincipalName')}")
    for role in ctx.resources("Microsoft.Authorization/roleDefinitions", table=TABLE):
        p = props(role)
        if p.get("type") != "CustomRole":
            continue
        star = any("*" in (perm.get("actions") or []) for perm in p.get("permissions") or [])
        yield Result.of(role["id"], not star, f"custom role {p.get('roleName')} is scoped",
                        f"custom role {p.get('roleName')} grants every action (Owner-equivalent)")


def _role(assignment: dict[str, Any]) -> str:
    return str(props(assignment).get("roleDefinitionId", "")).rsplit("/", 1)[-1].lower()


def _why(user: dict[str, Any]) -> str:
    reasons = []
    if user.get("userType") == "Guest":
        reasons.append("guest")
    if user.get("accountEnabled") is False:
        reasons.append("disabled")
    return " and ".join(reasons) + " account" if reasons else ""
