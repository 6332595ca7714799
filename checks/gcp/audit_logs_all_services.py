"""Cloud Audit Logs: data access and admin read logs for all services, without exemptions."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from checks.gcp._assets import LIST_IAM_POLICY, LIST_RESOURCE, NODES, lineage, node_of, verdict
from collector.cloud.api import GcpApi
from collector.model import Result
from collector.plugin import check

REQUIRED = ("ADMIN_READ", "DATA_READ", "DATA_WRITE")


@check(
    id="gcp_audit_logs_all_services",
    criteria=("CC7.2",),
    permissions=(LIST_RESOURCE, LIST_IAM_POLICY),
)
def audit_logs_all_services(ctx: GcpApi) -> Iterator[Result]:
    """Every project records admin-read, data-read and data-write audit logs for all services.

    One result per active project (resource: the project's full name; scope: its id). The
    effective audit configuration is the union of the `allServices` audit configs in the IAM
    policies of the project, its folders and its organisation (Cloud Asset IAM_POLICY content
    of Project, Folder and Organization assets). A project fails when a log type is missing or
    any principal is exempted. Per-service audit configs are not counted as all-services.

    How to fix: Enable ADMIN_READ, DATA_READ and DATA_WRITE audit logs for allServices (without
        exempted members) in the IAM policy.
    Console: IAM & Admin > Audit Logs > Default audit config
    CLI: gcloud projects get-iam-policy <project> > policy.yaml  # add auditConfigs for allServices,
        then: gcloud projects set-iam-policy <project> policy.yaml
    Docs: https://cloud.google.com/logging/docs/audit/configure-data-access
    """
    policies: dict[str, Mapping[str, Any]] = {
        node_of(a): a.get("iamPolicy") or {} for a in ctx.assets(NODES, "IAM_POLICY")
    }
    for project in ctx.projects():
        types: set[str] = set()
        exempted: set[str] = set()
        for node in lineage(project):
            for cfg in policies.get(node, {}).get("auditConfigs") or []:
                if cfg.get("service") != "allServices":
                    continue
                for log in cfg.get("auditLogConfigs") or []:
                    types.add(str(log.get("logType")))
                    exempted.update(str(m) for m in log.get("exemptedMembers") or [])
        missing = [t for t in REQUIRED if t not in types]
        problems = []
        if missing:
            problems.append("no all-services audit log for " + ", ".join(missing))
        if exempted:
            problems.append("exempted principals: " + ", ".join(sorted(exempted)))
        yield verdict(ctx, project, not problems,
                      "ADMIN_READ, DATA_READ and DATA_WRITE audit logs are on for all "
                      "services with no exemptions",
                      "; ".join(problems))
