from checks.azure.entra_mfa_enforced import (
    AZURE_MANAGEMENT,
    CONDITIONAL_ACCESS,
    SECURITY_DEFAULTS,
    entra_mfa_enforced,
)
from collector.demo.azure_fake import FakeError
from collector.model import Status
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
