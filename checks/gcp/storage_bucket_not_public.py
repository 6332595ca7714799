"""Cloud Storage: buckets are not public and public access prevention is enforced."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from checks.gcp._assets import (
    LIST_IAM_POLICY,
    LIST_ORG_POLICY,
    LIST_RESOURCE,
    NODES,
    as_bool,
    data,
    lineage,
    node_of,
    verdict,
)
from collector.cloud.api import GcpApi
from collector.model import Result
from collector.plugin import check

PUBLIC = ("allUsers", "allAuthenticatedUsers")
CONSTRAINT = "constraints/storage.publicAccessPrevention"


@check(
    id="gcp_storage_bucket_not_public",
    criteria=("CC6.1", "CC6.6"),
    permissions=(LIST_RESOURCE, LIST_IAM_POLICY, LIST_ORG_POLICY),
)
def storage_bucket_not_public(
    ctx: GcpApi, *, require_public_access_prevention: bool = True
) -> Iterator[Result]:
    """Cloud Storage buckets grant nothing to allUsers and enforce public access prevention.

    One result per bucket (resource: `//storage.googleapis.com/<bucket>`). A bucket fails when
    its IAM policy binds allUsers or allAuthenticatedUsers; when public access prevention is
    neither `enforced` on the bucket nor by the `storage.publicAccessPrevention` organisation
    policy on its project, folders or organisation (and `require_public_access_prevention`);
    or, without that prevention, when uniform bucket-level access is off (object ACLs could
    still make objects public). Passes otherwise. The organisation policy is evaluated as
    Google does: the nearest node of the bucket's project, folders and organisation that sets
    the constraint decides (`booleanPolicy.enforced` true or false; `restoreDefault`: not
    enforced), so a project that turns the policy off is not covered by its organisation's.
    Object ACLs themselves are not read.

    How to fix: Remove allUsers and allAuthenticatedUsers bindings and enforce public access
        prevention.
    Console: Cloud Storage > bucket > Permissions > Prevent public access
    CLI: gcloud storage buckets update gs://<bucket> --public-access-prevention
    Docs: https://cloud.google.com/storage/docs/using-public-access-prevention
    """
    bindings = {a["name"]: (a.get("iamPolicy") or {}).get("bindings") or []
                for a in ctx.assets("storage.googleapis.com/Bucket", "IAM_POLICY")}
    decided = {node_of(a): _enforces(p) for a in ctx.assets(NODES, "ORG_POLICY")
               for p in a.get("orgPolicy") or [] if p.get("constraint") == CONSTRAINT}
    for bucket in ctx.assets("storage.googleapis.com/Bucket"):
        cfg = data(bucket).get("iamConfiguration") or {}
        public = sorted({f"{m} has {b.get('role')}" for b in bindings.get(bucket["name"], [])
                         for m in b.get("members") or [] if m in PUBLIC})
        prevention = (cfg.get("publicAccessPrevention") == "enforced"
                      or _inherited(decided, lineage(bucket)))
        ubla = as_bool((cfg.get("uniformBucketLevelAccess") or {}).get("enabled"))
        problems = ["public IAM bindings: " + "; ".join(public)] if public else []
        if not prevention and require_public_access_prevention:
            problems.append("public access prevention is not enforced")
        if not prevention and not ubla:
            problems.append("uniform bucket-level access is off (object ACLs apply)")
        yield verdict(ctx, bucket, not problems,
                      "no public IAM binding; public access prevention is enforced"
                      if prevention else "no public IAM binding; uniform bucket-level access on",
                      "; ".join(problems))


def _enforces(policy: Mapping[str, Any]) -> bool:
    """What one node's policy for the constraint says (cloudresourcemanager.v1 OrgPolicy)."""
    if policy.get("restoreDefault") is not None:
        return False  # the constraint's default: public access prevention not enforced
    return as_bool((policy.get("booleanPolicy") or {}).get("enforced"))


def _inherited(decided: Mapping[str, bool], chain: list[str]) -> bool:
    for node in chain:  # nearest first: the first node that sets the constraint decides
        if node in decided:
            return decided[node]
    return False
