"""Shared by the GCP checks: reading Cloud Asset JSON and building per-project results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from collector.cloud.api import GcpApi
from collector.model import Result, Status
from storage.timestamps import timestamp_or_none

LIST_RESOURCE = "cloudasset.assets.listResource"
LIST_IAM_POLICY = "cloudasset.assets.listIamPolicy"
LIST_ORG_POLICY = "cloudasset.assets.listOrgPolicy"
PROJECT = "cloudresourcemanager.googleapis.com/Project"
FOLDER = "cloudresourcemanager.googleapis.com/Folder"
ORGANIZATION = "cloudresourcemanager.googleapis.com/Organization"
NODES = (ORGANIZATION, FOLDER, PROJECT)
"""The resource hierarchy: policies set on these are inherited by everything below."""


def data(asset: Mapping[str, Any]) -> Mapping[str, Any]:
    """`resource.data` of an asset (empty when the content type carries none)."""
    value = (asset.get("resource") or {}).get("data") or {}
    return value if isinstance(value, Mapping) else {}


def verdict(ctx: GcpApi, asset: Mapping[str, Any], ok: bool, passed: str,
            failed: str) -> Result:
    """Pass/fail about one asset, attributed to its project (or org/folder)."""
    return Result(str(asset["name"]), Status.PASS if ok else Status.FAIL,
                  passed if ok else failed, scope=ctx.scope_of(asset))


def is_primary_sql(asset: Mapping[str, Any]) -> bool:
    """A Cloud SQL instance Cloud SQL itself runs as a primary (sqladmin.v1beta4
    DatabaseInstance.instanceType CLOUD_SQL_INSTANCE, or unset): read replicas, read pools,
    on-premises source representations and blue/green targets are not judged."""
    return data(asset).get("instanceType", "CLOUD_SQL_INSTANCE") == "CLOUD_SQL_INSTANCE"


def node_of(asset: Mapping[str, Any]) -> str:
    """The nearest hierarchy node of an asset (`projects/N`, `folders/N`, `organizations/N`)."""
    ancestors = asset.get("ancestors") or []
    return str(ancestors[0]) if ancestors else ""


def lineage(asset: Mapping[str, Any]) -> list[str]:
    """The asset's node and every ancestor, nearest first."""
    return [str(a) for a in asset.get("ancestors") or []]


def by_node(assets: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """Assets grouped by the hierarchy node they belong to."""
    out: dict[str, list[Mapping[str, Any]]] = {}
    for asset in assets:
        out.setdefault(node_of(asset), []).append(asset)
    return out


def as_int(value: object) -> int | None:
    """An int64 from Cloud Asset JSON: a string, or a float once inside `resource.data`."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(float(value)) if isinstance(value, str | int | float) else None
    except ValueError:
        return None


def as_bool(value: object) -> bool:
    """True for JSON true and for the strings TRUE/true (metadata values are strings)."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def duration_seconds(value: object) -> float | None:
    """A protobuf Duration in JSON (`"7776000s"`) as seconds."""
    if isinstance(value, str) and value.endswith("s"):
        try:
            return float(value[:-1])
        except ValueError:
            return None
    return float(value) if isinstance(value, int | float) else None


def parse_time(value: object) -> datetime | None:
    """An RFC 3339 timestamp (`2026-01-05T10:00:00Z`, with or without fractions)."""
    return timestamp_or_none(value) if isinstance(value, str) else None


def metadata_value(metadata: object, key: str) -> str | None:
    """The value of one Compute Engine metadata item, or None when unset."""
    items = metadata.get("items") if isinstance(metadata, Mapping) else None
    for item in items or []:
        if isinstance(item, Mapping) and item.get("key") == key:
            return str(item.get("value", ""))
    return None


def enabled_services(ctx: GcpApi) -> dict[str, set[str]]:
    """Project node (`projects/N`) -> the APIs enabled in it (Service Usage assets whose
    `state` is ENABLED; serviceusage.v1 Service.state: a service without a state is unknown,
    not enabled)."""
    out: dict[str, set[str]] = {}
    for svc in ctx.assets("serviceusage.googleapis.com/Service"):
        d = data(svc)
        if d.get("state") != "ENABLED":
            continue
        name = str((d.get("config") or {}).get("name") or str(d.get("name", "")).split("/")[-1])
        out.setdefault(node_of(svc), set()).add(name)
    return out
