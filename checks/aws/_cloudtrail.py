"""Shared by the CloudTrail checks: the trails homed in the context's region."""

from __future__ import annotations

from typing import Any

from collector.cloud.aws import AwsContext


def trails_homed_here(ctx: AwsContext) -> list[dict[str, Any]]:
    """Trails whose home region is the context's region (a multi-region trail is judged once,
    in its home region; DescribeTrails without shadow trails, as the other trail checks)."""
    body = ctx.call("cloudtrail", "describe_trails", includeShadowTrails=False)
    return [t for t in body["trailList"] if t.get("HomeRegion", ctx.region) == ctx.region]
