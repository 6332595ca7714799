"""Cloud Logging / Monitoring: alerts on security-relevant configuration changes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from checks.gcp._assets import LIST_RESOURCE, by_node, data, verdict
from collector.cloud.api import GcpApi
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
)
def log_metric_alerts_security_changes(ctx: GcpApi) -> Iterator[Result]:
    """Each project alerts on ownership, audit, role, network, bucket IAM and SQL changes.

    One result per active project (resource: its full name). A change of `CHANGES` is covered
    by an enabled log-based metric (LogMetric, not `disabled`) whose filter matches the CIS
    benchmark filter together with an alert policy that is `enabled` (unset is unknown, not
    enabled: monitoring.v3) and has a threshold, absence, MQL or PromQL condition on
    `logging.googleapis.com/user/<metric>`; or by an enabled log-match alert policy
    (`conditionMatchedLog`) whose filter matches. Under an AND combiner a condition alerts only
    with all the others, so such a policy with several conditions does not count. Fails naming
    the changes without an alert. Notification channels are not inspected.

    How to fix: Create a log-based metric for each security change and an alerting policy with a
        notification channel on it.
    Console: Logging > Log-based metrics > Create metric; Monitoring > Alerting > Create policy
    CLI: gcloud logging metrics create <name> --log-filter '<filter>' && gcloud alpha monitoring
        policies create --policy-from-file policy.json
    Docs: https://cloud.google.com/logging/docs/logs-based-metrics/charts-and-alerts
    """
    metrics = by_node(m for m in ctx.assets("logging.googleapis.com/LogMetric")
                      if data(m).get("disabled") is not True)
    policies = by_node(p for p in ctx.assets("monitoring.googleapis.com/AlertPolicy")
                       if _alerts_alone(p))
    for project in ctx.projects():
        node = str(project["ancestors"][0])
        alerted = {name for name in (data(m).get("name") for m in metrics.get(node, []))
                   if any(_alerts_on(p, str(name)) for p in policies.get(node, []))}
        covered = {change for change, alternatives in CHANGES.items()
                   if any(_matches(data(m).get("filter"), alternatives)
                          for m in metrics.get(node, []) if data(m).get("name") in alerted)
                   or any(_matches((c.get("conditionMatchedLog") or {}).get("filter"), alternatives)
                          for p in policies.get(node, []) for c in _conditions(p))}
        missing = [c for c in CHANGES if c not in covered]
        yield verdict(ctx, project, not missing,
                      "alerting log metrics exist for every security-relevant change",
                      "no alerting log metric for: " + ", ".join(missing))


def _squash(text: object) -> str:
    return "".join(str(text or "").split()).lower()


def _matches(flt: object, alternatives: tuple[tuple[str, ...], ...]) -> bool:
    squashed = _squash(flt)
    return bool(squashed) and any(all(_squash(f) in squashed for f in frags)
                                  for frags in alternatives)


def _conditions(policy: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [c for c in data(policy).get("conditions") or [] if isinstance(c, Mapping)]


def _alerts_alone(policy: Mapping[str, Any]) -> bool:
    """Enabled, and each condition opens an incident by itself (OR, or a single condition)."""
    d = data(policy)
    return d.get("enabled") is True and (
        len(_conditions(policy)) <= 1 or d.get("combiner") not in ("AND",
                                                                  "AND_WITH_MATCHING_RESOURCE"))


def _alerts_on(policy: Mapping[str, Any], metric: str) -> bool:
    wanted = _squash(f'metric.type="logging.googleapis.com/user/{metric}"')
    mql = _squash(f"logging.googleapis.com/user/{metric}")
    promql = _squash(f"logging_googleapis_com:user_{metric}")
    for cond in _conditions(policy):
        for kind in ("conditionThreshold", "conditionAbsent"):
            if wanted in _squash((cond.get(kind) or {}).get("filter")):
                return True
        if mql in _squash((cond.get("conditionMonitoringQueryLanguage") or {}).get("query")):
            return True
        if promql in _squash((cond.get("conditionPrometheusQueryLanguage") or {}).get("query")):
            return True
    return False
