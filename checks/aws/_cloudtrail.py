"""Shared by the per-trail CloudTrail checks: every trail of the account, judged once, in its
home region.

DescribeTrails in a region lists the trails homed there and, as shadow trails, every
multi-region trail homed elsewhere (the `includeShadowTrails` default). Listing it in each
region the run covers and keeping each TrailARN once therefore finds every trail that logs
anything in those regions, including a multi-region trail homed in a region the run does not
cover. Each trail is judged once per account; its own reads (GetTrailStatus…) go to its
HomeRegion, where CloudTrail answers for it, and its results carry that region.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any

from collector.cloud.api import AwsApi
from collector.cloud.base import CloudError, resource_error
from collector.model import Result
from collector.plugin import each

Judge = Callable[[AwsApi, dict[str, Any]], Iterable[Result]]


def judge_trails(ctx: AwsApi, judge: Judge) -> Iterator[Result]:
    """`judge(home, trail)` for every trail of the account, once each, `home` being the
    context of the trail's home region. A region whose DescribeTrails fails gives one error
    (resource: the account ARN, region: that region); the other regions' trails are judged. A
    trail whose own read fails in `judge` is an `error` for that trail only."""
    trails: dict[str, dict[str, Any]] = {}
    for region in ctx.regions:
        try:
            listed = ctx.in_region(region).call("cloudtrail", "describe_trails")["trailList"]
        except CloudError as exc:
            yield replace(resource_error(ctx.account_arn, exc), region=region)
            continue
        for trail in listed:
            trail.setdefault("HomeRegion", region)
            trails.setdefault(trail["TrailARN"], trail)
    for arn in sorted(trails):
        trail = trails[arn]
        for result in each([trail], resource=lambda t: t["TrailARN"],
                           judge=lambda t: judge(ctx.in_region(t["HomeRegion"]), t)):
            yield replace(result, region=trail["HomeRegion"])
