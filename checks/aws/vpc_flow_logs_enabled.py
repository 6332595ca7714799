"""VPC: every VPC has an active flow log."""

from __future__ import annotations

from collections.abc import Iterator

from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check

TRAFFIC = ("ALL", "REJECT")


@check(
    id="aws_vpc_flow_logs_enabled",
    criteria=("CC7.2",),
    permissions=("ec2:DescribeVpcs", "ec2:DescribeFlowLogs"),
)
def vpc_flow_logs_enabled(ctx: AwsApi) -> Iterator[Result]:
    """Every VPC has an active flow log capturing all or rejected traffic, delivering.

    Regional. One result per VPC (resource: the VPC ARN). Pass: a flow log whose ResourceId is
    the VPC itself has FlowLogStatus ACTIVE, TrafficType ALL or REJECT (ACCEPT alone misses
    rejected connection attempts) and a DeliverLogsStatus other than FAILED (an absent status,
    as for S3 and Firehose destinations, is not a failure), to any destination; the
    destination is named. Fail: no such flow log; flow logs on subnets or network interfaces
    only (they do not cover the whole VPC); a flow log whose delivery FAILED (its
    DeliverLogsErrorMessage — access error, rate limited — is named). Both reads are
    region-wide: a failed read is an `error` for the region.
    Not applicable: never.

    How to fix: Create a flow log for the VPC capturing ALL (or REJECT) traffic to CloudWatch Logs
        or S3.
    Console: VPC > Your VPCs > VPC > Flow logs > Create flow log
    CLI: aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc-id> --traffic-type ALL
        --log-destination-type s3 --log-destination <bucket-arn>
    Terraform:
        resource "aws_flow_log" "vpc" {
          vpc_id       = aws_vpc.main.id
          traffic_type = "ALL"
        }
    Docs: https://docs.aws.amazon.com/vpc/latest/userguide/working-with-flow-logs.html
    """
    logs = ctx.paginate("ec2", "describe_flow_logs", "FlowLogs")
    for vpc in ctx.paginate("ec2", "describe_vpcs", "Vpcs"):
        vpc_id = vpc["VpcId"]
        mine = [f for f in logs if f.get("ResourceId") == vpc_id]
        good = [f for f in mine
                if f.get("FlowLogStatus") == "ACTIVE" and f.get("TrafficType") in TRAFFIC
                and f.get("DeliverLogsStatus") != "FAILED"]
        seen = "; ".join(f"{f.get('FlowLogId')} {f.get('FlowLogStatus')} "
                         f"{f.get('TrafficType')}" + (
                             f" delivery FAILED ({f.get('DeliverLogsErrorMessage')})"
                             if f.get("DeliverLogsStatus") == "FAILED" else "")
                         for f in mine)
        yield Result.of(
            ctx.arn("ec2", f"vpc/{vpc_id}"),
            bool(good),
            "active flow log(s): " + "; ".join(
                f"{f.get('FlowLogId')} ({f.get('TrafficType')} traffic to "
                f"{f.get('LogDestinationType', 'cloud-watch-logs')} "
                f"{f.get('LogDestination') or f.get('LogGroupName', '')}, delivery "
                f"{f.get('DeliverLogsStatus', 'unknown')})" for f in good),
            "no active flow log capturing ALL or REJECT traffic"
            + (f" (seen: {seen})" if seen else ""),
        )
