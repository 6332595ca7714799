"""Azure SQL: server auditing on, retained long enough."""

from collections.abc import Iterator
from typing import Any

from checks.azure._util import GRAPH
from collector.cloud.api import AzureApi
from collector.model import Result
from collector.plugin import check, each

API = "2021-11-01"
"""Microsoft.Sql servers/auditingSettings (stable; the shape is unchanged in later versions)."""


@check(
    id="azure_sql_auditing_enabled",
    criteria=("CC7.2",),
    permissions=(GRAPH, "Microsoft.Sql/servers/read",
                 "Microsoft.Sql/servers/auditingSettings/read"),
)
def sql_auditing_enabled(ctx: AzureApi, *, min_days: int = 90) -> Iterator[Result]:
    """Azure SQL servers audit database events and keep the audit log long enough.

    One result per SQL server (ARM auditingSettings/default). Passes when state is Enabled and
    a storage destination keeps at least `min_days` days (retentionDays 0 means forever); fails
    when auditing is not Enabled or storage keeps fewer days. Log Analytics and Event Hub
    destinations keep what their own retention says (not judged here). No server: no result.
    A server whose auditing settings cannot be read gets an `error` result; others keep theirs.

    How to fix: Turn on server auditing to Log Analytics or storage with a retention of at least the
        minimum days.
    Console: SQL server > Security > Auditing > Enable Azure SQL Auditing
    CLI: az sql server audit-policy update --name <server> --resource-group <rg> --state Enabled
        --lats Enabled --lawri <workspace-id> --retention-days 90
    Docs: https://learn.microsoft.com/azure/azure-sql/database/auditing-setup
    """
    yield from each(ctx.resources("Microsoft.Sql/servers"), resource=lambda s: s["id"],
                    judge=lambda s: _judge(ctx, s, min_days))


def _judge(ctx: AzureApi, server: dict[str, Any], min_days: int) -> Iterator[Result]:
    audit = ctx.arm(f"{server['id']}/auditingSettings/default", API) or {}
    p = audit.get("properties") or {}
    if p.get("state") != "Enabled":
        yield Result.failed(server["id"], f"server auditing is {p.get('state') or 'off'}")
        return
    days = int(p.get("retentionDays") or 0)
    to_storage = bool(p.get("storageEndpoint"))
    if to_storage and 0 < days < min_days:
        yield Result.failed(server["id"], f"auditing on, but storage keeps only {days} days "
                            f"(< {min_days})")
        return
    where = [w for w, on in (("storage", to_storage),
                             ("Azure Monitor", p.get("isAzureMonitorTargetEnabled"))) if on]
    kept = "forever" if days == 0 else f"{days} days"
    shown = ", ".join(where) or "a destination"
    yield Result.passed(server["id"],
                        f"server auditing enabled to {shown} (storage retention {kept})")
