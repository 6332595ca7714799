"""A sample GCP organisation as Cloud Asset Inventory reports it, for the demo and the tests.

Organisation `acme.example` (123456789012) with a `production` folder holding `acme-prod`, and
`acme-dev` directly under the organisation. Every GCP check finds at least one resource that
passes and one that fails. Assets are Cloud Asset's REST JSON: `name`, `assetType`,
`ancestors` (nearest first, projects by number) and `resource.data` / `iamPolicy` /
`orgPolicy`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

ORG = "organizations/123456789012"
FOLDER = "folders/345678901234"
PROD, PROD_NUMBER = "acme-prod", "100000000001"
DEV, DEV_NUMBER = "acme-dev", "100000000002"
DEMO_SCOPES = (ORG,)
ANCESTORS = {
    PROD: [f"projects/{PROD_NUMBER}", FOLDER, ORG],
    DEV: [f"projects/{DEV_NUMBER}", ORG],
    ORG: [ORG],
    FOLDER: [FOLDER, ORG],
}
Asset = dict[str, Any]


def asset(name: str, asset_type: str, where: str, data: dict[str, Any] | None = None,
          **content: Any) -> Asset:
    """One asset; `where` is a project id, the folder or the organisation."""
    out: Asset = {"name": name, "assetType": asset_type, "ancestors": list(ANCESTORS[where]),
                  "updateTime": "2026-01-05T10:00:00Z"}
    if data is not None:
        out["resource"] = {"version": "v1", "data": data,
                           "parent": f"//cloudresourcemanager.googleapis.com/{ANCESTORS[where][0]}"}
    out.update(content)
    return out


def hierarchy() -> list[Asset]:
    crm = "//cloudresourcemanager.googleapis.com"
    audit_all = [{"logType": t} for t in ("ADMIN_READ", "DATA_READ", "DATA_WRITE")]
    return [
        asset(f"{crm}/{ORG}", "cloudresourcemanager.googleapis.com/Organization", ORG,
              {"name": ORG, "displayName": "acme.example", "lifecycleState": "ACTIVE"},
              iamPolicy={"bindings": [
                  {"role": "roles/cloudasset.viewer",
                   "members": ["serviceAccount:evidence@acme-prod.iam.gserviceaccount.com"]}],
                  "auditConfigs": [{"service": "allServices",
                                    "auditLogConfigs": [{"logType": "ADMIN_READ"}]}]}),
        asset(f"{crm}/{FOLDER}", "cloudresourcemanager.googleapis.com/Folder", FOLDER,
              {"name": FOLDER, "displayName": "production", "lifecycleState": "ACTIVE"},
              orgPolicy=[{"constraint": "constraints/storage.publicAccessPrevention",
                          "booleanPolicy": {"enforced": True}}]),
        asset(f"{crm}/projects/{PROD_NUMBER}", "cloudresourcemanager.googleapis.com/Project",
              PROD, {"projectNumber": PROD_NUMBER, "projectId": PROD, "lifecycleState": "ACTIVE",
                     "name": "Acme production"},
              iamPolicy={"bindings": [
                  {"role": "roles/owner", "members": ["group:platform-admins@acme.example"]},
                  {"role": "roles/cloudsql.client",
                   "members": ["serviceAccount:app@acme-prod.iam.gserviceaccount.com"]}],
                  "auditConfigs": [{"service": "allServices", "auditLogConfigs": audit_all}]}),
        asset(f"{crm}/projects/{DEV_NUMBER}", "cloudresourcemanager.googleapis.com/Project",
              DEV, {"projectNumber": DEV_NUMBER, "projectId": DEV, "lifecycleState": "ACTIVE",
                    "name": "Acme development"},
              iamPolicy={"bindings": [
                  {"role": "roles/editor",
                   "members": ["serviceAccount:deployer@acme-dev.iam.gserviceaccount.com",
                               f"serviceAccount:service-{DEV_NUMBER}@gcp-sa-cloudbuild"
                               ".iam.gserviceaccount.com"]}],
                  "auditConfigs": [{"service": "allServices", "auditLogConfigs": [
                      {"logType": "DATA_READ", "exemptedMembers": ["user:dev@acme.example"]}]}]}),
    ]


def identities(now: datetime) -> list[Asset]:
    iam = "//iam.googleapis.com/projects"

    def key(project: str, account: str, kid: str, age_days: int, kind: str) -> Asset:
        created = (now - timedelta(days=age_days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return asset(f"{iam}/{project}/serviceAccounts/{account}/keys/{kid}",
                     "iam.googleapis.com/ServiceAccountKey", project,
                     {"name": f"projects/{project}/serviceAccounts/{account}/keys/{kid}",
                      "keyType": kind, "keyAlgorithm": "KEY_ALG_RSA_2048",
                      "validAfterTime": created, "validBeforeTime": "9999-12-31T23:59:59Z"})

    accounts = [(PROD, "app@acme-prod.iam.gserviceaccount.com"),
                (PROD, "evidence@acme-prod.iam.gserviceaccount.com"),
                (DEV, "deployer@acme-dev.iam.gserviceaccount.com")]
    return [
        *[asset(f"{iam}/{p}/serviceAccounts/{email}", "iam.googleapis.com/ServiceAccount", p,
                {"email": email, "name": f"projects/{p}/serviceAccounts/{email}",
                 "projectId": p}) for p, email in accounts],
        key(PROD, "app@acme-prod.iam.gserviceaccount.com", "1a2b", 30, "USER_MANAGED"),
        key(DEV, "deployer@acme-dev.iam.gserviceaccount.com", "3c4d", 400, "USER_MANAGED"),
        key(DEV, "deployer@acme-dev.iam.gserviceaccount.com", "5e6f", 900, "SYSTEM_MANAGED"),
    ]


def logging_assets() -> list[Asset]:
    log = "//logging.googleapis.com"

    def sink(where: str, parent: str, name: str, destination: str, flt: str,
             children: bool = False) -> Asset:
        return asset(f"{log}/{parent}/sinks/{name}", "logging.googleapis.com/LogSink", where,
                     {"name": name, "destination": destination, "filter": flt,
                      "includeChildren": children, "writerIdentity": "serviceAccount:x@y"})

    return [
        sink(ORG, ORG, "org-audit-archive", "storage.googleapis.com/acme-audit-logs",
             'logName:"cloudaudit.googleapis.com"', children=True),
        sink(PROD, f"projects/{PROD_NUMBER}", "all-logs",
             "storage.googleapis.com/acme-prod-logs", ""),
        sink(DEV, f"projects/{DEV_NUMBER}", "_Default",
             f"logging.googleapis.com/projects/{DEV}/locations/global/buckets/_Default",
             'NOT LOG_ID("cloudaudit.googleapis.com/activity")'),
        asset(f"{log}/projects/{DEV}/locations/global/buckets/_Default",
              "logging.googleapis.com/LogBucket", DEV,
              {"name": f"projects/{DEV}/locations/global/buckets/_Default",
               "retentionDays": 30, "locked": False, "lifecycleState": "ACTIVE"}),
    ]


def build_gcp_estate(now: datetime | None = None) -> list[Asset]:
    """The whole sample organisation (service-account key ages are relative to `now`)."""
    from collector.demo.gcp_estate_services import service_assets  # builds on this module

    now = now or datetime.now(UTC)
    return [*hierarchy(), *identities(now), *logging_assets(), *service_assets()]
