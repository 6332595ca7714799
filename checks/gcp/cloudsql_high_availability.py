"""Cloud SQL and Compute Engine: databases and instance groups survive a zone outage."""

from __future__ import annotations

from collections.abc import Iterator

from checks.gcp._assets import LIST_RESOURCE, data, is_primary_sql, verdict
from collector.cloud.api import GcpApi
from collector.model import Result
from collector.plugin import check


@check(
    id="gcp_cloudsql_high_availability",
    criteria=("A1.2",),
    permissions=(LIST_RESOURCE,),
)
def cloudsql_high_availability(ctx: GcpApi) -> Iterator[Result]:
    """Cloud SQL instances are regional (HA) and managed instance groups span several zones.

    One result per primary Cloud SQL instance (passes when `settings.availabilityType` is
    REGIONAL, fails for ZONAL or unset) and per managed instance group (passes when its
    `distributionPolicy` lists more than one zone; zonal groups fail). Not judged: read
    replicas, read pools, on-premises sources and blue/green targets.

    How to fix: Make the instance regional (high availability) and managed instance groups regional
        (multi-zone).
    Console: SQL > instance > Edit > Availability: Multiple zones (Highly available)
    CLI: gcloud sql instances patch <instance> --availability-type REGIONAL
    Docs: https://cloud.google.com/sql/docs/postgres/high-availability
    """
    instances = ctx.assets("sqladmin.googleapis.com/Instance")
    groups = ctx.assets("compute.googleapis.com/InstanceGroupManager")  # read all, then judge
    for inst in filter(is_primary_sql, instances):
        kind = (data(inst).get("settings") or {}).get("availabilityType", "ZONAL")
        yield verdict(ctx, inst, kind == "REGIONAL", "regional (high availability) instance",
                      f"availabilityType is {kind}: a zone outage stops the database")
    for mig in groups:
        d = data(mig)
        zones = sorted({str(z.get("zone", "")).rsplit("/", 1)[-1]
                        for z in (d.get("distributionPolicy") or {}).get("zones") or []})
        if not zones and d.get("zone"):
            zones = [str(d["zone"]).rsplit("/", 1)[-1]]
        yield verdict(ctx, mig, len(zones) > 1, "spans zones " + ", ".join(zones),
                      "runs in one zone only: " + (", ".join(zones) or "unknown"))
