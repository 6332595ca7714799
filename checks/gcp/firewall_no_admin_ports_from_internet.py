"""VPC firewall: no ingress from the internet to administration ports."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from checks.gcp._assets import LIST_RESOURCE, data, verdict
from collector.cloud.gcp import GcpContext
from collector.model import Result
from collector.plugin import check

INTERNET = ("0.0.0.0/0", "::/0")


@check(
    id="gcp_firewall_no_admin_ports_from_internet",
    criteria=("CC6.6",),
    permissions=(LIST_RESOURCE,),
    scoping="global",
)
def firewall_no_admin_ports_from_internet(
    ctx: GcpContext, *, admin_ports: tuple[int, ...] = (22, 3389)
) -> Iterator[Result]:
    """VPC firewall rules allow no ingress from the internet to SSH, RDP or all ports.

    One result per enabled INGRESS allow rule (resource: its full name). A rule fails when its
    `sourceRanges` include 0.0.0.0/0 or ::/0 and it allows protocol `all`, or TCP with no port
    list or a port range covering one of `admin_ports`. Target tags and service accounts are
    not considered (the rule may apply to no instance today).
    """
    ports = sorted({int(p) for p in admin_ports})
    for rule in ctx.assets("compute.googleapis.com/Firewall"):
        d = data(rule)
        if d.get("direction", "INGRESS") != "INGRESS" or d.get("disabled"):
            continue
        if not d.get("allowed"):
            continue
        sources = [r for r in d.get("sourceRanges") or [] if r in INTERNET]
        exposed = [e for allow in d.get("allowed") or [] for e in _reached(allow, ports)]
        bad = bool(sources and exposed)
        yield verdict(ctx, rule, not bad,
                      "does not open administration ports to the internet",
                      f"allows {', '.join(exposed)} from {', '.join(sources)}")


def _reached(allow: Mapping[str, Any], ports: list[int]) -> list[str]:
    protocol = str(allow.get("IPProtocol") or allow.get("ipProtocol") or "").lower()
    if protocol == "all":
        return ["all protocols and ports"]
    if protocol not in ("tcp", "6"):
        return []
    ranges = allow.get("ports") or ["0-65535"]
    out: list[str] = []
    for spec in ranges:
        low, _, high = str(spec).partition("-")
        lo, hi = int(low), int(high or low)
        out.extend(f"tcp:{p}" for p in ports if lo <= p <= hi)
    return out
