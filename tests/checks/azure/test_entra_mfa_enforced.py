from collections.abc import Mapping

from checks.azure.entra_mfa_enforced import (
    AZURE_MANAGEMENT,
    CONDITIONAL_ACCESS,
    SECURITY_DEFAULTS,
    entra_mfa_enforced,
)
from collector.demo.azure_fake import FakeError
from collector.model import Status
from collector.plugin import ParamValue
from tests.fakes.azure_arm import TENANT, Az


def policy(name: str, apps: list[str], state: str = "enabled") -> dict[str, object]:
    return {"displayName": name, "state": state,
            "conditions": {"users": {"includeUsers": ["All"]},
                           "applications": {"includeApplications": apps}},
            "grantControls": {"operator": "OR", "builtInControls": ["mfa"]}}


def test_security_defaults_pass(az: Az) -> None:
    az.estate.graph[SECURITY_DEFAULTS] = {"isEnabled": True}
    [result] = az.run(entra_mfa_enforced)
    assert result.status is Status.PASS
    assert result.resource_id == f"/tenants/{TENANT}"


def test_conditional_access_for_all_apps_passes_partial_or_report_only_fails(az: Az) -> None:
    az.estate.graph[SECURITY_DEFAULTS] = {"isEnabled": False}
    az.estate.graph[CONDITIONAL_ACCESS] = {"value": [
        policy("MFA for Azure management", [AZURE_MANAGEMENT]),
        policy("MFA everywhere (report only)", ["All"], state="enabledForReportingButNotEnforced"),
    ]}
    [partial] = az.run(entra_mfa_enforced)
    assert partial.status is Status.FAIL
    assert "only Azure management" in partial.message

    az.estate.graph[CONDITIONAL_ACCESS]["value"].append(policy("MFA everywhere", ["All"]))
    [full] = az.run(entra_mfa_enforced)
    assert full.status is Status.PASS
    assert "MFA everywhere" in full.message


def test_missing_graph_permission_is_access_denied(az: Az) -> None:
    az.estate.graph[SECURITY_DEFAULTS] = FakeError(403, "Authorization_RequestDenied",
                                                   "Insufficient privileges")
    try:
        az.run(entra_mfa_enforced)
    except Exception as exc:  # the runner turns this into an `error` result
        assert type(exc).__name__ == "AccessDenied"
        assert getattr(exc, "code", "") == "Authorization_RequestDenied"
    else:
        raise AssertionError("expected AccessDenied")


def ca(name: str, *, grant: Mapping[str, object], users: Mapping[str, object] | None = None,
       apps: Mapping[str, object] | None = None, **conditions: object) -> dict[str, object]:
    """A conditionalAccessPolicy (Microsoft Graph v1.0 reference shape)."""
    return {"displayName": name, "state": "enabled", "grantControls": grant,
            "conditions": {"users": users or {"includeUsers": ["All"]},
                           "applications": apps or {"includeApplications": ["All"]},
                           **conditions}}


def verdict(az: Az, *policies: dict[str, object], **params: ParamValue) -> Status:
    az.estate.graph[SECURITY_DEFAULTS] = {"isEnabled": False}
    az.estate.graph[CONDITIONAL_ACCESS] = {"value": list(policies)}
    [result] = az.run(entra_mfa_enforced, params=dict(params))
    return result.status


def test_or_with_another_control_does_not_require_mfa_and_does(az: Az) -> None:
    # conditionalAccessGrantControls: OR = any one control grants access.
    either = {"operator": "OR", "builtInControls": ["mfa", "compliantDevice"]}
    both = {"operator": "AND", "builtInControls": ["mfa", "compliantDevice"]}
    terms = {"operator": "OR", "builtInControls": ["mfa"], "termsOfUse": ["tou-1"]}
    assert verdict(az, ca("MFA or compliant device", grant=either)) is Status.FAIL
    assert verdict(az, ca("MFA or terms of use", grant=terms)) is Status.FAIL
    assert verdict(az, ca("MFA and compliant device", grant=both)) is Status.PASS


def test_authentication_strength_counts_as_mfa(az: Az) -> None:
    strength = {"operator": "OR", "builtInControls": [],
                "authenticationStrength": {"id": "00000000-0000-0000-0000-000000000002",
                                           "displayName": "Multifactor authentication"}}
    assert verdict(az, ca("Strength", grant=strength)) is Status.PASS
    either = {"operator": "OR", "builtInControls": ["compliantDevice"],
              "authenticationStrength": {"id": "00000000-0000-0000-0000-000000000002"}}
    assert verdict(az, ca("Strength or device", grant=either)) is Status.FAIL


def test_exclusions_fail_unless_allowed_break_glass(az: Az) -> None:
    mfa = {"operator": "OR", "builtInControls": ["mfa"]}
    users = {"includeUsers": ["All"], "excludeUsers": ["bg-1"], "excludeGroups": []}
    assert verdict(az, ca("MFA but bg", grant=mfa, users=users)) is Status.FAIL
    assert verdict(az, ca("MFA but bg", grant=mfa, users=users),
                   allowed_exclusions=("bg-1",)) is Status.PASS
    roles = {"includeUsers": ["All"], "excludeRoles": ["62e90394-69f5-4237-9190-012177145e10"]}
    assert verdict(az, ca("MFA but admins", grant=mfa, users=roles),
                   allowed_exclusions=("bg-1",)) is Status.FAIL
    guests = {"includeUsers": ["All"], "excludeGuestsOrExternalUsers": {
        "guestOrExternalUserTypes": "b2bCollaborationGuest"}}
    assert verdict(az, ca("MFA but guests", grant=mfa, users=guests)) is Status.FAIL


def test_applications_must_be_all_and_conditions_unnarrowed(az: Az) -> None:
    mfa = {"operator": "OR", "builtInControls": ["mfa"]}
    office = {"includeApplications": ["Office365"]}
    minus = {"includeApplications": ["All"], "excludeApplications": ["app-1"]}
    assert verdict(az, ca("Office only", grant=mfa, apps=office)) is Status.FAIL
    assert verdict(az, ca("All but one", grant=mfa, apps=minus)) is Status.FAIL
    assert verdict(az, ca("Risky only", grant=mfa, signInRiskLevels=["high"])) is Status.FAIL
    assert verdict(az, ca("Off-site only", grant=mfa, locations={
        "includeLocations": ["All"], "excludeLocations": ["AllTrusted"]})) is Status.FAIL
    assert verdict(az, ca("Every client", grant=mfa, clientAppTypes=["all"])) is Status.PASS
