from checks.aws.vpc_flow_logs_enabled import vpc_flow_logs_enabled
from collector.model import Status
from tests.conftest import Moto, by_resource

ARN = "arn:aws:ec2:us-east-1:123456789012:vpc"


def test_vpc_with_active_flow_log_passes_others_fail(moto: Moto) -> None:
    moto.client("s3").create_bucket(Bucket="flow-logs")
    ec2 = moto.client("ec2")
    logged = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    accepted_only = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    bare = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    for vpc, traffic in ((logged, "ALL"), (accepted_only, "ACCEPT")):
        ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType=traffic,
                             LogDestinationType="s3", LogDestination="arn:aws:s3:::flow-logs")

    results = by_resource(moto.run(vpc_flow_logs_enabled))

    assert results[f"{ARN}/{logged}"].status is Status.PASS
    assert "arn:aws:s3:::flow-logs" in results[f"{ARN}/{logged}"].message
    accepted = results[f"{ARN}/{accepted_only}"]
    assert accepted.status is Status.FAIL
    assert "ACTIVE ACCEPT" in accepted.message
    assert results[f"{ARN}/{bare}"].status is Status.FAIL
    assert results[f"{ARN}/{bare}"].message == ("no active flow log capturing ALL or REJECT "
                                                "traffic")
