"""IAM: user-managed service accounts hold no owner, editor or admin roles."""

from __future__ import annotations

from collections.abc import Iterator

from checks.gcp._assets import LIST_IAM_POLICY, LIST_RESOURCE, NODES, data, verdict
from collector.cloud.api import GcpApi
from collector.model import Result
from collector.plugin import check

BASIC_ADMIN = ("roles/owner", "roles/editor")


def is_admin_role(role: str) -> bool:
    """Basic owner/editor, or a predefined or custom role whose name ends in admin."""
    return role in BASIC_ADMIN or role.rsplit("/", 1)[-1].lower().endswith("admin")


@check(
    id="gcp_sa_no_admin_roles",
    criteria=("CC6.3",),
    permissions=(LIST_RESOURCE, LIST_IAM_POLICY),
)
def sa_no_admin_roles(ctx: GcpApi) -> Iterator[Result]:
    """User-managed service accounts hold no owner, editor or administrator role.

    One result per service account of the scope (ServiceAccount assets; Google-managed
    service agents are not listed there and are not judged). A service account fails when the
    IAM policy of its organisation, a folder or a project in scope grants it roles/owner,
    roles/editor or any role whose name ends in "admin" (roles/iam.securityAdmin,
    roles/storage.admin, custom roles named so), conditional bindings included; it passes
    otherwise. Bindings to `deleted:` members are ignored. Resource-level policies (buckets,
    datasets) are not read.

    How to fix: Replace owner, editor and *Admin roles of the service account with narrower
        predefined or custom roles.
    Console: IAM & Admin > IAM > principal > Edit > remove the role
    CLI: gcloud projects remove-iam-policy-binding <project> --member serviceAccount:<sa-email>
        --role roles/editor
    Docs: https://cloud.google.com/iam/docs/best-practices-service-accounts
    """
    granted: dict[str, set[str]] = {}
    for node in ctx.assets(NODES, "IAM_POLICY"):
        where = str((node.get("ancestors") or ["?"])[0])
        for binding in (node.get("iamPolicy") or {}).get("bindings") or []:
            role = str(binding.get("role", ""))
            if not is_admin_role(role):
                continue
            for member in binding.get("members") or []:
                if str(member).startswith("serviceAccount:"):
                    email = str(member).removeprefix("serviceAccount:")
                    granted.setdefault(email, set()).add(f"{role} on {where}")
    for account in ctx.assets("iam.googleapis.com/ServiceAccount"):
        roles = sorted(granted.get(str(data(account).get("email", "")), set()))
        yield verdict(ctx, account, not roles, "holds no owner, editor or admin role",
                      "holds " + "; ".join(roles))
