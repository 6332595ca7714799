"""The Azure sample estate of `evidence demo`, served by the local fake over HTTPS.

Two subscriptions of one tenant with a realistic mix of good and bad settings for every
Azure check. The demo authenticates the real way — DefaultAzureCredential's environment
service principal — against the fake's Entra authority: it sets AZURE_TENANT_ID /
AZURE_CLIENT_ID / AZURE_CLIENT_SECRET to demo values for its own process only, and points
`azure.endpoint`, `azure.authority_host` and `azure.ca_bundle` at the fake.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from collector.demo.azure_fake import AzureFake, Estate, resource
from collector.demo.azure_tls import local_tls
from config.settings import AzureSettings

TENANT = "0de00de0-0000-4000-8000-000000000000"
PROD = "0de00001-0000-4000-8000-00000000a001"
DEV = "0de00002-0000-4000-8000-00000000a002"
DEMO_ENV = {"AZURE_TENANT_ID": TENANT, "AZURE_CLIENT_ID": "evidence-demo",
            "AZURE_CLIENT_SECRET": "demo-secret"}
OTHER_AZURE_ENV = ("AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_FEDERATED_TOKEN_FILE",
                   "AZURE_USERNAME", "AZURE_PASSWORD", "AZURE_AUTHORITY_HOST")
OWNER = "8e3af657-a8ff-443c-a75e-2fe8c4bcb635"
ALL_LOGS = [{"category": c, "enabled": True}
            for c in ("Administrative", "Security", "Policy", "Alert")]


def build_azure_estate() -> Estate:
    """prod is mostly well configured; dev has the usual gaps."""
    e = Estate(TENANT, subscriptions={PROD: "acme-prod", DEV: "acme-dev"})
    for sub, good in ((PROD, True), (DEV, False)):
        populate(e, sub, good)
    e.graph["/v1.0/policies/identitySecurityDefaultsEnforcementPolicy"] = {"isEnabled": False}
    e.graph["/v1.0/identity/conditionalAccess/policies"] = {"value": [{
        "displayName": "Require MFA for all users", "state": "enabled",
        "conditions": {"users": {"includeUsers": ["All"]},
                       "applications": {"includeApplications": ["All"]}},
        "grantControls": {"operator": "OR", "builtInControls": ["mfa"]}}]}
    e.graph["/v1.0/users"] = {"value": [{"id": "u-guest", "userType": "Guest",
                                         "accountEnabled": True,
                                         "userPrincipalName": "contractor_ext#EXT#@acme"}]}
    return e


def populate(e: Estate, sub: str, good: bool, n: str = "") -> None:
    """One subscription's resources for every Azure check, well (`good`) or badly configured.

    `n` (digits) is appended to every resource name, so one subscription can hold several
    copies (a test estate with two resources behind every per-resource read); subscription-wide
    settings (diagnostic settings, security contacts, Defender plans) are written once, by the
    copy with no suffix."""
    _storage(e, sub, good, n)
    _databases(e, sub, good, n)
    _network(e, sub, good, n)
    _security(e, sub, good, n)
    _compute(e, sub, good, n)


def _storage(e: Estate, sub: str, good: bool, n: str) -> None:
    sa = e.add(resource(sub, "data", "Microsoft.Storage/storageAccounts",
                        "acmedata" + sub[:4] + n, {
                            "supportsHttpsTrafficOnly": True,
                            "minimumTlsVersion": "TLS1_2" if good else "TLS1_0",
                            "allowBlobPublicAccess": not good,
                            "networkAcls": {"defaultAction": "Deny" if good else "Allow"},
                            "encryption": {"keySource": "Microsoft.Keyvault" if good
                                           else "Microsoft.Storage"}},
                        kind="StorageV2",
                        sku={"name": "Standard_GZRS" if good else "Standard_LRS"}))
    days = 14 if good else 0
    e.arm[f"{sa['id']}/blobServices/default"] = {"properties": {
        "deleteRetentionPolicy": {"enabled": good, "days": days},
        "containerDeleteRetentionPolicy": {"enabled": good, "days": days},
        "isVersioningEnabled": good}}
    kv = e.add(resource(sub, "sec", "Microsoft.KeyVault/vaults", "acme-kv-" + sub[:4] + n, {
        "enableSoftDelete": True, "enablePurgeProtection": good}))
    exp = {"enabled": True, "exp": 1893456000} if good else {"enabled": True}
    rotation = {"lifetimeActions": [{"action": {"type": "Rotate"},
                                     "trigger": {"timeAfterCreate": "P90D"}}]}
    e.arm[f"{kv['id']}/keys"] = {"value": [{"id": f"{kv['id']}/keys/data", "name": "data",
                                            "properties": {"attributes": exp, **(
                                                {"rotationPolicy": rotation} if good else {})}}]}
    e.arm[f"{kv['id']}/secrets"] = {"value": [{"id": f"{kv['id']}/secrets/db", "name": "db",
                                               "properties": {"attributes": exp}}]}
    ws = f"/subscriptions/{PROD}/resourceGroups/logs/providers/Microsoft.OperationalInsights/" \
         "workspaces/acme-central"
    e.arm[ws] = {"properties": {"retentionInDays": 730}}
    if n:
        return
    e.arm[f"/subscriptions/{sub}/providers/Microsoft.Insights/diagnosticSettings"] = {"value": [
        {"name": "activity-to-law", "properties": {"workspaceId": ws,
                                                   "logs": ALL_LOGS if good else ALL_LOGS[:2]}}]}


def _databases(e: Estate, sub: str, good: bool, n: str) -> None:
    srv = e.add(resource(sub, "db", "Microsoft.Sql/servers", "acme-sql-" + sub[:4] + n, {
        "minimalTlsVersion": "1.2" if good else "1.0",
        "publicNetworkAccess": "Disabled" if good else "Enabled"}))
    db = e.add(resource(sub, "db", "Microsoft.Sql/servers/databases",
                        f"{srv['name']}/orders", {
                            "currentBackupStorageRedundancy": "Geo" if good else "Local"}))
    e.arm[f"{db['id']}/transparentDataEncryption/current"] = {"properties": {"state": "Enabled"}}
    e.arm[f"{srv['id']}/auditingSettings/default"] = {"properties": {
        "state": "Enabled" if good else "Disabled", "retentionDays": 0,
        "isAzureMonitorTargetEnabled": True}}
    e.arm[f"{srv['id']}/firewallRules"] = {"value": [] if good else [
        {"name": "anywhere", "properties": {"startIpAddress": "0.0.0.0",
                                            "endIpAddress": "255.255.255.255"}}]}
    if good:
        e.arm[f"{srv['id']}/sqlVulnerabilityAssessments/default"] = {
            "properties": {"state": "Enabled"}}
    pg = e.add(resource(sub, "db", "Microsoft.DBforPostgreSQL/flexibleServers",
                        "acme-pg-" + sub[:4] + n, {
                            "backup": {"geoRedundantBackup": "Enabled" if good else "Disabled",
                                       "backupRetentionDays": 14 if good else 7},
                            "highAvailability": {"mode": "ZoneRedundant" if good else "Disabled"}}))
    e.arm[f"{pg['id']}/configurations/require_secure_transport"] = {
        "properties": {"value": "on" if good else "off"}}
    e.arm[f"{pg['id']}/configurations/ssl_min_protocol_version"] = {
        "properties": {"value": "TLSv1.2"}}


def _network(e: Estate, sub: str, good: bool, n: str) -> None:
    nsg = e.add(resource(sub, "net", "Microsoft.Network/networkSecurityGroups", "app-nsg" + n, {
        "securityRules": [{"name": "allow-https" if good else "allow-ssh", "properties": {
            "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
            "sourceAddressPrefix": "Internet",
            "destinationPortRange": "443" if good else "22"}}]}))
    vnet = e.add(resource(sub, "net", "Microsoft.Network/virtualNetworks", "vnet" + n, {"subnets": [
        {"id": f"/subscriptions/{sub}/resourceGroups/net/providers/Microsoft.Network/"
               f"virtualNetworks/vnet{n}/subnets/app", "name": "app",
         "properties": {"networkSecurityGroup": {"id": nsg["id"]} if good else {}}}]}))
    if not n:
        e.add(resource(sub, "NetworkWatcherRG", "Microsoft.Network/networkWatchers",
                       "NetworkWatcher_eastus"))
    e.add(resource(sub, "NetworkWatcherRG", "Microsoft.Network/networkWatchers/flowLogs",
                   "NetworkWatcher_eastus/app" + n, {
                       "targetResourceId": nsg["id"] if good else vnet["id"], "enabled": True,
                       "retentionPolicy": {"enabled": True, "days": 90 if good else 7}}))
    ops = ("networkSecurityGroups", "networkSecurityGroups/securityRules",
           "publicIPAddresses")
    covered = [f"Microsoft.Network/{o}/{v}" for o in ops for v in ("write", "delete")]
    covered += [f"{p}/{v}" for p in ("Microsoft.Authorization/policyAssignments",
                                     "Microsoft.Security/securitySolutions",
                                     "Microsoft.Sql/servers/firewallRules")
                for v in ("write", "delete")]
    for op in covered if good else covered[:4]:
        e.add(resource(sub, "alerts", "Microsoft.Insights/activityLogAlerts",
                       op.replace("/", "-").lower() + n, {
                           "enabled": True, "scopes": [f"/subscriptions/{sub}"],
                           "actions": {"actionGroups": [{"actionGroupId": "secops"}]},
                           "condition": {"allOf": [{"field": "operationName", "equals": op}]}},
                       location="global"))


def _security(e: Estate, sub: str, good: bool, n: str) -> None:
    if n:
        return
    for plan in ("VirtualMachines", "SqlServers", "StorageAccounts", "KeyVaults", "Arm",
                 "AppServices", "Containers", "SqlServerVirtualMachines",
                 "OpenSourceRelationalDatabases", "CosmosDbs"):
        tier = "Standard" if good or plan in ("VirtualMachines", "Arm") else "Free"
        e.add({"id": f"/subscriptions/{sub}/providers/Microsoft.Security/pricings/{plan}",
               "name": plan, "type": "microsoft.security/pricings", "subscriptionId": sub,
               "properties": {"pricingTier": tier}}, table="securityresources")
    e.arm[f"/subscriptions/{sub}/providers/Microsoft.Security/securityContacts"] = {"value": [{
        "id": f"/subscriptions/{sub}/providers/Microsoft.Security/securityContacts/default",
        "name": "default", "type": "Microsoft.Security/securityContacts", "properties": {
            "emails": "secops@acme.example" if good else "", "isEnabled": True,
            "notificationsSources": [{"sourceType": "Alert", "minimalSeverity": "High"}],
            "notificationsByRole": {"state": "On", "roles": ["Owner"]}}}]}
    owners = ("alice", "bob") if good else ("alice",)
    principals: list[tuple[str, str]] = [(o, OWNER) for o in owners]
    if not good:
        principals.append(("u-guest", "acdd72a7-3385-48ef-bd42-f606fba81ae7"))
    for i, (who, role) in enumerate(principals):
        e.add({"id": f"/subscriptions/{sub}/providers/Microsoft.Authorization/"
                     f"roleAssignments/0de0{i:04d}",
               "type": "microsoft.authorization/roleassignments", "subscriptionId": sub,
               "properties": {"scope": f"/subscriptions/{sub}", "principalId": who,
                              "principalType": "User",
                              "roleDefinitionId": f"/subscriptions/{sub}/providers/"
                              f"Microsoft.Authorization/roleDefinitions/{role}"}},
              table="authorizationresources")


def _compute(e: Estate, sub: str, good: bool, n: str) -> None:
    vm = e.add(resource(sub, "app", "Microsoft.Compute/virtualMachines", "web-1" + n))
    va = "ffff0522-1e88-47fc-8382-2a80ba848f5d"  # assessment key: VA solution on machines
    e.add({"id": f"{vm['id']}/providers/Microsoft.Security/assessments/{va}", "name": va,
           "type": "microsoft.security/assessments", "subscriptionId": sub,
           "properties": {"resourceDetails": {"source": "Azure", "id": vm["id"]},
                          "status": {"code": "Healthy" if good else "Unhealthy"}}},
          table="securityresources")
    if good:
        pol = e.add(resource(sub, "backup", "Microsoft.RecoveryServices/vaults/backupPolicies",
                             "vault/daily" + n, {
                                 "backupManagementType": "AzureIaasVM",
                                 "retentionPolicy": {
                                     "retentionPolicyType": "LongTermRetentionPolicy",
                                     "dailySchedule": {"retentionDuration": {
                                         "count": 30, "durationType": "Days"}}}}),
                    table="recoveryservicesresources")
        e.add(resource(sub, "backup", "Microsoft.RecoveryServices/vaults/backupFabrics/"
                       "protectionContainers/protectedItems",
                       f"vault/Azure/web-1{n}/vm;web-1{n}", {
                           "protectedItemType": "Microsoft.Compute/virtualMachines",
                           "sourceResourceId": vm["id"], "policyId": pol["id"],
                           "policyName": "daily", "protectionState": "Protected"}),
              table="recoveryservicesresources")
    site = e.add(resource(sub, "app", "Microsoft.Web/sites", "acme-web-" + sub[:4] + n,
                          {"httpsOnly": good}))
    e.arm[f"{site['id']}/config/web"] = {"properties": {
        "minTlsVersion": "1.2", "ftpsState": "FtpsOnly" if good else "AllAllowed"}}


@dataclass
class AzureDemo:
    """The running fake, the settings that reach it, and the credential environment."""

    fake: AzureFake
    settings: AzureSettings
    env: dict[str, str] = field(default_factory=lambda: dict(DEMO_ENV))
    _tmp: Any = None

    def stop(self) -> None:
        self.fake.stop()
        if self._tmp is not None:
            self._tmp.cleanup()


def start_azure_demo(*, set_env: bool = True) -> AzureDemo:
    """Start the fake with the sample estate; with `set_env`, set the demo credential env."""
    tmp = tempfile.TemporaryDirectory(prefix="evidence-azure-demo-")
    ctx, bundle = local_tls(Path(tmp.name))
    fake = AzureFake(build_azure_estate(), ctx, page_size=100).start()
    if set_env:
        for var in OTHER_AZURE_ENV:
            os.environ.pop(var, None)
        os.environ.update(DEMO_ENV)
    settings = AzureSettings(endpoint=fake.url, authority_host=fake.url, ca_bundle=bundle,
                             tenant_id=TENANT)
    return AzureDemo(fake, settings, _tmp=tmp)
