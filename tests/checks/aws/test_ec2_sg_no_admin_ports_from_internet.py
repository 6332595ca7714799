"""aws_ec2_sg_no_admin_ports_from_internet over moto (real EC2 API shapes: IpPermission)."""

from typing import Any

import boto3

from checks._network import ADMIN_PORTS
from checks.aws.ec2_sg_no_admin_ports_from_internet import ec2_sg_no_admin_ports_from_internet
from collector.cloud.aws import AwsAccount
from collector.cloud.aws_wire import client_config
from collector.model import Result, Status
from tests.conftest import Moto, by_resource
from tests.fakes.throttle_proxy import ThrottleProxy, ec2_error
from tests.support.memory_sink import MemorySink

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


def _prefix_list(moto: Moto, name: str, *cidrs: str) -> str:
    made = moto.client("ec2").create_managed_prefix_list(
        PrefixListName=name, MaxEntries=5, AddressFamily="IPv4",
        Entries=[{"Cidr": c} for c in cidrs])
    return str(made["PrefixList"]["PrefixListId"])


def test_internet_rules_to_admin_ports_fail(moto: Moto) -> None:
    ssh = _group(moto, "ssh", _tcp(22, 22, IpRanges=WORLD_V4))
    every_port_v6 = _group(moto, "wide", _tcp(0, 65535, Ipv6Ranges=WORLD_V6))
    all_traffic = _group(moto, "all", {"IpProtocol": "-1", "IpRanges": WORLD_V4})

    results = _run(moto)

    assert results[ssh].status is Status.FAIL
    assert results[ssh].message == "the internet reaches tcp 22 (rule tcp 22 from 0.0.0.0/0)"
    assert results[every_port_v6].status is Status.FAIL
    assert "tcp 0-65535 from ::/0" in results[every_port_v6].message
    assert "tcp 3389" in results[every_port_v6].message
    assert "udp" not in results[every_port_v6].message
    assert results[all_traffic].status is Status.FAIL
    assert "udp 3389" in results[all_traffic].message
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


def test_split_internet_udp_icmp_and_protocol_numbers(moto: Moto) -> None:
    """Why 2: sources are sets (0.0.0.0/1 + 128.0.0.0/1 is the internet); ICMP and ESP open no
    TCP/UDP port (EC2 API: IpProtocol -1 or a number other than tcp/udp/icmp allows all of
    that protocol, whatever the port range); UDP to an admin port counts like TCP."""
    halves = _group(moto, "halves", _tcp(3389, 3389, IpRanges=[{"CidrIp": "0.0.0.0/1"}]),
                    _tcp(3389, 3389, IpRanges=[{"CidrIp": "128.0.0.0/1"}]))
    across = _group(moto, "across", _tcp(3389, 3389, IpRanges=[{"CidrIp": "0.0.0.0/1"}]),
                    _tcp(3000, 4000, IpRanges=[{"CidrIp": "128.0.0.0/1"}]))
    half = _group(moto, "half", _tcp(22, 22, IpRanges=[{"CidrIp": "0.0.0.0/1"}]))
    icmp = _group(moto, "icmp", {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1,
                                 "IpRanges": WORLD_V4},
                  {"IpProtocol": "50", "FromPort": 22, "ToPort": 22, "IpRanges": WORLD_V4})
    udp = _group(moto, "udp", {"IpProtocol": "17", "FromPort": 3389, "ToPort": 3389,
                               "IpRanges": WORLD_V4})

    results = _run(moto)

    assert results[halves].status is Status.FAIL
    # EC2 stores both ranges under one IpPermission
    assert results[halves].message == (
        "the internet reaches tcp 3389 (rule tcp 3389 from 0.0.0.0/1, 128.0.0.0/1)")
    assert results[across].message == ("the internet reaches tcp 3389 "
                                       "(rules tcp 3389 from 0.0.0.0/1, tcp 3000-4000 from "
                                       "128.0.0.0/1)")
    assert results[half].status is Status.PASS
    assert results[icmp].status is Status.PASS
    assert results[udp].status is Status.FAIL
    assert "udp 3389" in results[udp].message


def test_prefix_lists_are_resolved_and_group_references_are_not_the_internet(
        moto: Moto) -> None:
    anywhere = _prefix_list(moto, "anywhere", "0.0.0.0/0")
    office = _prefix_list(moto, "office", "203.0.113.0/24")
    via_anywhere = _group(moto, "pl-any", _tcp(22, 22, PrefixListIds=[{"PrefixListId": anywhere}]))
    via_office = _group(moto, "pl-office", _tcp(22, 22, PrefixListIds=[{"PrefixListId": office}]))
    peer = moto.client("ec2").create_security_group(GroupName="peer", Description="p")["GroupId"]
    via_group = _group(moto, "sg-ref", _tcp(22, 22, UserIdGroupPairs=[{"GroupId": peer}]))

    results = _run(moto)

    assert results[via_anywhere].status is Status.FAIL
    assert anywhere in results[via_anywhere].message
    assert results[via_office].status is Status.PASS
    assert results[via_group].status is Status.PASS


def test_an_unreadable_prefix_list_is_an_error_for_its_group_only(moto: Moto) -> None:
    hidden = _prefix_list(moto, "hidden", "0.0.0.0/0")
    behind = _group(moto, "behind", _tcp(22, 22, PrefixListIds=[{"PrefixListId": hidden}]))
    open_anyway = _group(moto, "open", _tcp(22, 22, IpRanges=WORLD_V4,
                                             PrefixListIds=[{"PrefixListId": hidden}]))
    closed = _group(moto, "closed", _tcp(22, 22, IpRanges=[{"CidrIp": "10.0.0.0/8"}]))
    fault = ec2_error("GetManagedPrefixListEntries", "UnauthorizedOperation", status=403,
                      times=None, match=hidden)

    with ThrottleProxy(moto.endpoint, [fault]) as proxy:
        account = AwsAccount(boto3.Session(), sink=MemorySink(), home_region="us-east-1",
                             endpoint_url=proxy.endpoint, config=client_config(4, "test"))
        account.connect()
        results = _run_with(moto, account)

    assert results[behind].status is Status.ERROR
    assert results[behind].error_code == "UnauthorizedOperation"
    assert results[open_anyway].status is Status.FAIL  # fails whatever the list holds
    assert results[closed].status is Status.PASS


def _run_with(moto: Moto, account: AwsAccount) -> dict[str, Result]:
    return by_resource(moto.run(ec2_sg_no_admin_ports_from_internet, account=account))


def test_admin_ports_are_tunable_and_default_to_the_shared_list(moto: Moto) -> None:
    proxy = _group(moto, "proxy", _tcp(8080, 8080, IpRanges=WORLD_V4))
    winrm = _group(moto, "winrm", _tcp(5985, 5986, IpRanges=WORLD_V4))

    assert ec2_sg_no_admin_ports_from_internet.defaults() == {"admin_ports": ADMIN_PORTS}
    assert _run(moto)[proxy].status is Status.PASS
    assert _run(moto)[winrm].status is Status.FAIL
    result = _run(moto, admin_ports=(8080,))[proxy]
    assert result.status is Status.FAIL
    assert "tcp 8080" in result.message
