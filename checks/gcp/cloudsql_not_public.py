"""Cloud SQL: instances are not reachable from the whole internet."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from checks.gcp._assets import LIST_RESOURCE, data, verdict
from collector.cloud.api import GcpApi
from collector.model import Result
from collector.plugin import check

IPV4_ALL = ipaddress.IPv4Network("0.0.0.0/0")
IPV6_ALL = ipaddress.IPv6Network("::/0")


def admits_internet(values: list[str]) -> list[str]:
    """The entries whose union covers all of IPv4 or all of IPv6 (`0.0.0.0/0`, or
    `0.0.0.0/1` with `128.0.0.0/1`…); empty when no union does. Unparsable entries are
    ignored here (Cloud SQL refuses them)."""
    v4: list[tuple[str, ipaddress.IPv4Network]] = []
    v6: list[tuple[str, ipaddress.IPv6Network]] = []
    for value in values:
        try:
            net = ipaddress.ip_network(value.strip(), strict=False)
        except ValueError:
            continue
        if isinstance(net, ipaddress.IPv4Network):
            v4.append((value, net))
        else:
            v6.append((value, net))
    out: list[str] = []
    if IPV4_ALL in ipaddress.collapse_addresses(n for _, n in v4):
        out += [v for v, _ in v4]
    if IPV6_ALL in ipaddress.collapse_addresses(n for _, n in v6):
        out += [v for v, _ in v6]
    return out


@check(
    id="gcp_cloudsql_not_public",
    criteria=("CC6.6",),
    permissions=(LIST_RESOURCE,),
)
def cloudsql_not_public(ctx: GcpApi, *, require_private_ip: bool = False) -> Iterator[Result]:
    """Cloud SQL instances authorise no network covering the whole internet.

    One result per instance. Fails when the instance has a public IPv4 address
    (`ipConfiguration.ipv4Enabled` true or unset) and its authorized networks together cover
    all of IPv4 or IPv6 (0.0.0.0/0, ::/0, or a union such as 0.0.0.0/1 + 128.0.0.0/1), and,
    with `require_private_ip`, whenever it has a public IPv4 address at all; passes otherwise.
    Authorized networks of an instance without a public IP admit nobody (sqladmin.v1beta4:
    they apply to connections "using the IP"), so they do not fail it.

    How to fix: Remove authorized networks that cover the internet (0.0.0.0/0); use private IP or
        the Cloud SQL Auth Proxy.
    Console: SQL > instance > Connections > Networking > Authorized networks
    CLI: gcloud sql instances patch <instance> --clear-authorized-networks
    Docs: https://cloud.google.com/sql/docs/postgres/authorize-networks
    """
    for inst in ctx.assets("sqladmin.googleapis.com/Instance"):
        ip = (data(inst).get("settings") or {}).get("ipConfiguration") or {}
        public_ip = ip.get("ipv4Enabled") is not False
        values = [str(n.get("value")) for n in ip.get("authorizedNetworks") or []]
        anywhere = admits_internet(values) if public_ip else []
        problems = ([f"authorized networks {', '.join(anywhere)} admit the whole internet"]
                    if anywhere else [])
        if require_private_ip and public_ip:
            problems.append("the instance has a public IP address")
        where = "a public IP limited to authorized networks" if public_ip else "private IP only"
        yield verdict(ctx, inst, not problems, f"reachable through {where}",
                      "; ".join(problems))
