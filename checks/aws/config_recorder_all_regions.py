"""AWS Config: a configuration recorder records every resource type in every region."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_config_recorder_all_regions",
    criteria=("CC3.4", "CC7.1", "CC8.1"),
    permissions=("config:DescribeConfigurationRecorders",
                 "config:DescribeConfigurationRecorderStatus"),
)
def config_recorder_all_regions(
    ctx: AwsApi, *, global_resources_region: str = "us-east-1"
) -> Iterator[Result]:
    """AWS Config records all supported resource types in every region the run covers.

    Regional. One result per region (resource: the account ARN). Pass: a customer-managed
    recorder (no servicePrincipal) is recording (status recording=true), its last status is
    Success (compared case-insensitively: the model's RecorderStatus enum says "Success", the
    API answers "SUCCESS"), its recordingGroup has allSupported=true with no
    exclusionByResourceTypes and a recordingStrategy, if given, of
    ALL_SUPPORTED_RESOURCE_TYPES, and — in `global_resources_region` only, where global IAM
    types should be recorded once — includeGlobalResourceTypes=true. Fail: no recorder, or
    only service-linked recorders (AWSConfigurationRecorderFor…, which record only what their
    service needs), or a customer-managed recorder short of any of these (Pending status
    included: nothing delivered yet). Not applicable: never (every region is judged). The
    reads are region-wide: a failed read is an `error` for the region.

    How to fix: Turn on an AWS Config recorder for all supported resource types (including global
        ones in one region) with a delivery channel, in every region.
    Console: AWS Config > Settings > Recording strategy: All resource types
    CLI: aws configservice put-configuration-recorder --configuration-recorder
        name=default,roleARN=<role-arn> --recording-group
        allSupported=true,includeGlobalResourceTypes=true && aws configservice
        start-configuration-recorder --configuration-recorder-name default
    Docs: https://docs.aws.amazon.com/config/latest/developerguide/select-resources.html
    """
    every = ctx.call("config", "describe_configuration_recorders")["ConfigurationRecorders"]
    recorders = [r for r in every if not r.get("servicePrincipal")]
    if not recorders:
        linked = ", ".join(f"{r.get('name')} ({r.get('servicePrincipal')})" for r in every)
        yield Result.failed(ctx.account_arn, f"no AWS Config recorder in {ctx.region}" + (
            f" other than service-linked ones, which record only for their service: {linked}"
            if linked else ""))
        return
    statuses = {s.get("name"): s for s in ctx.call(
        "config", "describe_configuration_recorder_status")["ConfigurationRecordersStatus"]}
    problems: list[str] = []
    for recorder in recorders:
        problems += _problems(recorder, statuses.get(recorder.get("name")) or {},
                              ctx.region == global_resources_region)
    names = ", ".join(str(r.get("name")) for r in recorders)
    yield Result.of(
        ctx.account_arn,
        not problems,
        f"recorder {names} records all supported resource types in {ctx.region}",
        "; ".join(problems),
    )


def _problems(recorder: dict[str, Any], status: dict[str, Any], global_home: bool) -> list[str]:
    name = recorder.get("name")
    group = recorder.get("recordingGroup") or {}
    out = []
    if not status.get("recording"):
        out.append(f"recorder {name} is not recording")
    elif str(status.get("lastStatus", "")).upper() != "SUCCESS":
        out.append(f"recorder {name} last status is {status.get('lastStatus')}"
                   + (f" ({status['lastErrorCode']})" if status.get("lastErrorCode") else ""))
    excluded = (group.get("exclusionByResourceTypes") or {}).get("resourceTypes") or []
    strategy = (group.get("recordingStrategy") or {}).get("useOnly")
    if (not group.get("allSupported") or excluded
            or strategy not in (None, "ALL_SUPPORTED_RESOURCE_TYPES")):
        out.append(f"recorder {name} does not record all supported resource types"
                   + (f" (excludes {', '.join(excluded)})" if excluded else "")
                   + (f" (recording strategy {strategy})" if strategy
                      and strategy != "ALL_SUPPORTED_RESOURCE_TYPES" else ""))
    if global_home and not group.get("includeGlobalResourceTypes"):
        out.append(f"recorder {name} does not record global resource types (IAM) here")
    return out
