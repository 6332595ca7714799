"""Cloud SQL: instances are not reachable from the whole internet."""

from __future__ import annotations

from collections.abc import Iterator

from checks.gcp._assets import LIST_RESOURCE, data, verdict
from collector.cloud.gcp import GcpContext
from collector.model import Result
from collector.plugin import check

ANYWHERE = ("0.0.0.0/0", "::/0")


@check(
    id="gcp_cloudsql_not_public",
    criteria=("CC6.6",),
    permissions=(LIST_RESOURCE,),
    scoping="global",
)
def cloudsql_not_public(ctx: GcpContext, *, require_private_ip: bool = False) -> Iterator[Result]:
    """Cloud SQL instances authorise no network covering the whole internet.

    One result per instance. Fails when an authorized network is 0.0.0.0/0 or ::/0 (any
    address may connect to the public IP), and, with `require_private_ip`, whenever the
    instance has a public IPv4 address at all (`ipConfiguration.ipv4Enabled`).
    """
    for inst in ctx.assets("sqladmin.googleapis.com/Instance"):
        ip = (data(inst).get("settings") or {}).get("ipConfiguration") or {}
        public_ip = ip.get("ipv4Enabled") is not False
        anywhere = [str(n.get("value")) for n in ip.get("authorizedNetworks") or []
                    if n.get("value") in ANYWHERE]
        problems = [f"authorized network {a} admits the whole internet" for a in anywhere]
        if require_private_ip and public_ip:
            problems.append("the instance has a public IP address")
        where = "a public IP limited to authorized networks" if public_ip else "private IP only"
        yield verdict(ctx, inst, not problems, f"reachable through {where}",
                      "; ".join(problems))
