"""Entra ID: multi-factor authentication required for all users."""

from collections.abc import Iterator
from typing import Any

from collector.cloud.azure import AzureContext
from collector.model import Result
from collector.plugin import check

SECURITY_DEFAULTS = "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy"
CONDITIONAL_ACCESS = "/v1.0/identity/conditionalAccess/policies"
AZURE_MANAGEMENT = "797f4846-ba00-4fd7-ba43-dac1f8f63013"


@check(
    id="azure_entra_mfa_enforced",
    criteria=("CC6.1",),
    permissions=("graph:Policy.Read.All",),
    scoping="global",
)
def entra_mfa_enforced(ctx: AzureContext) -> Iterator[Result]:
    """Entra ID requires multi-factor authentication of every user, admins and Azure management.

    One result for the subscription's tenant (resource: /tenants/<id>), from Microsoft Graph.
    Passes when security defaults are enabled, or an enabled Conditional Access policy requires
    MFA (grant control mfa or an authentication strength) for all users on all cloud apps
    (Azure management alone is reported but does not cover all users' sign-ins). Report-only
    policies do not count. Per-user MFA registration is not read (it needs an Entra ID P1/P2
    report); it is outside this check.
    """
    tenant = f"/tenants/{ctx.tenant_id}"
    defaults = ctx.msgraph(SECURITY_DEFAULTS) or {}
    if defaults.get("isEnabled") is True:
        yield Result.passed(tenant, "security defaults are enabled (MFA for all users)")
        return
    policies = ctx.msgraph_list(CONDITIONAL_ACCESS)
    enforcing = [p for p in policies if p.get("state") == "enabled" and _requires_mfa(p)]
    everyone = [p for p in enforcing if _all_users(p) and _apps(p) == "all"]
    if everyone:
        yield Result.passed(tenant, "Conditional Access requires MFA for all users on all "
                            f"apps: {everyone[0].get('displayName')}")
        return
    mgmt = [p for p in enforcing if _all_users(p) and _apps(p) == "management"]
    seen = (f"; only Azure management is covered ({mgmt[0].get('displayName')})" if mgmt
            else "")
    yield Result.failed(tenant, "security defaults are off and no enabled Conditional Access "
                        f"policy requires MFA for all users on all apps{seen}")


def _requires_mfa(policy: dict[str, Any]) -> bool:
    grant = policy.get("grantControls") or {}
    return "mfa" in (grant.get("builtInControls") or []) or bool(
        grant.get("authenticationStrength"))


def _all_users(policy: dict[str, Any]) -> bool:
    users = (policy.get("conditions") or {}).get("users") or {}
    return "All" in (users.get("includeUsers") or [])


def _apps(policy: dict[str, Any]) -> str:
    apps = ((policy.get("conditions") or {}).get("applications") or {})
    included = apps.get("includeApplications") or []
    if "All" in included and not apps.get("excludeApplications"):
        return "all"
    return "management" if AZURE_MANAGEMENT in included else "some"
