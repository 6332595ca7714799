"""CloudWatch: alarms on the CloudTrail log for security-relevant events (CIS 4.x)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from collector.cloud.api import AwsApi
from collector.cloud.base import CloudError
from collector.model import Result
from collector.plugin import check

EVENTS: dict[str, tuple[str, ...]] = {
    "unauthorized-api-calls": ("UnauthorizedOperation", "AccessDenied"),
    "root-account-usage": ("Root",),
    "iam-policy-changes": (
        "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy",
        "PutRolePolicy", "PutUserPolicy", "CreatePolicy", "DeletePolicy", "CreatePolicyVersion",
        "DeletePolicyVersion", "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy",
        "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy"),
    "cloudtrail-changes": ("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging",
                           "StopLogging"),
    "config-changes": ("StopConfigurationRecorder", "DeleteDeliveryChannel",
                       "PutDeliveryChannel", "PutConfigurationRecorder"),
    "security-group-changes": (
        "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
        "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "CreateSecurityGroup",
        "DeleteSecurityGroup"),
    "nacl-changes": ("CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl",
                     "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry",
                     "ReplaceNetworkAclAssociation"),
    "network-gateway-changes": ("CreateCustomerGateway", "DeleteCustomerGateway",
                                "AttachInternetGateway", "CreateInternetGateway",
                                "DeleteInternetGateway", "DetachInternetGateway"),
    "route-table-changes": ("CreateRoute", "CreateRouteTable", "ReplaceRoute",
                            "ReplaceRouteTableAssociation", "DeleteRouteTable", "DeleteRoute",
                            "DisassociateRouteTable"),
    "vpc-changes": ("CreateVpc", "DeleteVpc", "ModifyVpcAttribute",
                    "AcceptVpcPeeringConnection", "CreateVpcPeeringConnection",
                    "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection"),
}
"""Each monitored event class and the event names one metric filter must match (CIS AWS
Foundations 4.1-4.14, as Prowler checks them); root usage also needs userIdentity.type."""


@dataclass(frozen=True)
class Watched:
    """A metric filter on a CloudTrail log group with a working alarm on its metric."""

    pattern: str
    alarm: str


@check(
    id="aws_cloudwatch_security_event_alarms",
    criteria=("CC7.2", "CC7.3"),
    permissions=(
        "cloudtrail:DescribeTrails",
        "logs:DescribeMetricFilters",
        "cloudwatch:DescribeAlarms",
        "sns:ListSubscriptionsByTopic",
    ),
    scoping="global",
)
def cloudwatch_security_event_alarms(ctx: AwsApi) -> Iterator[Result]:
    """Security-relevant API activity raises a CloudWatch alarm that notifies someone.

    Once per account. The monitored log groups are those multi-region trails deliver to
    (CloudWatchLogsLogGroupArn); each is read in its own region. For each event class (unauthorized
    API calls, root usage, IAM policy, CloudTrail, Config, security group, NACL, network gateway,
    route table and VPC changes) there is one result, resource
    `arn:<partition>:cloudwatch:<region>:<account>:security-event-alarm/<class>`, in the region
    of the first monitored log group (or
    `arn:<partition>:cloudwatch::<account>:security-event-alarm/<class>` when no log group is
    monitored): it passes when a metric filter matching all of the class's event names feeds a
    metric alarm with actions enabled whose SNS topic has a confirmed subscription; it fails
    when none does. A filter must name every event of its class (a pattern matching only some
    of them does not count); a root-usage filter must test userIdentity.type. When a log
    group's filters, a region's alarms or a topic's subscriptions cannot be read, a class that
    no readable filter satisfies is an `error` (unknown), never a fail or a pass.
    Not applicable: never (every class is judged).

    How to fix: Create a metric filter on the CloudTrail log group for each security event pattern
        and an alarm that notifies an SNS topic with subscribers.
    Console: CloudWatch > Log groups > CloudTrail log group > Metric filters > Create; then Alarms >
        Create alarm
    CLI: aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name <name>
        --filter-pattern '<pattern>' --metric-transformations
        metricName=<m>,metricNamespace=CISBenchmark,metricValue=1 && aws cloudwatch put-metric-alarm
        --alarm-name <name> --metric-name <m> --namespace CISBenchmark --statistic Sum --period 300
        --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1
        --alarm-actions <sns-topic-arn>
    Docs: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html
    """
    trails = ctx.call("cloudtrail", "describe_trails")["trailList"]
    groups = sorted({t["CloudWatchLogsLogGroupArn"] for t in trails
                     if t.get("IsMultiRegionTrail") and t.get("CloudWatchLogsLogGroupArn")})
    if not groups:
        for name in EVENTS:
            yield Result.failed(ctx.arn("cloudwatch", f"security-event-alarm/{name}",
                                        regional=False),
                                "no multi-region trail delivers to CloudWatch Logs")
        return
    watched: list[Watched] = []
    unread: list[CloudError] = []
    for group in groups:
        watched.extend(_watched(ctx.in_region(group.split(":")[3]), group.split(":")[6],
                                unread))
    first = ctx.in_region(groups[0].split(":")[3])  # results named in the first group's region
    for name, events in EVENTS.items():
        arn = first.arn("cloudwatch", f"security-event-alarm/{name}")
        hits = [w.alarm for w in watched if _matches(w.pattern, name, events)]
        missing = (f"no metric filter on the CloudTrail log group(s) {', '.join(groups)} with "
                   f"a notifying alarm matches {name}")
        if not hits and unread:
            why = "; ".join(sorted({f"{e.code} ({e.operation})" for e in unread}))
            yield Result.error(arn, f"{missing} among those readable; not read: {why}",
                               unread[0].code)
            continue
        yield Result.of(arn, bool(hits), f"alarm(s) with a notified subscriber: {', '.join(hits)}",
                        missing)


def _watched(ctx: AwsApi, group: str, unread: list[CloudError]) -> list[Watched]:
    """The group's filters that feed a notifying alarm; failed reads are added to `unread`."""
    try:
        filters = ctx.paginate("logs", "describe_metric_filters", "metricFilters",
                               logGroupName=group)
        alarms = ctx.paginate("cloudwatch", "describe_alarms", "MetricAlarms")
    except CloudError as exc:
        unread.append(exc)
        return []
    out = []
    for f in filters:
        metrics = {(m.get("metricNamespace"), m.get("metricName"))
                   for m in f.get("metricTransformations") or []}
        for alarm in alarms:
            if (alarm.get("Namespace"), alarm.get("MetricName")) in metrics \
                    and _notifies(ctx, alarm, unread):
                out.append(Watched(str(f.get("filterPattern", "")), alarm["AlarmName"]))
    return out


def _notifies(ctx: AwsApi, alarm: dict[str, Any], unread: list[CloudError]) -> bool:
    if not alarm.get("ActionsEnabled", True):
        return False
    for action in alarm.get("AlarmActions") or []:
        if not str(action).startswith("arn:") or ":sns:" not in action:
            continue
        topic_region = str(action).split(":")[3]
        try:
            subs = ctx.in_region(topic_region).paginate(
                "sns", "list_subscriptions_by_topic", "Subscriptions", TopicArn=action)
        except CloudError as exc:
            unread.append(exc)
            continue
        if any(s.get("SubscriptionArn", "").startswith("arn:") for s in subs):
            return True
    return False


def _matches(pattern: str, name: str, events: tuple[str, ...]) -> bool:
    if name == "root-account-usage" and "userIdentity.type" not in pattern:
        return False
    return all(re.search(rf"\b{re.escape(e)}\b", pattern) for e in events)
