"""Shared by the RDS checks: instances and clusters of one region (memoised listings)."""

from __future__ import annotations

from typing import Any

from collector.cloud.api import AwsApi

PERMISSIONS = ("rds:DescribeDBInstances", "rds:DescribeDBClusters")


def instances(ctx: AwsApi) -> list[dict[str, Any]]:
    """Every DB instance in the region (Aurora and Multi-AZ cluster members included)."""
    return list(ctx.paginate("rds", "describe_db_instances", "DBInstances"))


def standalone_instances(ctx: AwsApi) -> list[dict[str, Any]]:
    """DB instances that are not members of a DB cluster (members are judged via the cluster)."""
    return [i for i in instances(ctx) if not i.get("DBClusterIdentifier")]


def clusters(ctx: AwsApi) -> list[dict[str, Any]]:
    """Every DB cluster in the region (Aurora, Multi-AZ DB clusters; also DocumentDB/Neptune,
    which the RDS API lists too)."""
    return list(ctx.paginate("rds", "describe_db_clusters", "DBClusters"))


def tag_map(resource: dict[str, Any]) -> dict[str, str]:
    return {t.get("Key", ""): t.get("Value", "") for t in resource.get("TagList") or []}
