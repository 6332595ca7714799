"""CloudTrail: at least one multi-region trail records all management events."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from collector.cloud.api import AwsApi
from collector.cloud.base import CloudError
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_cloudtrail_multi_region_enabled",
    criteria=("CC2.1", "CC7.2"),
    permissions=(
        "cloudtrail:DescribeTrails",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:GetEventSelectors",
    ),
    scoping="global",
)
def cloudtrail_multi_region_enabled(ctx: AwsApi) -> Iterator[Result]:
    """A multi-region CloudTrail trail is logging all read and write management events.

    One result for the account (resource: the account ARN), naming the trail(s) that qualify:
    IsMultiRegionTrail, IsLogging (GetTrailStatus by ARN), and event selectors that record
    management events with ReadWriteType All — a classic selector with IncludeManagementEvents
    and ReadWriteType All, or advanced selectors on eventCategory Management whose readOnly
    filters (if any) together cover both values. A trail with no selectors at all has
    CloudTrail's documented default (all read and write management events; moto returns no
    selectors for it). Excluded event sources are reported, not judged.

    Trails are listed from the collector's home region (which shows every multi-region trail);
    each trail's status and selectors are read in the trail's own home region, where CloudTrail
    answers for it. Organization trails may not be readable from member accounts: such a trail
    is named as unreadable, and the result is an error only if no readable trail qualifies.
    Pass: at least one trail qualifies. Fail: no trail, or none qualifies (each trail's
    shortfall is named). Not applicable: never. When a trail cannot be read and no readable
    trail qualifies, the result is an `error` (unknown), never a fail.

    How to fix: Create (or convert to) a multi-region trail that logs all read and write management
        events, and start logging.
    Console: CloudTrail > Trails > Create trail (apply to all regions; management events: Read and
        Write)
    CLI: aws cloudtrail update-trail --name <trail> --is-multi-region-trail && aws cloudtrail
        start-logging --name <trail>
    Terraform:
        resource "aws_cloudtrail" "main" {
          is_multi_region_trail = true
          enable_logging        = true
        }
    Docs: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-and-update-a-trail.html
    """
    trails = [t for t in ctx.call("cloudtrail", "describe_trails")["trailList"]
              if t.get("IsMultiRegionTrail")]
    if not trails:
        yield Result.failed(ctx.account_arn, "the account has no multi-region trail")
        return
    good: list[str] = []
    seen: list[str] = []
    unread: list[CloudError] = []
    for trail in trails:
        arn = trail["TrailARN"]
        label = f"{trail.get('Name', arn)} (home region {trail.get('HomeRegion', '?')})"
        home = ctx.in_region(trail["HomeRegion"]) if trail.get("HomeRegion") else ctx
        try:
            if not home.call("cloudtrail", "get_trail_status", Name=arn).get("IsLogging"):
                seen.append(f"{label} is not logging")
                continue
            selectors = home.call("cloudtrail", "get_event_selectors", TrailName=arn)
        except CloudError as exc:
            unread.append(exc)
            seen.append(f"{label} could not be read ({exc.code})")
            continue
        gap = _management_gap(selectors)
        if gap:
            seen.append(f"{label} {gap}")
        else:
            good.append(f"{arn}{_exclusions(selectors)}")
    if good:
        yield Result.passed(ctx.account_arn, "multi-region trail(s) logging all read and write "
                                             "management events: " + ", ".join(good))
    elif unread:
        yield Result.error(ctx.account_arn, "no readable multi-region trail logs all read and "
                                            "write management events: " + "; ".join(seen),
                           unread[0].code)
    else:
        yield Result.failed(ctx.account_arn, "no multi-region trail logs all read and write "
                                             "management events: " + "; ".join(seen))


def _management_gap(body: Mapping[str, Any]) -> str:
    """Empty if the selectors record all read and write management events, else what's seen."""
    classic = body.get("EventSelectors") or []
    advanced = body.get("AdvancedEventSelectors") or []
    if not classic and not advanced:
        return ""  # no selectors: CloudTrail's default, all read and write management events
    if classic:
        mgmt = [s.get("ReadWriteType", "All") for s in classic
                if s.get("IncludeManagementEvents", True)]
        if not mgmt:
            return "records no management events"
        if "All" in mgmt or {"ReadOnly", "WriteOnly"} <= set(mgmt):
            return ""
        return f"records {'/'.join(sorted(set(mgmt)))} management events only"
    covered: set[str] = set()
    management = False
    for selector in advanced:
        fields = {f.get("Field"): f for f in selector.get("FieldSelectors", [])}
        if "Management" not in (fields.get("eventCategory") or {}).get("Equals", []):
            continue
        management = True
        read_only = fields.get("readOnly")
        covered |= {"true", "false"} if read_only is None else {
            str(v).lower() for v in read_only.get("Equals", [])}
    if not management:
        return "records no management events"
    if covered >= {"true", "false"}:
        return ""
    return f"records only management events with readOnly={'/'.join(sorted(covered))}"


def _exclusions(body: Mapping[str, Any]) -> str:
    excluded = sorted({src for s in body.get("EventSelectors") or []
                       for src in s.get("ExcludeManagementEventSources") or []})
    return f" (excluding {', '.join(excluded)})" if excluded else ""
