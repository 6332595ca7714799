"""Compute Engine: SSH access goes through OS Login (IAM identities), not metadata keys."""

from __future__ import annotations

from collections.abc import Iterator

from checks.gcp._assets import LIST_RESOURCE, as_bool, data, metadata_value, verdict
from collector.cloud.api import GcpApi
from collector.model import Result
from collector.plugin import check


@check(
    id="gcp_os_login_enforced",
    criteria=("CC6.1",),
    permissions=(LIST_RESOURCE,),
)
def os_login_enforced(ctx: GcpApi, *, require_2fa: bool = False) -> Iterator[Result]:
    """OS Login is enabled for every project and not turned off on any instance.

    One result per Compute Engine project setting (compute.googleapis.com/Project assets:
    `commonInstanceMetadata` must set enable-oslogin=TRUE, and enable-oslogin-2fa=TRUE when
    `require_2fa`), and one failing result per instance whose own metadata sets
    enable-oslogin to FALSE (or, with `require_2fa`, enable-oslogin-2fa to FALSE). Instances
    that inherit the project setting get no separate result. The `compute.requireOsLogin`
    organisation policy is not read: a project relying on it alone fails (never a false pass).

    How to fix: Set enable-oslogin=TRUE in project metadata and remove instance-level overrides.
    Console: Compute Engine > Metadata > Edit > enable-oslogin TRUE
    CLI: gcloud compute project-info add-metadata --metadata enable-oslogin=TRUE --project <project>
    Docs: https://cloud.google.com/compute/docs/oslogin/set-up-oslogin
    """
    projects = ctx.assets("compute.googleapis.com/Project")
    instances = ctx.assets("compute.googleapis.com/Instance")  # read all, then judge
    for project in projects:
        meta = data(project).get("commonInstanceMetadata")
        problems = []
        if not as_bool(metadata_value(meta, "enable-oslogin")):
            problems.append("enable-oslogin is not TRUE in the project metadata")
        if require_2fa and not as_bool(metadata_value(meta, "enable-oslogin-2fa")):
            problems.append("enable-oslogin-2fa is not TRUE in the project metadata")
        yield verdict(ctx, project, not problems, "OS Login is enabled for the project",
                      "; ".join(problems))
    keys = ("enable-oslogin", "enable-oslogin-2fa") if require_2fa else ("enable-oslogin",)
    for inst in instances:
        meta = data(inst).get("metadata")
        off = [k for k in keys if (v := metadata_value(meta, k)) is not None and not as_bool(v)]
        if off:
            yield verdict(ctx, inst, False, "", f"the instance overrides {', '.join(off)} to "
                          "FALSE in its own metadata")
