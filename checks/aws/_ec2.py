"""Shared by the EC2 checks: the region's instances (one memoised DescribeInstances)."""

from __future__ import annotations

from typing import Any

from collector.cloud.api import AwsApi


def running_instances(ctx: AwsApi) -> list[dict[str, Any]]:
    """Instances in state `running` (stopped ones hold no public IP and run no patches)."""
    return [i for r in ctx.paginate("ec2", "describe_instances", "Reservations")
            for i in r.get("Instances") or []
            if (i.get("State") or {}).get("Name") == "running"]


def instance_arn(ctx: AwsApi, instance: dict[str, Any]) -> str:
    return ctx.arn("ec2", f"instance/{instance['InstanceId']}")
