"""Security Command Center: threat detection and health analytics are effectively on."""

from __future__ import annotations

from collections.abc import Iterator

from checks.gcp._assets import LIST_RESOURCE, data, verdict
from collector.cloud.api import GcpApi
from collector.model import Result, Status
from collector.plugin import check

SERVICES = ("event-threat-detection", "security-health-analytics")


@check(
    id="gcp_scc_threat_detection_enabled",
    criteria=("CC6.8", "CC7.2"),
    permissions=(LIST_RESOURCE,),
)
def scc_threat_detection_enabled(ctx: GcpApi) -> Iterator[Result]:
    """Event Threat Detection and Security Health Analytics are effectively enabled.

    One result per Security Command Center service setting of those two services in the scope
    (SecurityCenterService assets of securitycentermanagement.googleapis.com, at the
    organisation, folders and projects); passes when `effectiveEnablementState` is ENABLED.
    When Cloud Asset Inventory holds no such setting at all (Security Command Center not
    activated), one failing result is reported for the scope.

    How to fix: Enable Event Threat Detection and Security Health Analytics in Security Command
        Center.
    Console: Security Command Center > Settings > Services
    CLI: gcloud scc manage services update event-threat-detection --organization <org-id>
        --enablement-state ENABLED
    Docs: https://cloud.google.com/security-command-center/docs/activate-scc-services
    """
    found = False
    for svc in ctx.assets("securitycentermanagement.googleapis.com/SecurityCenterService"):
        d = data(svc)
        service = str(d.get("name", svc["name"])).rsplit("/", 1)[-1]
        if service not in SERVICES:
            continue
        found = True
        state = d.get("effectiveEnablementState", "UNSPECIFIED")
        yield verdict(ctx, svc, state == "ENABLED", f"{service} is effectively enabled",
                      f"{service} is effectively {state}")
    if not found:
        yield Result(ctx.scope_resource, Status.FAIL, "no Security Command Center service "
                     "settings found: Security Command Center is not activated",
                     scope=ctx.scope_id)
