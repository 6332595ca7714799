"""Compute Engine: instances have no external IP address."""

from __future__ import annotations

from collections.abc import Iterator

from checks.gcp._assets import LIST_RESOURCE, data, verdict
from collector.cloud.api import GcpApi
from collector.model import Result
from collector.plugin import check


@check(
    id="gcp_compute_instance_no_public_ip",
    criteria=("CC6.6",),
    permissions=(LIST_RESOURCE,),
)
def compute_instance_no_public_ip(ctx: GcpApi, *, allowed: tuple[str, ...] = ()
                                  ) -> Iterator[Result]:
    """Compute Engine instances have no external IP address unless allow-listed.

    One result per instance (resource: its full name). Fails when a network interface has an
    access config (an external IPv4 `natIP`, or an ephemeral one still being assigned) or an
    external IPv6 access config. `allowed` lists instance names or full names that may have
    one (bastions, NAT appliances); they pass with a note. Instances without an access
    config pass; every instance, running or stopped, is judged.

    How to fix: Remove the external IP from the instance's access config; reach it through IAP or
        Cloud NAT.
    Console: Compute Engine > VM instances > instance > Edit > Network interfaces > External IPv4
        address: None
    CLI: gcloud compute instances delete-access-config <instance> --zone <zone> --access-config-name
        'external-nat'
    Docs: https://cloud.google.com/compute/docs/ip-addresses/reserve-static-external-ip-address#unassign
    """
    for inst in ctx.assets("compute.googleapis.com/Instance"):
        d = data(inst)
        ips = [str(ac.get("natIP") or ac.get("externalIpv6") or "ephemeral")
               for nic in d.get("networkInterfaces") or []
               for ac in [*(nic.get("accessConfigs") or []), *(nic.get("ipv6AccessConfigs")
                                                                or [])]]
        listed = d.get("name") in allowed or inst["name"] in allowed
        if ips and listed:
            yield verdict(ctx, inst, True, f"allow-listed external IP {', '.join(ips)}", "")
            continue
        yield verdict(ctx, inst, not ips, "no external IP address",
                      f"external IP address {', '.join(ips)}")
