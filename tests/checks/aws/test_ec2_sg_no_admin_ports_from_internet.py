from typing import Any

from checks.aws.ec2_sg_no_admin_ports_from_internet import ec2_sg_no_admin_ports_from_internet
from collector.model import Result, Status
from tests.conftest import Moto, by_resource

WORLD_V4 = [{"CidrIp": "0.0.0.0/0"}]
WORLD_V6 = [{"CidrIpv6": "::/0"}]


def _group(moto: Moto, name: str, *rules: dict[str, Any]) -> str:
    ec2 = moto.client("ec2")
    group_id: str = ec2.create_security_group(GroupName=name, Description=name)["GroupId"]
    if rules:
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=list(rules))
    return f"arn:aws:ec2:us-east-1:123456789012:security-group/{group_id}"


def _tcp(low: int, high: int, **sources: Any) -> dict[str, Any]:
    return {"IpProtocol": "tcp", "FromPort": low, "ToPort": high, **sources}


def _run(moto: Moto, **params: Any) -> dict[str, Result]:
    return by_resource(moto.run(ec2_sg_no_admin_ports_from_internet, params=params))


def test_internet_rules_to_admin_ports_fail(moto: Moto) -> None:
    ssh = _group(moto, "ssh", _tcp(22, 22, IpRanges=WORLD_V4))
    every_port_v6 = _group(moto, "wide", _tcp(0, 65535, Ipv6Ranges=WORLD_V6))
    all_traffic = _group(moto, "all", {"IpProtocol": "-1", "IpRanges": WORLD_V4})

    results = _run(moto)

    assert results[ssh].status is Status.FAIL
    assert "tcp 22 from 0.0.0.0/0 (ports 22)" in results[ssh].message
    assert results[every_port_v6].status is Status.FAIL
    assert "tcp 0-65535 from ::/0" in results[every_port_v6].message
    assert "3389" in results[every_port_v6].message
    assert results[all_traffic].status is Status.FAIL
    assert "all traffic from 0.0.0.0/0" in results[all_traffic].message


def test_web_ports_private_sources_and_empty_groups_pass(moto: Moto) -> None:
    web = _group(moto, "web", _tcp(443, 443, IpRanges=WORLD_V4, Ipv6Ranges=WORLD_V6))
    internal = _group(moto, "internal", _tcp(22, 22, IpRanges=[{"CidrIp": "10.0.0.0/8"}]),
                      {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "192.168.0.0/16"}]})
    empty = _group(moto, "empty")

    results = _run(moto)

    for arn in (web, internal, empty):
        assert results[arn].status is Status.PASS, results[arn]
    # moto's default VPC security group is judged too (it has no inbound rules)
    assert len(results) == 4


def test_admin_ports_are_tunable(moto: Moto) -> None:
    proxy = _group(moto, "proxy", _tcp(8080, 8080, IpRanges=WORLD_V4))

    assert _run(moto)[proxy].status is Status.PASS
    result = _run(moto, admin_ports=(8080,))[proxy]
    assert result.status is Status.FAIL
    assert "ports 8080" in result.message
