"""EC2: security groups do not open administration or database ports to the internet."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from collector.cloud.aws import AwsContext
from collector.model import Result
from collector.plugin import check

INTERNET = (("IpRanges", "CidrIp", "0.0.0.0/0"), ("Ipv6Ranges", "CidrIpv6", "::/0"))
TCP = ("tcp", "6")
ALL = ("-1", "all")


@check(
    id="aws_ec2_sg_no_admin_ports_from_internet",
    criteria=("CC6.6",),
    permissions=("ec2:DescribeSecurityGroups",),
)
def ec2_sg_no_admin_ports_from_internet(
    ctx: AwsContext,
    *,
    admin_ports: tuple[int, ...] = (22, 3389, 1433, 1521, 3306, 5432, 6379, 27017),
) -> Iterator[Result]:
    """Security groups allow no inbound traffic from the internet to administration ports.

    Regional. One result per security group (resource: its ARN). A group fails when an inbound
    rule from 0.0.0.0/0 or ::/0 allows all traffic (IpProtocol -1) or a TCP port range covering
    one of `admin_ports` (SSH, RDP, and common database ports by default). Rules referencing
    prefix lists or other groups are not judged; whether the group is attached to anything is
    not considered. Network ACLs are not inspected.
    """
    ports = sorted({int(p) for p in admin_ports})
    for group in ctx.paginate("ec2", "describe_security_groups", "SecurityGroups"):
        arn = group.get("SecurityGroupArn") or ctx.arn("ec2", f"security-group/{group['GroupId']}")
        exposed = [finding for rule in group.get("IpPermissions", [])
                   for finding in _exposures(rule, ports)]
        yield Result.of(
            arn,
            not exposed,
            "no inbound rule allows the internet to reach an administration port",
            "inbound rules allow the internet to reach administration ports: "
            + "; ".join(exposed),
        )


def _exposures(rule: Mapping[str, Any], ports: list[int]) -> list[str]:
    protocol = str(rule.get("IpProtocol", "")).lower()
    if protocol in ALL:
        reached, what = ports, "all traffic"
    elif protocol in TCP:
        low, high = int(rule.get("FromPort", 0)), int(rule.get("ToPort", 65535))
        reached = [p for p in ports if low <= p <= high]
        what = f"tcp {low}" if low == high else f"tcp {low}-{high}"
    else:
        return []
    if not reached:
        return []
    sources = [cidr for key, field, cidr in INTERNET
               if any(r.get(field) == cidr for r in rule.get(key, []))]
    covered = ", ".join(str(p) for p in reached)
    return [f"{what} from {src} (ports {covered})" for src in sources]
