"""The sample organisation's services: storage, KMS, BigQuery, Cloud SQL, Compute, monitoring,
enabled APIs, Security Command Center and Essential Contacts (see gcp_estate)."""

from __future__ import annotations

from typing import Any

from collector.demo.gcp_estate import DEV, DEV_NUMBER, ORG, PROD, PROD_NUMBER, Asset, asset

SECURITY_FILTERS = {
    "project-ownership": '(protoPayload.serviceName="cloudresourcemanager.googleapis.com") AND '
                         '(ProjectOwnership OR projectOwnerInvitee)',
    "audit-config": 'protoPayload.methodName="SetIamPolicy" AND '
                    'protoPayload.serviceData.policyDelta.auditConfigDeltas:*',
    "custom-role": 'resource.type="iam_role" AND '
                   '(protoPayload.methodName="google.iam.admin.v1.CreateRole" OR '
                   'protoPayload.methodName="google.iam.admin.v1.UpdateRole")',
    "firewall": 'resource.type="gce_firewall_rule" AND '
                '(protoPayload.methodName:"compute.firewalls.patch" OR '
                'protoPayload.methodName:"compute.firewalls.insert")',
    "route": 'resource.type="gce_route" AND (protoPayload.methodName:"compute.routes.delete" '
             'OR protoPayload.methodName:"compute.routes.insert")',
    "network": 'resource.type="gce_network" AND '
               '(protoPayload.methodName:"compute.networks.insert")',
    "bucket-iam": 'resource.type="gcs_bucket" AND '
                  'protoPayload.methodName="storage.setIamPermissions"',
    "sql-config": 'protoPayload.methodName="cloudsql.instances.update"',
}


def storage() -> list[Asset]:
    def bucket(project: str, name: str, **data: Any) -> Asset:
        iam = data.pop("iam", [{"role": "roles/storage.objectViewer",
                                "members": [f"projectViewer:{project}"]}])
        return asset(f"//storage.googleapis.com/{name}", "storage.googleapis.com/Bucket",
                     project, {"name": name, "location": "US", **data},
                     iamPolicy={"bindings": iam})

    ubla_on = {"uniformBucketLevelAccess": {"enabled": True}}
    return [
        bucket(PROD, "acme-prod-logs", versioning={"enabled": True},
               retentionPolicy={"retentionPeriod": "31536000", "isLocked": True},
               iamConfiguration={**ubla_on, "publicAccessPrevention": "enforced"}),
        bucket(PROD, "acme-audit-logs", softDeletePolicy={"retentionDurationSeconds": "604800"},
               retentionPolicy={"retentionPeriod": "7776000"},
               iamConfiguration={**ubla_on, "publicAccessPrevention": "inherited"}),
        bucket(DEV, "acme-public-site", iamConfiguration={**ubla_on,
                                                          "publicAccessPrevention": "inherited"},
               softDeletePolicy={"retentionDurationSeconds": "604800"},
               iam=[{"role": "roles/storage.objectViewer", "members": ["allUsers"]}]),
        bucket(DEV, "acme-dev-scratch", softDeletePolicy={"retentionDurationSeconds": "0"},
               iamConfiguration={"uniformBucketLevelAccess": {"enabled": False},
                                 "publicAccessPrevention": "inherited"}),
    ]


def keys_and_data() -> list[Asset]:
    def key(project: str, ring: str, name: str, **data: Any) -> Asset:
        path = f"projects/{project}/locations/us/keyRings/{ring}/cryptoKeys/{name}"
        return asset(f"//cloudkms.googleapis.com/{path}", "cloudkms.googleapis.com/CryptoKey",
                     project, {"name": path, **data})

    return [
        key(PROD, "data", "prod-data", purpose="ENCRYPT_DECRYPT", rotationPeriod="7776000s",
            nextRotationTime="2026-03-01T00:00:00Z"),
        key(DEV, "legacy", "dev-legacy", purpose="ENCRYPT_DECRYPT"),
        key(PROD, "data", "release-signing", purpose="ASYMMETRIC_SIGN"),
        asset(f"//bigquery.googleapis.com/projects/{PROD}/datasets/analytics",
              "bigquery.googleapis.com/Dataset", PROD,
              {"datasetReference": {"projectId": PROD, "datasetId": "analytics"},
               "defaultEncryptionConfiguration": {
                   "kmsKeyName": f"projects/{PROD}/locations/us/keyRings/data/cryptoKeys/"
                                 "prod-data"}}),
        asset(f"//bigquery.googleapis.com/projects/{DEV}/datasets/sandbox",
              "bigquery.googleapis.com/Dataset", DEV,
              {"datasetReference": {"projectId": DEV, "datasetId": "sandbox"}}),
    ]


def databases() -> list[Asset]:
    sql = "//cloudsql.googleapis.com/projects"
    prod = {"tier": "db-custom-2-7680", "availabilityType": "REGIONAL",
            "ipConfiguration": {"ipv4Enabled": False, "sslMode": "ENCRYPTED_ONLY",
                                "privateNetwork": f"projects/{PROD}/global/networks/prod"},
            "backupConfiguration": {"enabled": True, "pointInTimeRecoveryEnabled": True,
                                    "backupRetentionSettings": {"retainedBackups": 14,
                                                                "retentionUnit": "COUNT"}}}
    dev = {"tier": "db-f1-micro", "availabilityType": "ZONAL",
           "ipConfiguration": {"ipv4Enabled": True, "requireSsl": False,
                               "sslMode": "ALLOW_UNENCRYPTED_AND_ENCRYPTED",
                               "authorizedNetworks": [{"name": "anywhere",
                                                       "value": "0.0.0.0/0"}]},
           "backupConfiguration": {"enabled": False}}
    compute = "//compute.googleapis.com/projects"
    return [
        asset(f"{sql}/{PROD}/instances/prod-db", "sqladmin.googleapis.com/Instance", PROD,
              {"name": "prod-db", "databaseVersion": "POSTGRES_15", "region": "us-central1",
               "instanceType": "CLOUD_SQL_INSTANCE", "settings": prod}),
        asset(f"{sql}/{DEV}/instances/dev-db", "sqladmin.googleapis.com/Instance", DEV,
              {"name": "dev-db", "databaseVersion": "MYSQL_8_0", "region": "us-central1",
               "instanceType": "CLOUD_SQL_INSTANCE", "settings": dev}),
        asset(f"{compute}/{PROD}/regions/us-central1/instanceGroupManagers/web",
              "compute.googleapis.com/InstanceGroupManager", PROD,
              {"name": "web", "region": "us-central1", "targetSize": 3,
               "distributionPolicy": {"zones": [{"zone": "us-central1-a"},
                                                {"zone": "us-central1-b"}]}}),
        asset(f"{compute}/{DEV}/zones/us-central1-a/instanceGroupManagers/batch",
              "compute.googleapis.com/InstanceGroupManager", DEV,
              {"name": "batch", "zone": "us-central1-a", "targetSize": 2}),
    ]


def network() -> list[Asset]:
    compute = "//compute.googleapis.com/projects"

    def firewall(project: str, name: str, ranges: list[str], allowed: list[Any]) -> Asset:
        return asset(f"{compute}/{project}/global/firewalls/{name}",
                     "compute.googleapis.com/Firewall", project,
                     {"name": name, "direction": "INGRESS", "disabled": False,
                      "sourceRanges": ranges, "allowed": allowed,
                      "network": f"projects/{project}/global/networks/default"})

    def instance(project: str, name: str, public_ip: str | None, items: list[Any]) -> Asset:
        nic: dict[str, Any] = {"network": "default", "networkIP": "10.0.0.2"}
        if public_ip:
            nic["accessConfigs"] = [{"type": "ONE_TO_ONE_NAT", "natIP": public_ip}]
        return asset(f"{compute}/{project}/zones/us-central1-a/instances/{name}",
                     "compute.googleapis.com/Instance", project,
                     {"name": name, "status": "RUNNING", "networkInterfaces": [nic],
                      "metadata": {"items": items}})

    def subnet(project: str, name: str, **data: Any) -> Asset:
        return asset(f"{compute}/{project}/regions/us-central1/subnetworks/{name}",
                     "compute.googleapis.com/Subnetwork", project,
                     {"name": name, "ipCidrRange": "10.0.0.0/20", **data})

    oslogin_off = [{"key": "enable-oslogin", "value": "FALSE"},
                   {"key": "startup-script", "value": "echo s3cr3t > /etc/app"}]
    return [
        firewall(DEV, "allow-ssh-from-anywhere", ["0.0.0.0/0"],
                 [{"IPProtocol": "tcp", "ports": ["22"]}]),
        firewall(PROD, "allow-https", ["0.0.0.0/0", "::/0"],
                 [{"IPProtocol": "tcp", "ports": ["443"]}]),
        firewall(PROD, "allow-internal", ["10.0.0.0/8"], [{"IPProtocol": "all"}]),
        instance(PROD, "web-1", None, []),
        instance(PROD, "legacy-vm", None, oslogin_off),
        instance(DEV, "bastion", "34.118.1.2", []),
        subnet(PROD, "prod-subnet", purpose="PRIVATE",
               logConfig={"enable": True, "aggregationInterval": "INTERVAL_5_SEC",
                          "flowSampling": 0.5}),
        subnet(DEV, "dev-subnet", purpose="PRIVATE"),
        subnet(PROD, "proxy-only", purpose="REGIONAL_MANAGED_PROXY"),
        asset(f"//compute.googleapis.com/projects/{PROD}", "compute.googleapis.com/Project",
              PROD, {"name": PROD, "commonInstanceMetadata": {"items": [
                  {"key": "enable-oslogin", "value": "TRUE"}]}}),
        asset(f"//compute.googleapis.com/projects/{DEV}", "compute.googleapis.com/Project",
              DEV, {"name": DEV, "commonInstanceMetadata": {"items": []}}),
    ]


def monitoring() -> list[Asset]:
    out: list[Asset] = []
    for i, (name, flt) in enumerate(SECURITY_FILTERS.items()):
        out.append(asset(f"//logging.googleapis.com/projects/{PROD_NUMBER}/metrics/{name}",
                         "logging.googleapis.com/LogMetric", PROD, {"name": name, "filter": flt}))
        out.append(asset(
            f"//monitoring.googleapis.com/projects/{PROD_NUMBER}/alertPolicies/{1000 + i}",
            "monitoring.googleapis.com/AlertPolicy", PROD,
            {"displayName": f"{name} changed", "enabled": True, "conditions": [
                {"conditionThreshold": {"filter": f'metric.type="logging.googleapis.com/user/'
                                                  f'{name}" AND resource.type="global"'}}]}))
    out.append(asset(f"//logging.googleapis.com/projects/{DEV_NUMBER}/metrics/firewall",
                     "logging.googleapis.com/LogMetric", DEV,
                     {"name": "firewall", "filter": SECURITY_FILTERS["firewall"]}))
    return out


def services_and_contacts() -> list[Asset]:
    def api(project: str, number: str, name: str) -> Asset:
        return asset(f"//serviceusage.googleapis.com/projects/{number}/services/{name}",
                     "serviceusage.googleapis.com/Service", project,
                     {"name": f"projects/{number}/services/{name}", "state": "ENABLED",
                      "parent": f"projects/{number}", "config": {"name": name}})

    def scc(where: str, parent: str, service: str, state: str) -> Asset:
        path = f"{parent}/locations/global/securityCenterServices/{service}"
        return asset(f"//securitycentermanagement.googleapis.com/{path}",
                     "securitycentermanagement.googleapis.com/SecurityCenterService", where,
                     {"name": path, "intendedEnablementState": "INHERITED",
                      "effectiveEnablementState": state})

    def contact(where: str, parent: str, cid: str, email: str, topics: list[str]) -> Asset:
        return asset(f"//essentialcontacts.googleapis.com/{parent}/contacts/{cid}",
                     "essentialcontacts.googleapis.com/Contact", where,
                     {"name": f"{parent}/contacts/{cid}", "email": email,
                      "notificationCategorySubscriptions": topics, "validationState": "VALID"})

    def docker(project: str, name: str) -> Asset:
        path = f"projects/{project}/locations/us/repositories/{name}"
        return asset(f"//artifactregistry.googleapis.com/{path}",
                     "artifactregistry.googleapis.com/Repository", project,
                     {"name": path, "format": "DOCKER"})

    return [
        api(PROD, PROD_NUMBER, "cloudasset.googleapis.com"),
        api(PROD, PROD_NUMBER, "containerscanning.googleapis.com"),
        api(PROD, PROD_NUMBER, "compute.googleapis.com"),
        api(DEV, DEV_NUMBER, "compute.googleapis.com"),
        docker(PROD, "images"), docker(DEV, "scratch-images"),
        scc(ORG, ORG, "event-threat-detection", "ENABLED"),
        scc(ORG, ORG, "security-health-analytics", "ENABLED"),
        scc(DEV, f"projects/{DEV_NUMBER}", "security-health-analytics", "DISABLED"),
        contact(ORG, ORG, "1", "it@acme.example", ["TECHNICAL", "BILLING"]),
        contact(PROD, f"projects/{PROD_NUMBER}", "2", "security@acme.example", ["SECURITY"]),
        contact(DEV, f"projects/{DEV_NUMBER}", "3", "legal@acme.example", ["LEGAL"]),
    ]


def service_assets() -> list[Asset]:
    return [*storage(), *keys_and_data(), *databases(), *network(), *monitoring(),
            *services_and_contacts()]
