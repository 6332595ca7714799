"""VPC: flow logs are enabled on every subnet."""

from __future__ import annotations

from collections.abc import Iterator

from checks.gcp._assets import LIST_RESOURCE, as_bool, data, verdict
from collector.cloud.api import GcpApi
from collector.model import Result
from collector.plugin import check

EXEMPT = ("REGIONAL_MANAGED_PROXY", "GLOBAL_MANAGED_PROXY", "INTERNAL_HTTPS_LOAD_BALANCER",
          "PRIVATE_SERVICE_CONNECT", "PRIVATE_NAT")
"""Subnet purposes that carry no VM traffic and cannot have flow logs."""


@check(
    id="gcp_vpc_subnet_flow_logs",
    criteria=("CC7.2",),
    permissions=(LIST_RESOURCE,),
)
def vpc_subnet_flow_logs(ctx: GcpApi) -> Iterator[Result]:
    """VPC subnets record flow logs.

    One result per subnet (resource: its full name), except proxy-only, Private Service
    Connect and private NAT subnets, which carry no VM traffic (not judged). Passes when
    `logConfig.enable` (or the legacy `enableFlowLogs`) is true, fails when neither is (unset
    means disabled: compute.v1 Subnetwork.enableFlowLogs); the message shows the aggregation
    interval and sampling.

    How to fix: Turn on VPC Flow Logs for the subnet.
    Console: VPC network > subnet > Edit > Flow logs: On
    CLI: gcloud compute networks subnets update <subnet> --region <region> --enable-flow-logs
    Docs: https://cloud.google.com/vpc/docs/using-flow-logs
    """
    for subnet in ctx.assets("compute.googleapis.com/Subnetwork"):
        d = data(subnet)
        if d.get("purpose") in EXEMPT:
            continue
        log = d.get("logConfig") or {}
        on = as_bool(log.get("enable")) or as_bool(d.get("enableFlowLogs"))
        detail = (f"interval {log.get('aggregationInterval', 'INTERVAL_5_SEC')}, sampling "
                  f"{log.get('flowSampling', 0.5)}")
        yield verdict(ctx, subnet, on, f"flow logs enabled ({detail})", "flow logs disabled")
