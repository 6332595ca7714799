from checks.aws.ec2_instance_no_public_ip import ec2_instance_no_public_ip
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
