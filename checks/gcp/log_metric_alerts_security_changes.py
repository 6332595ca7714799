"""Cloud Logging / Monitoring: alerts on security-relevant configuration changes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from checks.gcp._assets import LIST_RESOURCE, by_node, data, verdict
from collector.cloud.gcp import GcpContext
from collector.model import Result
from collector.plugin import check

CHANGES: dict[str, tuple[tuple[str, ...], ...]] = {
    "project ownership": (("projectownership",), ('role="roles/owner"',)),
    "audit configuration": (("setiampolicy", "auditconfigdeltas"),),
    "custom roles": (('resource.type="iam_role"',),),
    "VPC firewall rules": (('resource.type="gce_firewall_rule"',),),
    "VPC routes": (('resource.type="gce_route"',),),
    "VPC networks": (('resource.type="gce_network"',),),
    "bucket IAM": (('resource.type="gcs_bucket"', "storage.setiampermissions"),),
    "Cloud SQL configuration": (("cloudsql.instances.update",),),
}
"""Change -> alternatives, each a set of fragments a metric filter must all contain (CIS
GCP benchmark 2.4-2.11 filters, compared without whitespace and case)."""


@check(
    id="gcp_log_metric_alerts_security_changes",
    criteria=("CC7.2", "CC7.3"),
    permissions=(LIST_RESOURCE,),
    scoping="global",
)
def log_metric_alerts_security_changes(ctx: GcpContext) -> Iterator[Result]:
    """Each project alerts on ownership, audit, role, network, bucket IAM and SQL changes.

    One result per active project (resource: its full name). For each change of `CHANGES`,
    the project needs a log-based metric whose filter matches the CIS benchmark filter
    (LogMetric assets) and an enabled alert policy with a condition on
    `logging.googleapis.com/user/<metric>` (AlertPolicy assets). The failure names the
    changes without an alert. Notification channels are not inspected.
    """
    metrics = by_node(ctx.assets("logging.googleapis.com/LogMetric"))
    policies = by_node(ctx.assets("monitoring.googleapis.com/AlertPolicy"))
    for project in ctx.projects():
        node = str(project["ancestors"][0])
        alerted = {name for name in (data(m).get("name") for m in metrics.get(node, []))
                   if any(_alerts_on(p, str(name)) for p in policies.get(node, []))}
        covered = {change for change, alternatives in CHANGES.items()
                   if any(_matches(m, alternatives) for m in metrics.get(node, [])
                          if data(m).get("name") in alerted)}
        missing = [c for c in CHANGES if c not in covered]
        yield verdict(ctx, project, not missing,
                      "alerting log metrics exist for every security-relevant change",
                      "no alerting log metric for: " + ", ".join(missing))


def _squash(text: object) -> str:
    return "".join(str(text or "").split()).lower()


def _matches(metric: Mapping[str, Any], alternatives: tuple[tuple[str, ...], ...]) -> bool:
    flt = _squash(data(metric).get("filter"))
    return any(all(_squash(f) in flt for f in frags) for frags in alternatives)


def _alerts_on(policy: Mapping[str, Any], metric: str) -> bool:
    d = data(policy)
    if d.get("enabled") is False:
        return False
    wanted = _squash(f'metric.type="logging.googleapis.com/user/{metric}"')
    for cond in d.get("conditions") or []:
        for kind in ("conditionThreshold", "conditionAbsent"):
            if wanted in _squash((cond.get(kind) or {}).get("filter")):
                return True
    return False
