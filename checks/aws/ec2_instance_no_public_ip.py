"""EC2: running instances have no public IPv4 address unless allow-listed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks.aws._ec2 import instance_arn, running_instances
from collector.cloud.aws import AwsContext
from collector.model import Result
from collector.plugin import Remediation, check


@check(
    id="aws_ec2_instance_no_public_ip",
    criteria=("CC6.6",),
    permissions=("ec2:DescribeInstances",),
    remediation=Remediation(
        summary=(
            'Move the instance to a private subnet behind a load balancer or NAT, or release '
            'its public address; allow-list it if it must be public.'),
        console=(
            'EC2 > Instances > instance > Networking > Manage IP addresses (or VPC > Subnets > '
            'Edit subnet settings > Auto-assign public IPv4)'),
        cli='aws ec2 modify-subnet-attribute --subnet-id <subnet> --no-map-public-ip-on-launch',
        docs='https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html',
    ),
)
def ec2_instance_no_public_ip(
    ctx: AwsContext, *, allowed: tuple[str, ...] = ()
) -> Iterator[Result]:
    """Running EC2 instances have no public IPv4 address, except allow-listed ones.

    Regional. One result per running instance (resource: the instance ARN). Public addresses
    are read from PublicIpAddress and every network interface's association (Elastic IPs
    included). `allowed` names the instances that may be public (bastions, NAT instances…):
    instance ids, or tags as "Key=Value"; an allowed public instance passes with the address
    named.
    """
    for instance in running_instances(ctx):
        arn = instance_arn(ctx, instance)
        addresses = _public_addresses(instance)
        if not addresses:
            yield Result.passed(arn, "the instance has no public IPv4 address")
        elif _allowed(instance, allowed):
            yield Result.passed(arn, "the instance is allow-listed to have public IPv4 "
                                     f"address(es) {', '.join(addresses)}")
        else:
            yield Result.failed(arn, f"the instance has public IPv4 address(es) "
                                     f"{', '.join(addresses)}")


def _public_addresses(instance: dict[str, Any]) -> list[str]:
    found = {instance.get("PublicIpAddress")}
    for eni in instance.get("NetworkInterfaces") or []:
        found.add((eni.get("Association") or {}).get("PublicIp"))
        for private in eni.get("PrivateIpAddresses") or []:
            found.add((private.get("Association") or {}).get("PublicIp"))
    return sorted(a for a in found if a)


def _allowed(instance: dict[str, Any], allowed: tuple[str, ...]) -> bool:
    tags = {t.get("Key"): t.get("Value") for t in instance.get("Tags") or []}
    for entry in allowed:
        key, eq, value = entry.partition("=")
        if (not eq and entry == instance.get("InstanceId")) or (eq and tags.get(key) == value):
            return True
    return False
