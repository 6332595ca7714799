"""Azure SQL: no firewall rule opens the server to the whole internet."""

from collections.abc import Iterator
from ipaddress import IPv4Address

from checks.azure._util import GRAPH, props
from collector.cloud.azure import AzureContext
from collector.model import Result
from collector.plugin import check

API = "2021-11-01"


@check(
    id="azure_sql_no_public_firewall",
    criteria=("CC6.6",),
    permissions=(GRAPH, "Microsoft.Sql/servers/read", "Microsoft.Sql/servers/firewallRules/read"),
    scoping="global",
)
def sql_no_public_firewall(ctx: AzureContext, *, max_addresses: int = 65536) -> Iterator[Result]:
    """Azure SQL servers are not open to the internet through their firewall.

    One result per SQL server. Passes when public network access is Disabled. Otherwise fails
    when a firewall rule covers 0.0.0.0-255.255.255.255 or more than `max_addresses` addresses
    (a /16 by default). The "Allow Azure services" rule (0.0.0.0-0.0.0.0) is reported only.
    """
    for server in ctx.resources("Microsoft.Sql/servers"):
        if props(server).get("publicNetworkAccess") == "Disabled":
            yield Result.passed(server["id"], "public network access is disabled")
            continue
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
