"""EC2: security groups do not open administration or database ports to the internet."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from checks._network import ADMIN_PORTS, describe, exposures
from checks._network_dialects import aws_rules
from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check, each


@check(
    id="aws_ec2_sg_no_admin_ports_from_internet",
    criteria=("CC6.6",),
    permissions=("ec2:DescribeSecurityGroups", "ec2:GetManagedPrefixListEntries"),
    version="2",
)
def ec2_sg_no_admin_ports_from_internet(
    ctx: AwsApi, *, admin_ports: tuple[int, ...] = ADMIN_PORTS,
) -> Iterator[Result]:
    """Security groups allow no inbound traffic from the internet to administration ports.

    Regional; one result per security group (its ARN). Fails when the group's inbound rules,
    taken together, admit the whole internet (every public IPv4 address, e.g. 0.0.0.0/0 or
    0.0.0.0/1 + 128.0.0.0/1, or all of IPv6 global unicast) on TCP or UDP to one of
    `admin_ports` (SSH, RDP, WinRM and common database ports by default); passes otherwise.
    IpProtocol -1 opens every port; ICMP, ICMPv6 and other protocol numbers open none.
    Customer- and AWS-managed prefix lists are resolved (GetManagedPrefixListEntries; a list
    that cannot be read makes that group `error` unless it already fails without it); rules
    referencing other security groups admit private addresses only, never the internet.
    Not judged: whether the group is attached, network ACLs.

    How to fix: Remove the inbound rules that admit 0.0.0.0/0 or ::/0 (or prefix lists that hold
        them) to administration ports; reach instances through Session Manager or a VPN.
    Console: VPC > Security groups > group > Inbound rules > Edit inbound rules
    CLI: aws ec2 revoke-security-group-ingress --group-id <sg> --protocol tcp --port 22 --cidr
        0.0.0.0/0
    Docs: https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
    """
    ports = tuple(admin_ports)
    groups = ctx.paginate("ec2", "describe_security_groups", "SecurityGroups")
    yield from each(groups, resource=lambda g: _arn(ctx, g),
                    judge=lambda g: [_judge(ctx, g, ports)])


def _judge(ctx: AwsApi, group: Mapping[str, Any], ports: tuple[int, ...]) -> Result:
    found = exposures(aws_rules(group), ports)
    if not found:
        lists = sorted({str(ref.get("PrefixListId")) for perm in group.get("IpPermissions") or []
                        for ref in perm.get("PrefixListIds") or []})
        resolved = {pl: [str(e.get("Cidr")) for e in ctx.paginate(
            "ec2", "get_managed_prefix_list_entries", "Entries", PrefixListId=pl)]
            for pl in lists}
        found = exposures(aws_rules(group, resolved), ports)
    return Result.of(_arn(ctx, group), not found,
                     "no inbound rule lets the internet reach an administration port",
                     f"the internet reaches {describe(found)}")


def _arn(ctx: AwsApi, group: Mapping[str, Any]) -> str:
    return str(group.get("SecurityGroupArn")
               or ctx.arn("ec2", f"security-group/{group['GroupId']}"))
