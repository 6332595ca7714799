"""Azure SQL: no firewall rule opens the server to the whole internet."""

from collections.abc import Iterator
from ipaddress import IPv4Address
from typing import Any

from checks.azure._util import GRAPH, props
from collector.cloud.api import AzureApi
from collector.model import Result
from collector.plugin import check, each

API = "2021-11-01"
"""Microsoft.Sql servers/firewallRules (stable)."""


@check(
    id="azure_sql_no_public_firewall",
    criteria=("CC6.6",),
    permissions=(GRAPH, "Microsoft.Sql/servers/read", "Microsoft.Sql/servers/firewallRules/read"),
)
def sql_no_public_firewall(ctx: AzureApi, *, max_addresses: int = 65536) -> Iterator[Result]:
    """Azure SQL servers are not open to the internet through their firewall.

    One result per SQL server. Passes when public network access is Disabled (firewall rules
    are then not read), or when no firewall rule covers more than `max_addresses` addresses (a
    /16 by default); fails otherwise. The "Allow Azure services" rule (0.0.0.0-0.0.0.0) is
    reported, not failed. A server whose rules cannot be read gets an `error` result.

    How to fix: Delete firewall rules that cover the whole internet (0.0.0.0-255.255.255.255) and
        prefer private endpoints.
    Console: SQL server > Security > Networking > Firewall rules
    CLI: az sql server firewall-rule delete --server <server> --resource-group <rg> --name <rule>
    Docs: https://learn.microsoft.com/azure/azure-sql/database/firewall-configure
    """
    yield from each(ctx.resources("Microsoft.Sql/servers"), resource=lambda s: s["id"],
                    judge=lambda s: _judge(ctx, s, max_addresses))


def _judge(ctx: AzureApi, server: dict[str, Any], max_addresses: int) -> Iterator[Result]:
    if props(server).get("publicNetworkAccess") == "Disabled":
        yield Result.passed(server["id"], "public network access is disabled")
        return
    wide, azure = [], False
    for rule in ctx.arm_list(f"{server['id']}/firewallRules", API):
        rp = rule.get("properties") or {}
        start, end = str(rp.get("startIpAddress")), str(rp.get("endIpAddress"))
        if start == end == "0.0.0.0":
            azure = True
            continue
        size = int(IPv4Address(end)) - int(IPv4Address(start)) + 1
        if size > max_addresses:
            wide.append(f"{rule.get('name')} ({start}-{end})")
    note = "; rule 'Allow Azure services' (0.0.0.0) is present" if azure else ""
    yield Result.of(server["id"], not wide,
                    f"no firewall rule opens the server to the internet{note}",
                    "firewall rules open the server to the internet: " + ", ".join(wide))
