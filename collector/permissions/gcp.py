"""The GCP roles and exact IAM permissions the selected checks need.

Every GCP check reads Cloud Asset Inventory, so one predefined role at each configured scope
covers them all: Cloud Asset Viewer (roles/cloudasset.viewer). The output is also a custom
role definition (YAML, for `gcloud iam roles create --file`) with exactly the permissions the
checks declare, plus what the collector itself needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from collector.plugin import Check

PREDEFINED_ROLE = "roles/cloudasset.viewer"
DISCOVERY_PERMISSIONS = ("cloudasset.assets.listResource",)
"""What the collector itself calls: the scope's projects (Project assets), read on opening."""
QUOTA_PERMISSION = "serviceusage.services.use"
"""Needed in the project that pays for the Cloud Asset calls (the credentials' project or
their quota project), where cloudasset.googleapis.com must be enabled."""
IMPERSONATION_ROLE = "roles/iam.serviceAccountTokenCreator"


def permissions(checks: Iterable[Check]) -> list[str]:
    """Sorted, distinct permissions: the GCP checks' declared ones plus discovery."""
    wanted = set(DISCOVERY_PERMISSIONS)
    for check in checks:
        if check.provider == "gcp":
            wanted.update(check.permissions)
    return sorted(wanted)


def _grant(scope: str) -> str:
    kind, _, ident = scope.partition("/")
    command = {"organizations": "organizations", "folders": "resource-manager folders",
               "projects": "projects"}.get(kind, "organizations")
    return (f"#   gcloud {command} add-iam-policy-binding {ident} "
            f"--member=serviceAccount:COLLECTOR_EMAIL --role={PREDEFINED_ROLE}")


def render(checks: Iterable[Check], *, scopes: Sequence[str] = ()) -> str:
    """Roles and permissions as commented YAML: a valid custom-role definition file."""
    chosen = sorted((c for c in checks if c.provider == "gcp"), key=lambda c: c.id)
    needed = permissions(chosen)
    targets = list(scopes) or ["organizations/ORGANIZATION_ID"]
    org = next((s.partition("/")[2] for s in targets if s.startswith("organizations/")),
               "ORGANIZATION_ID")
    lines = [
        f"# GCP access for {len(chosen)} evidence checks (all read Cloud Asset Inventory).",
        "#",
        "# Grant at each scope in gcp.scopes (organisation, folder or project) the predefined",
        f"# role Cloud Asset Viewer ({PREDEFINED_ROLE}), which holds every permission below:",
        *[_grant(s) for s in targets],
        "# In the project that pays for the calls (the credentials' project or their quota",
        f"# project) enable cloudasset.googleapis.com; the identity needs {QUOTA_PERMISSION}",
        "# there (roles/serviceusage.serviceUsageConsumer).",
        "# With gcp.impersonate_service_account, the caller needs "
        f"{IMPERSONATION_ROLE} on that service account.",
        "#",
        "# Or create a custom role with exactly these permissions at the organisation:",
        f"#   gcloud iam roles create EvidenceReader --organization={org} --file=THIS",
        "#",
        "# Per check:",
        *[f"#   {c.id}: {', '.join(sorted(c.permissions))}" for c in chosen],
        "title: Evidence collector (read-only)",
        "description: Reads Cloud Asset Inventory for SOC 2 evidence collection.",
        "stage: GA",
        "includedPermissions:",
        *[f"- {p}" for p in needed],
    ]
    return "\n".join(lines)
