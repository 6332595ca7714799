"""Systems Manager: every running instance is managed and patch compliant."""

from __future__ import annotations

from collections.abc import Iterator

from checks.aws._ec2 import instance_arn, running_instances
from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check

PATCH = [{"Key": "ComplianceType", "Values": ["Patch"], "Type": "EQUAL"}]


@check(
    id="aws_ssm_instances_patch_compliant",
    criteria=("CC7.1",),
    permissions=("ec2:DescribeInstances", "ssm:DescribeInstanceInformation",
                 "ssm:ListResourceComplianceSummaries"),
)
def ssm_instances_patch_compliant(ctx: AwsApi) -> Iterator[Result]:
    """Running EC2 instances are managed by Systems Manager and patch compliant.

    Regional. moto does not implement DescribeInstanceInformation or
    ListResourceComplianceSummaries; tested with recorded responses. One result per running
    instance (resource: the instance ARN). It fails when the instance is not an SSM managed
    instance, when SSM has no patch compliance for it (never scanned), or when its patch
    compliance is NON_COMPLIANT (the missing/failed counts by severity are named). A managed
    instance whose agent is not Online is named in the message.
    Pass: Status COMPLIANT. Not applicable: instances that are not running get no result. Both
    listings are region-wide: a failed read is an `error` for the region.

    How to fix: Make the instance a managed node (SSM Agent and an instance profile with
        AmazonSSMManagedInstanceCore) and patch it with Patch Manager.
    Console: Systems Manager > Patch Manager > Patch now (and Fleet Manager for unmanaged instances)
    CLI: aws ssm send-command --document-name AWS-RunPatchBaseline --targets
        Key=InstanceIds,Values=<instance-id> --parameters Operation=Install
    Docs: https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager.html
    """
    running = running_instances(ctx)
    if not running:
        return  # nothing to judge: no SSM request is needed
    managed = {i["InstanceId"]: i for i in ctx.paginate(
        "ssm", "describe_instance_information", "InstanceInformationList")}
    compliance = {c["ResourceId"]: c for c in ctx.paginate(
        "ssm", "list_resource_compliance_summaries", "ResourceComplianceSummaryItems",
        Filters=PATCH) if c.get("ComplianceType") == "Patch"}
    for instance in running:
        iid = instance["InstanceId"]
        arn = instance_arn(ctx, instance)
        info = managed.get(iid)
        if info is None:
            yield Result.failed(arn, "the instance is not managed by Systems Manager")
            continue
        ping = info.get("PingStatus")
        agent = "" if ping == "Online" else f" (SSM agent {ping})"
        summary = compliance.get(iid)
        if summary is None:
            yield Result.failed(arn, f"Systems Manager has no patch compliance for the "
                                     f"instance{agent}")
            continue
        when = (summary.get("ExecutionSummary") or {}).get("ExecutionTime")
        scanned = f", scanned {when:%Y-%m-%d}" if hasattr(when, "strftime") else ""
        if summary.get("Status") == "COMPLIANT":
            yield Result.passed(arn, f"patch compliant{scanned}{agent}")
            continue
        counts = summary.get("NonCompliantSummary", {}).get("SeveritySummary") or {}
        detail = ", ".join(f"{k.removesuffix('Count').lower()} {v}"
                           for k, v in sorted(counts.items()) if v)
        yield Result.failed(arn, f"patch non-compliant{scanned}"
                                 + (f": non-compliant by severity {detail}" if detail else "")
                                 + agent)
