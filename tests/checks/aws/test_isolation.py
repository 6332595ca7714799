"""Issue 13: for EVERY AWS check, a read that fails for one resource costs only that resource.

An estate is built in moto with at least two resources behind each per-resource read, every
AWS check is run over it once live (its requests and responses recorded through a MemorySink),
and the recording is replayed. A check's per-resource reads are found generically: the
operations it called with two or more distinct parameter sets. For each such read, one
resource's request is answered AccessDenied (`Recording.failing`) and the results are compared
with the undisturbed replay: that resource has exactly one `error` row (its ARN, the code, the
operation), every other resource keeps its verdict, and nothing vanishes. Checks moto cannot
serve are replayed over their own recorded estates (tests/checks/aws/recordings/<check>/).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

import checks.aws
from collector.cloud.base import GLOBAL, CallLog, CloudError, resource_error
from collector.cloud.replay import AwsReplayContext, NotRecorded, Recording, Request
from collector.demo.estate import MOTO_UNSERVED, build_aws_estate
from collector.demo.motoserver import MotoServer
from collector.model import Result, Status
from collector.plugin import Check, checks_in
from tests.conftest import Moto
from tests.support.memory_sink import MemorySink

REGIONS = ["us-east-1", "eu-west-1"]
RECORDINGS = Path(__file__).parent / "recordings"
AWS_CHECKS = sorted((c for c in checks_in(checks.aws) if c.provider == "aws"), key=lambda c: c.id)
"""Every built-in AWS check, as the registry loads them (checks_in over the package the
`evidence.checks` entry point names; the other providers' modules are not imported)."""

NO_PER_RESOURCE = {
    "aws_cloudtrail_kms_encryption": "judges DescribeTrails fields only",
    "aws_cloudtrail_log_file_validation": "judges DescribeTrails fields only",
    "aws_cloudwatch_log_group_retention": "judges DescribeLogGroups fields only",
    "aws_config_recorder_all_regions": "one recorder per region; region-wide reads",
    "aws_ebs_volume_encrypted": "judges DescribeVolumes fields, plus one account setting",
    "aws_ec2_instance_no_public_ip": "judges DescribeInstances fields only",
    "aws_ec2_sg_no_admin_ports_from_internet": "judges DescribeSecurityGroups fields only",
    "aws_guardduty_enabled": "one detector per account and region (GuardDuty allows one)",
    "aws_guardduty_high_findings_resolved": "one detector per region, findings read in "
    "batches of 50: a denied batch is an error for each of its findings (test_guardduty_high_"
    "findings_resolved.py::test_a_failed_batch_costs_only_its_findings)",
    "aws_iam_no_full_admin_policies": "one paginated GetAccountAuthorizationDetails",
    "aws_iam_password_policy_strong": "one account setting",
    "aws_iam_root_mfa_enabled": "account summary (and one virtual-device list)",
    "aws_iam_root_no_access_keys": "account summary",
    "aws_iam_root_not_used_recently": "the credential report (one request)",
    "aws_iam_unused_credentials_disabled": "the credential report (one request)",
    "aws_iam_user_console_mfa": "the credential report (one request)",
    "aws_rds_automated_backups_retention": "judges DescribeDBInstances/Clusters fields",
    "aws_rds_multi_az": "judges DescribeDBInstances/Clusters fields",
    "aws_rds_not_publicly_accessible": "judges DescribeDBInstances fields",
    "aws_rds_storage_encrypted": "judges DescribeDBInstances/Clusters fields",
    "aws_securityhub_enabled": "one hub per region; region-wide reads",
    "aws_ssm_instances_patch_compliant": "two region-wide listings joined by instance id",
    "aws_vpc_flow_logs_enabled": "one DescribeFlowLogs joined to DescribeVpcs",
}
"""Checks whose reads are not per resource, with the reason (a check listed here that starts
reading per resource fails the test)."""

AGGREGATE = {
    "aws_cloudtrail_multi_region_enabled": "one account result over every multi-region trail",
    "aws_cloudwatch_security_event_alarms": "one result per event class over every log group, "
    "alarm and topic",
}
"""Checks whose results aggregate over resources: a denied read may turn results it could
decide into `error` (unknown), never into another verdict, and nothing vanishes."""

NOT_IN_ESTATE: dict[str, str] = {}
"""Checks that read per resource but whose estate does not exercise it yet (a known gap)."""

CHILDREN = {
    "aws_elb_tls_listeners": lambda parent, child: child.replace(
        ":listener/", ":loadbalancer/", 1).startswith(parent + "/"),
}
"""Checks whose results are per child of a listed resource (ELB listeners of a load balancer):
when the parent's listing of its children is denied, the parent has the `error` and its
children cannot be named, so they are unknown for the run (issue 13, What to build 2); every
other resource still keeps its verdict."""

EXERCISED = {
    "aws_elb_tls_listeners": {("elbv2", "describe_listeners"), ("elbv2", "describe_ssl_policies"),
                              ("elbv2", "describe_rules")},
}
"""Per-resource reads an estate must exercise (each is denied in turn for one resource)."""

@dataclass(frozen=True)
class Estate:
    """A recording to replay a check over, and the account's regions."""

    name: str
    recording: Recording
    labels: tuple[str, ...]


def _extras(endpoint: str) -> None:
    """What build_aws_estate lacks: a second resource behind every per-resource read."""
    def client(service: str, region: str = "us-east-1") -> object:
        return boto3.client(service, region_name=region, endpoint_url=endpoint)

    ddb = client("dynamodb")
    for name in ("orders", "invoices"):
        ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",  # type: ignore
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    ddb.update_continuous_backups(  # type: ignore
        TableName="orders", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    acm = client("acm")
    for domain in ("shop.example.com", "api.example.com"):
        acm.request_certificate(DomainName=domain)  # type: ignore
    ec2 = client("ec2")
    for volume in ec2.describe_volumes()["Volumes"]:  # type: ignore
        ec2.create_snapshot(VolumeId=volume["VolumeId"])  # type: ignore
    _load_balancers(client, acm.list_certificates()[  # type: ignore
        "CertificateSummaryList"][0]["CertificateArn"])
    logs = client("logs")
    trails = client("cloudtrail")
    for trail in ("org-trail", "debug-trail"):
        logs.create_log_group(logGroupName=f"ct-{trail}")  # type: ignore
        trails.update_trail(  # type: ignore
            Name=trail, CloudWatchLogsLogGroupArn=(
                f"arn:aws:logs:us-east-1:123456789012:log-group:ct-{trail}:*"),
            CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/ct")


def _load_balancers(client: Any, certificate: str) -> None:
    """Two internet-facing ALBs, each with an HTTPS listener (distinct security policies, one
    allowing TLS 1.0) and an HTTP listener redirecting to HTTPS (one with a forwarding rule):
    per load balancer DescribeListeners, per policy DescribeSSLPolicies, per HTTP listener
    DescribeRules."""
    ec2, elbv2 = client("ec2"), client("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{n}.0/24",
                                 AvailabilityZone=f"us-east-1{az}")["Subnet"]["SubnetId"]
               for n, az in ((1, "a"), (2, "b"))]
    group = elbv2.create_target_group(Name="web", Protocol="HTTP", Port=80,
                                      VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
    forward = [{"Type": "forward", "TargetGroupArn": group}]
    redirect = [{"Type": "redirect", "RedirectConfig": {
        "Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]
    for name, policy in (("shop", "ELBSecurityPolicy-TLS13-1-2-2021-06"),
                         ("legacy", "ELBSecurityPolicy-2016-08")):
        lb = elbv2.create_load_balancer(Name=name, Subnets=subnets, Scheme="internet-facing")[
            "LoadBalancers"][0]["LoadBalancerArn"]
        elbv2.create_listener(LoadBalancerArn=lb, Protocol="HTTPS", Port=443, SslPolicy=policy,
                              Certificates=[{"CertificateArn": certificate}],
                              DefaultActions=forward)
        http = elbv2.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                                     DefaultActions=redirect)["Listeners"][0]["ListenerArn"]
        if name == "legacy":
            elbv2.create_rule(ListenerArn=http, Priority=10, Actions=forward, Conditions=[
                {"Field": "path-pattern", "Values": ["/api/*"]}])


def _label(check: Check) -> list[str]:
    return [GLOBAL] if check.scoping == "global" else REGIONS


def _record(server: MotoServer) -> Recording:
    """Build the estate, run every moto-served AWS check over it live, keep every answer."""
    server.reset()
    build_aws_estate(server.endpoint)
    _extras(server.endpoint)
    sink = MemorySink()
    account = Moto(server).account(sink)
    account.regions = list(REGIONS)
    for check in AWS_CHECKS:
        if check.id in MOTO_UNSERVED:
            continue
        for label in _label(check):
            list(check.run(account.context(label, CallLog())))
    recording = Recording(account.account_id)
    for record in sink.calls.values():
        blob = sink.blobs.get(record.response_sha256 or "")
        recording.add_stored(record, json.loads(blob) if blob is not None else None)
    return recording


@pytest.fixture(scope="module")
def moto_estate(moto_server: MotoServer) -> Iterator[Recording]:
    yield _record(moto_server)
    moto_server.reset()


def _estates(check: Check, moto_estate: Recording) -> list[Estate]:
    if check.id not in MOTO_UNSERVED:
        return [Estate("moto", moto_estate, tuple(_label(check)))]
    folder = RECORDINGS / check.id.removeprefix("aws_")
    return [Estate(f.stem, Recording.load(f), _recorded_label(check, f))
            for f in sorted(folder.glob("*.json"))]


def _recorded_label(check: Check, file: Path) -> tuple[str, ...]:
    if check.scoping == "global":
        return (GLOBAL,)
    regions = {c.get("region") for c in json.loads(file.read_text())["calls"]} - {None, "*"}
    return (sorted(regions)[0],) if regions else ("us-east-1",)


def _run(check: Check, recording: Recording, labels: tuple[str, ...]) -> tuple[
        dict[tuple[str, str], Result], list[Request]]:
    """Results keyed by (label, resource id) and the requests made, over every label."""
    results: dict[tuple[str, str], Result] = {}
    requests: list[Request] = []
    for label in labels:
        ctx = AwsReplayContext(recording, label, regions=REGIONS, requests=requests)
        try:
            for result in check.run(ctx):
                key = (label, result.resource_id)
                assert key not in results, f"{check.id}: two results for {key}"
                results[key] = result
        except NotRecorded:
            raise
        except CloudError as exc:  # as the runner does: one error for the check's scope
            results[(label, ctx.account_arn)] = resource_error(ctx.account_arn, exc)
    return results, requests


def _per_resource(requests: list[Request]) -> dict[tuple[str, str], list[Request]]:
    """Operations called with two or more distinct parameter sets (in one region label)."""
    found: dict[tuple[str, str, str], dict[bytes, Request]] = {}
    for r in requests:
        found.setdefault((r.service, r.operation, r.region), {})[r.params] = r
    out: dict[tuple[str, str], list[Request]] = {}
    for (service, operation, _), by_params in found.items():
        if len(by_params) >= 2:
            out.setdefault((service, operation), []).extend(by_params.values())
    return out


def _names(resource_id: str, request: Request) -> bool:
    """The error's resource is the one the denied request was about."""
    values = [v for v in _strings(request.parameters) if len(v) > 3]
    return any(v in resource_id for v in values)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


@pytest.mark.parametrize("check", AWS_CHECKS, ids=lambda c: c.id)
def test_one_denied_read_costs_only_its_resource(check: Check, moto_estate: Recording) -> None:
    reads: dict[tuple[str, str], list[Request]] = {}
    for estate in _estates(check, moto_estate):
        try:
            baseline, requests = _run(check, estate.recording, estate.labels)
        except NotRecorded:
            continue  # a recording made for other parameters (e.g. empty resource_types)
        per_resource = _per_resource(requests)
        for key, denied in per_resource.items():
            reads.setdefault(key, []).extend(denied)
        for request in (r for rs in per_resource.values() for r in rs):
            _assert_isolated(check, estate, baseline, request)
    assert EXERCISED.get(check.id, set()) <= set(reads), f"{check.id}: {sorted(reads)}"
    if check.id in NOT_IN_ESTATE or check.id in AGGREGATE:
        return  # (aggregates: denied reads, when the estate has them, are checked above)
    if check.id in NO_PER_RESOURCE:
        assert not reads, (f"{check.id} now reads per resource ({sorted(reads)}): remove it "
                           "from NO_PER_RESOURCE and give it an estate with two resources")
    else:
        assert reads, (f"{check.id} made no per-resource read over its estates: give it two "
                       "resources, or name it in NO_PER_RESOURCE with the reason")


def _assert_isolated(check: Check, estate: Estate, baseline: dict[tuple[str, str], Result],
                     request: Request) -> None:
    where = f"{check.id} over {estate.name}, {request.service}:{request.operation} " \
            f"{request.parameters} denied"
    denied, _ = _run(check, estate.recording.failing(
        request.service, request.operation, request.parameters, region=request.region),
        estate.labels)
    operation = f"{request.service}:{request.operation}"
    errors = {k: r for k, r in denied.items() if r.status is Status.ERROR
              and r.error_code == "AccessDenied" and baseline.get(k) != r}
    assert errors, f"{where}: no resource got an AccessDenied error"
    assert all(operation in r.message for r in errors.values()), where
    child = CHILDREN.get(check.id)
    vanished = {k for k in set(baseline) - set(denied) if not (child and any(
        k[0] == e[0] and child(e[1], k[1]) for e in errors))}
    assert not vanished, f"{where}: {sorted(vanished)} vanished"
    if check.id in AGGREGATE:
        changed = {k for k in denied if baseline.get(k) != denied[k]}
        assert changed == set(errors) and set(denied) == set(baseline), where
        return
    assert len(errors) == 1 or _account_wide(errors), f"{where}: {sorted(errors)}"
    label, resource = next(k for k in errors if not k[1].endswith(":root"))
    assert (label, resource) in baseline or _names(resource, request), \
        f"{where}: the error is on {resource}, which the request was not about"
    for key, before in baseline.items():
        if key == (label, resource) or key not in denied:  # (a child of the denied resource)
            continue
        after = denied[key]
        account_wide = key[1].endswith(":root") and (
            after.status == before.status or after in errors.values())
        assert after == before or account_wide, f"{where}: {key} changed from {before} to {after}"
    assert set(denied) - set(baseline) <= {(label, resource)}, where


def _account_wide(errors: dict[tuple[str, str], Result]) -> bool:
    """One resource's error, plus the account-wide verdict that depended on it (unknown)."""
    return len(errors) == 2 and sum(k[1].endswith(":root") for k in errors) == 1
