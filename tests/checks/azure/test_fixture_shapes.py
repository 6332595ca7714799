"""Every response the Azure fake serves for the demo and test estates has the provider's shape.

Resource Graph rows and ARM bodies are walked against the azure-mgmt model classes of the
resource type (unknown fields and mistyped values fail; Resource Graph's own columns such as
resourceGroup are dropped first); Microsoft Graph bodies against the v1.0 reference's
properties of conditionalAccessPolicy and its condition and grant-control types, of
identitySecurityDefaultsEnforcementPolicy and of user. Every row type and ARM path the
estates hold must have a model here, so a new fixture cannot escape validation.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest

from collector.demo.azure_estate import build_azure_estate
from collector.demo.azure_fake import Estate, FakeError
from tests.checks.azure import shapes
from tests.checks.azure.test_defender_security_contacts import contact
from tests.checks.azure.test_isolation import estate as isolation_estate

ROWS = {
    "microsoft.storage/storageaccounts": "storage:StorageAccount",
    "microsoft.keyvault/vaults": "keyvault:Vault",
    "microsoft.sql/servers": "sql:Server",
    "microsoft.sql/servers/databases": "sql:Database",
    "microsoft.dbforpostgresql/flexibleservers": "postgresqlflexibleservers:Server",
    "microsoft.dbformysql/flexibleservers": "mysqlflexibleservers:Server",
    "microsoft.network/networksecuritygroups": "network:NetworkSecurityGroup",
    "microsoft.network/virtualnetworks": "network:VirtualNetwork",
    "microsoft.network/networkwatchers": "network:NetworkWatcher",
    "microsoft.network/networkwatchers/flowlogs": "network:FlowLog",
    "microsoft.insights/activitylogalerts": "monitor.v2020_10_01:ActivityLogAlertResource",
    "microsoft.security/pricings": "security:Pricing",
    "microsoft.security/assessments": "security:SecurityAssessmentResponse",
    "microsoft.authorization/roleassignments": "authorization:RoleAssignment",
    "microsoft.recoveryservices/vaults/backuppolicies": "recoveryservicesbackup:"
                                                        "ProtectionPolicyResource",
    "microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems":
        "recoveryservicesbackup:ProtectedItemResource",
    "microsoft.compute/virtualmachines": "compute:VirtualMachine",
    "microsoft.web/sites": "web:Site",
}
"""Resource Graph `type` -> azure-mgmt model (package under azure.mgmt : class)."""

ARM = [
    (r"/blobServices/default$", "storage:BlobServiceProperties"),
    (r"/managementPolicies/default$", "storage:ManagementPolicy"),
    (r"/vaults/[^/]+/keys$", "keyvault:Key"),
    (r"/vaults/[^/]+/secrets$", "keyvault:Secret"),
    (r"/Microsoft\.OperationalInsights/workspaces/[^/]+$", "loganalytics:Workspace"),
    (r"^/subscriptions/[^/]+/providers/Microsoft\.Insights/diagnosticSettings$",
     "monitor.v2021_05_01_preview:SubscriptionDiagnosticSettingsResource"),
    (r"/transparentDataEncryption/current$", "sql:LogicalDatabaseTransparentDataEncryption"),
    (r"/auditingSettings/default$", "sql:ServerBlobAuditingPolicy"),
    (r"/firewallRules$", "sql:FirewallRule"),
    (r"/sqlVulnerabilityAssessments/default$", "sql:SqlVulnerabilityAssessment"),
    (r"/vulnerabilityAssessments/default$", "sql:ServerVulnerabilityAssessment"),
    (r"/encryptionProtector/current$", "sql:EncryptionProtector"),
    (r"\.DBforPostgreSQL/flexibleServers/[^/]+/configurations/", "postgresqlflexibleservers:"
                                                                "Configuration"),
    (r"\.DBforMySQL/flexibleServers/[^/]+/configurations/", "mysqlflexibleservers:Configuration"),
    (r"/Microsoft\.Security/securityContacts$", "security:SecurityContact"),
    (r"/config/web$", "web:SiteConfigResource"),
]
"""ARM path -> model of the body (of each item, for a list with `value`)."""

RG_COLUMNS = {"resourcegroup", "subscriptionid", "tenantid", "managedby", "zones", "plan",
              "extendedlocation", "kind", "sku", "identity", "tags", "location"}
"""Resource Graph's own columns, dropped when the model has no such field."""

G = "graph"
GRAPH_TYPES: dict[str, dict[str, Any]] = {
    "conditionalAccessPolicy": {
        "id": str, "displayName": str, "description": str, "state": str, "templateId": str,
        "createdDateTime": str, "modifiedDateTime": str, "sessionControls": dict,
        "conditions": "conditionalAccessConditionSet",
        "grantControls": "conditionalAccessGrantControls"},
    "conditionalAccessConditionSet": {
        "applications": "conditionalAccessApplications", "users": "conditionalAccessUsers",
        "clientApplications": dict, "clientAppTypes": list, "devices": dict,
        "locations": dict, "platforms": dict, "servicePrincipalRiskLevels": list,
        "signInRiskLevels": list, "userRiskLevels": list, "insiderRiskLevels": str,
        "authenticationFlows": dict},
    "conditionalAccessUsers": {
        "includeUsers": list, "excludeUsers": list, "includeGroups": list,
        "excludeGroups": list, "includeRoles": list, "excludeRoles": list,
        "includeGuestsOrExternalUsers": dict, "excludeGuestsOrExternalUsers": dict},
    "conditionalAccessApplications": {
        "includeApplications": list, "excludeApplications": list, "includeUserActions": list,
        "includeAuthenticationContextClassReferences": list, "applicationFilter": dict},
    "conditionalAccessGrantControls": {
        "operator": str, "builtInControls": list, "customAuthenticationFactors": list,
        "termsOfUse": list, "authenticationStrength": dict},
    "identitySecurityDefaultsEnforcementPolicy": {
        "id": str, "displayName": str, "description": str, "isEnabled": bool},
    "user": {"id": str, "userType": str, "accountEnabled": bool, "userPrincipalName": str,
             "displayName": str, "mail": str},
}
"""Microsoft Graph v1.0 reference: properties (and JSON types) of the objects served."""
GRAPH = [(r"/identity/conditionalAccess/policies$", "conditionalAccessPolicy"),
         (r"/policies/identitySecurityDefaultsEnforcementPolicy$",
          "identitySecurityDefaultsEnforcementPolicy"),
         (r"/users$", "user")]


def model(name: str) -> type:
    package, cls = name.split(":")
    found: type = getattr(importlib.import_module(f"azure.mgmt.{package}.models"), cls)
    return found


def row_problems(row: dict[str, Any]) -> list[str]:
    cls = model(ROWS[str(row["type"]).lower()])
    unknown = {p.split(":")[0].removeprefix("$.") for p in
               shapes.problems({k: None for k in row}, cls)}
    body = {k: v for k, v in row.items()
            if k != "table" and not (k.lower() in RG_COLUMNS and k in unknown)}
    return shapes.problems(body, cls, row["id"])


def graph_problems(data: Any, kind: str, where: str) -> list[str]:
    if not isinstance(data, dict):
        return [f"{where}: expected an object ({kind})"]
    found = []
    for key, value in data.items():
        spec = GRAPH_TYPES[kind].get(key)
        at = f"{where}.{key}"
        if spec is None:
            found.append(f"{at}: not a property of {kind} (Graph v1.0)")
        elif isinstance(spec, str):
            found += graph_problems(value, spec, at)
        elif value is not None and not isinstance(value, spec):
            found.append(f"{at}: {value!r} is not {spec.__name__}")
    return found


def served(e: Estate) -> list[tuple[str, str, Any]]:
    """(kind, where, body) of everything the fake answers from this estate."""
    out: list[tuple[str, str, Any]] = [("row", str(r["id"]), r) for r in e.rows]
    for kind, table in (("arm", e.arm), (G, e.graph)):
        for path, body in table.items():
            if isinstance(body, FakeError):
                continue
            items = body["value"] if isinstance(body.get("value"), list) else [body]
            out += [(kind, path, item) for item in items]
    return out


ESTATES = {"demo": build_azure_estate, "isolation": isolation_estate}


@pytest.mark.parametrize("name", sorted(ESTATES))
def test_every_served_body_deserialises_through_the_provider_models(name: str) -> None:
    found: list[str] = []
    for kind, where, body in served(ESTATES[name]()):
        if kind == "row":
            assert str(body["type"]).lower() in ROWS, f"no model for row type {body['type']}"
            found += row_problems(body)
        elif kind == "arm":
            names = [m for pattern, m in ARM if re.search(pattern, where, re.I)]
            assert names, f"no model for ARM path {where}"
            found += shapes.problems(body, model(names[0]), where)
        else:
            kinds = [k for pattern, k in GRAPH if re.search(pattern, where.split("?")[0])]
            assert kinds, f"no Graph type for {where}"
            found += graph_problems(body, kinds[0], where)
    assert not found, "\n".join(found)


def test_test_fixtures_have_the_provider_shape() -> None:
    """Fixtures of the check tests that stand in for whole responses."""
    [item] = contact()["value"]
    assert shapes.problems(item, model("security:SecurityContact")) == []


def test_the_validator_rejects_unknown_and_mistyped_fields() -> None:
    old = {"name": "default", "properties": {"emails": "a@b", "alertNotifications": {
        "state": "On", "minimalSeverity": "High"}}}
    assert any("alertNotifications" in p
               for p in shapes.problems(old, model("security:SecurityContact")))
    blob = {"properties": {"deleteRetentionPolicy": {"enabled": "yes", "days": 7},
                           "isVersionEnabled": True}}
    found = shapes.problems(blob, model("storage:BlobServiceProperties"))
    assert any("enabled" in p and "not a boolean" in p for p in found)
    assert any("isVersionEnabled" in p for p in found)
    assert graph_problems({"state": "enabled", "grantControls": {"operator": "OR",
                                                                 "mfa": True}},
                          "conditionalAccessPolicy", "$") != []
