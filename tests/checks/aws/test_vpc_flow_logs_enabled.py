from checks.aws.vpc_flow_logs_enabled import vpc_flow_logs_enabled
from collector.cloud.replay import AwsReplayContext, Recording
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


def test_a_flow_log_whose_delivery_failed_does_not_count() -> None:
    # ec2 FlowLog.DeliverLogsStatus "The status of the logs delivery (SUCCESS | FAILED)";
    # DeliverLogsErrorMessage names the cause (Access error, Rate limited, Unknown error)
    def flow(fid: str, vpc: str, **fields: str) -> dict[str, str]:
        return {"FlowLogId": fid, "ResourceId": vpc, "FlowLogStatus": "ACTIVE",
                "TrafficType": "ALL", "LogDestinationType": "cloud-watch-logs",
                "LogGroupName": "vpc-flow", **fields}

    recording = Recording()
    recording.add_entry({"service": "ec2", "operation": "describe_flow_logs", "params": {},
                         "pages": [{"FlowLogs": [
                             flow("fl-1", "vpc-broken", DeliverLogsStatus="FAILED",
                                  DeliverLogsErrorMessage="Access error"),
                             flow("fl-2", "vpc-good", DeliverLogsStatus="SUCCESS"),
                             flow("fl-3", "vpc-s3", LogDestinationType="s3",
                                  LogDestination="arn:aws:s3:::flow-logs")]}]})
    recording.add_entry({"service": "ec2", "operation": "describe_vpcs", "params": {},
                         "pages": [{"Vpcs": [{"VpcId": v} for v in
                                             ("vpc-broken", "vpc-good", "vpc-s3")]}]})

    results = by_resource(list(vpc_flow_logs_enabled.run(
        AwsReplayContext(recording, "us-east-1"))))

    broken = results[f"{ARN}/vpc-broken"]
    assert broken.status is Status.FAIL
    assert "fl-1 ACTIVE ALL delivery FAILED (Access error)" in broken.message
    assert results[f"{ARN}/vpc-good"].status is Status.PASS
    assert results[f"{ARN}/vpc-s3"].status is Status.PASS
