from typing import Any

from checks.aws.ec2_instance_no_public_ip import ec2_instance_no_public_ip
from collector.cloud.replay import AwsReplayContext, Recording
from collector.model import Status
from tests.conftest import Moto, by_resource

ARN = "arn:aws:ec2:us-east-1:123456789012:instance"
AMI = "ami-12c6146b"


def _estate(moto: Moto) -> dict[str, str]:
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]

    def launch(public: bool, tags: list[dict[str, str]] | None = None) -> str:
        spec = [{"ResourceType": "instance", "Tags": tags}] if tags else []
        return str(ec2.run_instances(
            ImageId=AMI, MinCount=1, MaxCount=1, TagSpecifications=spec,
            NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet,
                                "AssociatePublicIpAddress": public}],
        )["Instances"][0]["InstanceId"])

    ids = {"private": launch(False), "public": launch(True),
           "bastion": launch(True, [{"Key": "Role", "Value": "bastion"}]),
           "stopped": launch(True)}
    ec2.stop_instances(InstanceIds=[ids["stopped"]])
    return ids


def test_public_instances_fail_private_ones_pass(moto: Moto) -> None:
    ids = _estate(moto)

    results = by_resource(moto.run(ec2_instance_no_public_ip))

    assert results[f"{ARN}/{ids['private']}"].status is Status.PASS
    public = results[f"{ARN}/{ids['public']}"]
    assert public.status is Status.FAIL
    assert public.message.startswith("the instance has public IPv4 address(es) ")
    assert results[f"{ARN}/{ids['bastion']}"].status is Status.FAIL
    assert f"{ARN}/{ids['stopped']}" not in results


def test_allow_listed_instances_pass_by_tag_or_id(moto: Moto) -> None:
    ids = _estate(moto)

    results = by_resource(moto.run(ec2_instance_no_public_ip,
                                   params={"allowed": ("Role=bastion", ids["public"])}))

    assert results[f"{ARN}/{ids['bastion']}"].status is Status.PASS
    assert "allow-listed" in results[f"{ARN}/{ids['bastion']}"].message
    assert results[f"{ARN}/{ids['public']}"].status is Status.PASS


def _instance(iid: str, **fields: Any) -> dict[str, Any]:
    return {"InstanceId": iid, "State": {"Code": 16, "Name": "running"}, **fields}


def test_global_ipv6_and_carrier_addresses_are_public_ula_and_outposts_are_not() -> None:
    # ec2 Instance.Ipv6Address, InstanceNetworkInterface.Ipv6Addresses (InstanceIpv6Address),
    # InstanceNetworkInterfaceAssociation.CarrierIp / CustomerOwnedIp (service-2.json 2016-11-15)
    instances = [
        _instance("i-v6", Ipv6Address="2600:1f18:abcd::10"),
        _instance("i-eni6", NetworkInterfaces=[{"Ipv6Addresses": [
            {"Ipv6Address": "2a05:d018::20", "IsPrimaryIpv6": True}]}]),
        _instance("i-ula", NetworkInterfaces=[{"Ipv6Addresses": [{"Ipv6Address": "fd12::1"}]}]),
        _instance("i-carrier", NetworkInterfaces=[{"Association": {"CarrierIp": "155.146.1.2"}}]),
        _instance("i-outpost", NetworkInterfaces=[{"Association": {
            "CustomerOwnedIp": "192.168.50.7"}}]),
        _instance("i-v4", PublicIpAddress="3.80.1.2", Ipv6Address="2600:1f18::5"),
    ]
    recording = Recording()
    recording.add_entry({"service": "ec2", "operation": "describe_instances", "params": {},
                         "pages": [{"Reservations": [{"Instances": instances}]}]})

    results = by_resource(list(ec2_instance_no_public_ip.run(
        AwsReplayContext(recording, "us-east-1"))))

    assert results[f"{ARN}/i-v6"].status is Status.FAIL
    assert results[f"{ARN}/i-v6"].message == ("the instance has public IPv6 address(es) "
                                              "2600:1f18:abcd::10")
    assert results[f"{ARN}/i-eni6"].status is Status.FAIL
    assert results[f"{ARN}/i-carrier"].status is Status.FAIL
    assert results[f"{ARN}/i-ula"].status is Status.PASS
    assert results[f"{ARN}/i-outpost"].status is Status.PASS
    both = results[f"{ARN}/i-v4"]
    assert both.status is Status.FAIL and "IPv4 and IPv6" in both.message
