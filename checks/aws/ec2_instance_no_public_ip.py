"""EC2: running instances have no public IPv4 (or global IPv6) address unless allow-listed."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

from checks.aws._ec2 import instance_arn, running_instances
from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check

ULA = ipaddress.ip_network("fc00::/7")


@check(
    id="aws_ec2_instance_no_public_ip",
    criteria=("CC6.6",),
    permissions=("ec2:DescribeInstances",),
)
def ec2_instance_no_public_ip(
    ctx: AwsApi, *, allowed: tuple[str, ...] = ()
) -> Iterator[Result]:
    """Running EC2 instances have no public IPv4 address (nor global IPv6), except allow-listed.

    Regional. One result per running instance (resource: the instance ARN); stopped and other
    non-running instances are not judged. Public addresses are read from PublicIpAddress and
    every network interface's Association (PublicIp, Elastic IPs included; CarrierIp, a
    Wavelength carrier address) and its private addresses' associations; a CustomerOwnedIp
    (Outposts, on-premises pool) is not public. Global IPv6 addresses (Ipv6Address,
    NetworkInterfaces[].Ipv6Addresses; not ULA fc00::/7 nor link-local) count as public: EC2
    IPv6 addresses are globally unique and whether the subnet routes them to an internet
    gateway or only an egress-only one is not read, so they are never taken as private.
    Pass: no public address, or an instance in `allowed` (instance ids, or tags as
    "Key=Value") with its addresses named. Fail: any other public address (named).
    Not applicable: never. DescribeInstances is one region-wide listing: a failed read is an
    `error` for the region.

    How to fix: Move the instance to a private subnet behind a load balancer or NAT, or release its
        public address; allow-list it if it must be public.
    Console: EC2 > Instances > instance > Networking > Manage IP addresses (or VPC > Subnets > Edit
        subnet settings > Auto-assign public IPv4)
    CLI: aws ec2 modify-subnet-attribute --subnet-id <subnet> --no-map-public-ip-on-launch
    Docs: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html
    """
    for instance in running_instances(ctx):
        arn = instance_arn(ctx, instance)
        addresses = _public_addresses(instance)
        if not addresses:
            yield Result.passed(arn, "the instance has no public IPv4 or global IPv6 address")
        elif _allowed(instance, allowed):
            yield Result.passed(arn, "the instance is allow-listed to have public "
                                     f"address(es) {', '.join(addresses)}")
        else:
            yield Result.failed(arn, f"the instance has public {_kinds(addresses)} address(es) "
                                     f"{', '.join(addresses)}")


def _public_addresses(instance: dict[str, Any]) -> list[str]:
    found = {instance.get("PublicIpAddress"), instance.get("Ipv6Address")}
    for eni in instance.get("NetworkInterfaces") or []:
        association = eni.get("Association") or {}
        found |= {association.get("PublicIp"), association.get("CarrierIp")}
        for private in eni.get("PrivateIpAddresses") or []:
            association = private.get("Association") or {}
            found |= {association.get("PublicIp"), association.get("CarrierIp")}
        found |= {a.get("Ipv6Address") for a in eni.get("Ipv6Addresses") or []}
    return sorted(a for a in found if isinstance(a, str) and a and _routable(a))


def _routable(address: str) -> bool:
    """IPv4 as AWS assigns it (public by construction); IPv6 unless ULA or link-local."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return True  # not understood: never taken as private
    return ip.version == 4 or not (ip in ULA or ip.is_link_local)


def _allowed(instance: dict[str, Any], allowed: tuple[str, ...]) -> bool:
    tags = {t.get("Key"): t.get("Value") for t in instance.get("Tags") or []}
    for entry in allowed:
        key, eq, value = entry.partition("=")
        if (not eq and entry == instance.get("InstanceId")) or (eq and tags.get(key) == value):
            return True
    return False


def _kinds(addresses: list[str]) -> str:
    v6 = any(":" in a for a in addresses)
    v4 = any(":" not in a for a in addresses)
    return "IPv4 and IPv6" if v4 and v6 else "IPv6" if v6 else "IPv4"
