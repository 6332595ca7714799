"""Azure SQL: server auditing on, retained long enough."""

from collections.abc import Iterator

from checks.azure._util import GRAPH
from collector.cloud.azure import AzureContext
from collector.model import Result
from collector.plugin import check

API = "2021-11-01"


@check(
    id="azure_sql_auditing_enabled",
    criteria=("CC7.2",),
    permissions=(GRAPH, "Microsoft.Sql/servers/read",
                 "Microsoft.Sql/servers/auditingSettings/read"),
    scoping="global",
)
def sql_auditing_enabled(ctx: AzureContext, *, min_days: int = 90) -> Iterator[Result]:
    """Azure SQL servers audit database events and keep the audit log long enough.

    One result per SQL server (ARM auditingSettings/default). Fails when auditing is not
    Enabled, or when a storage destination keeps fewer than `min_days` days (0 means forever).
    Log Analytics and Event Hub destinations keep what their own retention says.
    """
    for server in ctx.resources("Microsoft.Sql/servers"):
        audit = ctx.arm(f"{server['id']}/auditingSettings/default", API) or {}
        p = audit.get("properties") or {}
        if p.get("state") != "Enabled":
            yield Result.failed(server["id"], f"server auditing is {p.get('state') or 'off'}")
            continue
        days = int(p.get("retentionDays") or 0)
        to_storage = bool(p.get("storageEndpoint"))
        if to_storage and 0 < days < min_days:
            yield Result.failed(server["id"], f"auditing on, but storage keeps only {days} days "
                                f"(< {min_days})")
            continue
        where = [w for w, on in (("storage", to_storage),
                                 ("Azure Monitor", p.get("isAzureMonitorTargetEnabled")))
                 if on]
        kept = "forever" if days == 0 else f"{days} days"
        shown = ", ".join(where) or "a destination"
        yield Result.passed(server["id"],
                            f"server auditing enabled to {shown} (storage retention {kept})")
