"""Entra ID: multi-factor authentication required for all users."""

from collections.abc import Iterator
from typing import Any

from collector.cloud.api import AzureApi
from collector.model import Result
from collector.plugin import check

SECURITY_DEFAULTS = "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy"
CONDITIONAL_ACCESS = "/v1.0/identity/conditionalAccess/policies"
AZURE_MANAGEMENT = "797f4846-ba00-4fd7-ba43-dac1f8f63013"
EXCLUSIONS = ("excludeUsers", "excludeGroups", "excludeRoles")
"""conditionalAccessUsers properties that take principals out of a policy (Graph v1.0)."""


@check(
    id="azure_entra_mfa_enforced",
    criteria=("CC6.1",),
    permissions=("graph:Policy.Read.All",),
)
def entra_mfa_enforced(ctx: AzureApi, *,
                       allowed_exclusions: tuple[str, ...] = ()) -> Iterator[Result]:
    """Entra ID requires multi-factor authentication of every user on every cloud app.

    One result for the tenant (/tenants/<id>), from Microsoft Graph. Passes when security
    defaults are enabled, or a Conditional Access policy in state "enabled" (report-only does
    not count) requires MFA: grant control mfa or an authenticationStrength, and under operator
    OR no other control that could be met instead (MFA *or* a compliant device does not
    require MFA). The policy must include users "All" and applications "All", exclude no
    application, user, group, role or guests except the ids in `allowed_exclusions` (break-glass
    accounts; none by default), and not be narrowed by risk levels, platforms, locations,
    client app types or device filters. Otherwise fails; Azure-management-only policies are
    named in the message. Per-user MFA registration is outside this check.

    How to fix: Create an enabled Conditional Access policy for All users and All cloud apps that
        requires multifactor authentication (AND, or an authentication strength), with only reviewed
        break-glass exclusions.
    Console: Entra admin center > Protection > Conditional Access > Create new policy > Grant:
        Require multifactor authentication
    CLI: az rest --method post --url
        https://graph.microsoft.com/v1.0/identity/conditionalAccess/policies --body
        @require-mfa-policy.json
    Docs: https://learn.microsoft.com/entra/identity/conditional-access/policy-all-users-mfa-strength
    """
    tenant = f"/tenants/{ctx.tenant_id}"
    defaults = ctx.msgraph(SECURITY_DEFAULTS) or {}
    if defaults.get("isEnabled") is True:
        yield Result.passed(tenant, "security defaults are enabled (MFA for all users)")
        return
    allowed = {a.lower() for a in allowed_exclusions}
    gaps: list[str] = []
    mgmt = ""
    for policy in ctx.msgraph_list(CONDITIONAL_ACCESS):
        if policy.get("state") != "enabled" or not requires_mfa(policy):
            continue
        why = [*_user_gaps(policy, allowed), *_app_gaps(policy), *_narrowing(policy)]
        if not why:
            yield Result.passed(tenant, "Conditional Access requires MFA for all users on all "
                                f"apps: {policy.get('displayName')}")
            return
        if _apps(policy) == [AZURE_MANAGEMENT] and not mgmt:
            mgmt = f"; only Azure management is covered ({policy.get('displayName')})"
        gaps.append(f"{policy.get('displayName')}: {', '.join(why)}")
    seen = f"; policies requiring MFA with gaps: {'; '.join(gaps)}" if gaps else ""
    yield Result.failed(tenant, "security defaults are off and no enabled Conditional Access "
                        f"policy requires MFA for all users on all apps{mgmt}{seen}")


def requires_mfa(policy: dict[str, Any]) -> bool:
    """Whether every grant path of the policy includes MFA (conditionalAccessGrantControls).

    MFA is builtInControls "mfa" or an authenticationStrength. Under operator AND every control
    is required, so one MFA control suffices; under OR any one control grants access, so MFA
    is required only when no non-MFA control (another built-in control, a custom factor, terms
    of use) is offered beside it."""
    grant = policy.get("grantControls") or {}
    builtin = [str(c) for c in grant.get("builtInControls") or []]
    mfa = "mfa" in builtin or bool(grant.get("authenticationStrength"))
    if not mfa:
        return False
    if str(grant.get("operator") or "OR").upper() == "AND":
        return True
    others = [c for c in builtin if c != "mfa"]
    others += [str(c) for c in grant.get("customAuthenticationFactors") or []]
    others += [str(c) for c in grant.get("termsOfUse") or []]
    return not others


def _user_gaps(policy: dict[str, Any], allowed: set[str]) -> list[str]:
    users = (policy.get("conditions") or {}).get("users") or {}
    gaps = [] if "All" in (users.get("includeUsers") or []) else ["not all users included"]
    excluded = [str(x) for key in EXCLUSIONS for x in users.get(key) or []]
    extra = [x for x in excluded if x.lower() not in allowed]
    if extra:
        gaps.append(f"excludes {', '.join(extra)}")
    guests = users.get("excludeGuestsOrExternalUsers") or {}
    if guests.get("guestOrExternalUserTypes"):
        gaps.append(f"excludes guests ({guests['guestOrExternalUserTypes']})")
    return gaps


def _apps(policy: dict[str, Any]) -> list[str]:
    apps = (policy.get("conditions") or {}).get("applications") or {}
    return [str(a) for a in apps.get("includeApplications") or []]


def _app_gaps(policy: dict[str, Any]) -> list[str]:
    apps = (policy.get("conditions") or {}).get("applications") or {}
    gaps = [] if _apps(policy) == ["All"] else ["not all applications included"]
    if apps.get("excludeApplications"):
        gaps.append(f"excludes applications {', '.join(apps['excludeApplications'])}")
    if apps.get("applicationFilter"):
        gaps.append("an application filter scopes it")
    return gaps


def _narrowing(policy: dict[str, Any]) -> list[str]:
    """Conditions that limit which sign-ins the policy applies to."""
    c = policy.get("conditions") or {}
    gaps = []
    if c.get("signInRiskLevels") or c.get("userRiskLevels"):
        gaps.append("only risky sign-ins")
    platforms = c.get("platforms") or {}
    if platforms and (platforms.get("excludePlatforms")
                      or "all" not in (platforms.get("includePlatforms") or ["all"])):
        gaps.append("only some device platforms")
    locations = c.get("locations") or {}
    if locations and (locations.get("excludeLocations")
                      or "All" not in (locations.get("includeLocations") or ["All"])):
        gaps.append("only some locations")
    clients = c.get("clientAppTypes") or ["all"]
    if "all" not in clients:
        gaps.append(f"only client apps {', '.join(clients)}")
    if (c.get("devices") or {}).get("deviceFilter"):
        gaps.append("a device filter scopes it")
    return gaps
