"""Validating Cloud Asset fixtures against Google's own discovery documents.

Every asset the GCP fake serves is checked twice: the asset itself against Cloud Asset's
`Asset` schema (cloudasset.v1: `name`, `assetType`, `ancestors`, `iamPolicy`, `orgPolicy`…), and
its `resource.data` against the schema of its service's REST resource (compute.v1 `Firewall`,
sqladmin.v1beta4 `DatabaseInstance`, storage.v1 `Bucket`…). A field the document does not define,
a wrong JSON type (an int64 must be a string, an int32 a number), or a value outside an enum is
an error. The documents ship with google-api-python-client (the `test` extra).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import googleapiclient

DOCUMENTS = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"

SCHEMAS: dict[str, tuple[str, str]] = {
    "cloudresourcemanager.googleapis.com/Organization": ("cloudresourcemanager.v1",
                                                         "Organization"),
    "cloudresourcemanager.googleapis.com/Folder": ("cloudresourcemanager.v2", "Folder"),
    "cloudresourcemanager.googleapis.com/Project": ("cloudresourcemanager.v1", "Project"),
    "iam.googleapis.com/ServiceAccount": ("iam.v1", "ServiceAccount"),
    "iam.googleapis.com/ServiceAccountKey": ("iam.v1", "ServiceAccountKey"),
    "logging.googleapis.com/LogSink": ("logging.v2", "LogSink"),
    "logging.googleapis.com/LogBucket": ("logging.v2", "LogBucket"),
    "logging.googleapis.com/LogMetric": ("logging.v2", "LogMetric"),
    "storage.googleapis.com/Bucket": ("storage.v1", "Bucket"),
    "cloudkms.googleapis.com/CryptoKey": ("cloudkms.v1", "CryptoKey"),
    "bigquery.googleapis.com/Dataset": ("bigquery.v2", "Dataset"),
    "sqladmin.googleapis.com/Instance": ("sqladmin.v1beta4", "DatabaseInstance"),
    "compute.googleapis.com/Firewall": ("compute.v1", "Firewall"),
    "compute.googleapis.com/Instance": ("compute.v1", "Instance"),
    "compute.googleapis.com/InstanceGroupManager": ("compute.v1", "InstanceGroupManager"),
    "compute.googleapis.com/Subnetwork": ("compute.v1", "Subnetwork"),
    "compute.googleapis.com/Project": ("compute.v1", "Project"),
    "monitoring.googleapis.com/AlertPolicy": ("monitoring.v3", "AlertPolicy"),
    "serviceusage.googleapis.com/Service": ("serviceusage.v1", "GoogleApiServiceusageV1Service"),
    "essentialcontacts.googleapis.com/Contact": ("essentialcontacts.v1",
                                                 "GoogleCloudEssentialcontactsV1Contact"),
    "artifactregistry.googleapis.com/Repository": ("artifactregistry.v1", "Repository"),
    "run.googleapis.com/Service": ("run.v2", "GoogleCloudRunV2Service"),
    "cloudfunctions.googleapis.com/CloudFunction": ("cloudfunctions.v1", "CloudFunction"),
}
"""Asset type -> (discovery document, schema) of its `resource.data`."""

UNDOCUMENTED = {
    "securitycentermanagement.googleapis.com/SecurityCenterService":
        "securitycentermanagement.v1 is not among the discovery documents google-api-python-client "
        "ships; its fields (name, intendedEnablementState, effectiveEnablementState) follow "
        "the REST reference of projects.locations.securityCenterServices",
}
"""Asset types whose `resource.data` cannot be validated here, and why."""


@cache
def document(name: str) -> dict[str, Any]:
    """One discovery document (`compute.v1`), parsed."""
    parsed: dict[str, Any] = json.loads((DOCUMENTS / f"{name}.json").read_text())
    return parsed


def problems(asset: Mapping[str, Any]) -> list[str]:
    """What in one asset (Cloud Asset REST JSON) the discovery documents do not allow."""
    where = str(asset.get("name", "?"))
    found = _check(asset, {"$ref": "Asset"}, "cloudasset.v1", where)
    data = (asset.get("resource") or {}).get("data")
    kind = str(asset.get("assetType", ""))
    if data is not None and kind not in UNDOCUMENTED:
        if kind not in SCHEMAS:
            return [*found, f"{where}: no discovery schema is mapped for {kind}"]
        doc, schema = SCHEMAS[kind]
        found += _check(data, {"$ref": schema}, doc, f"{where} resource.data")
    return found


def _check(value: Any, schema: Mapping[str, Any], doc: str, path: str) -> list[str]:
    if "$ref" in schema:
        schema = document(doc)["schemas"][schema["$ref"]]
    kind = schema.get("type")
    if kind == "any" or value is None:
        return []
    if kind == "object":
        return _object(value, schema, doc, path)
    if kind == "array":
        if not isinstance(value, list):
            return [f"{path}: expected a JSON array, got {type(value).__name__}"]
        return [p for i, v in enumerate(value) for p in _check(v, schema["items"], doc,
                                                                 f"{path}[{i}]")]
    return _scalar(value, schema, path)


def _object(value: Any, schema: Mapping[str, Any], doc: str, path: str) -> list[str]:
    if not isinstance(value, Mapping):
        return [f"{path}: expected a JSON object, got {type(value).__name__}"]
    props = schema.get("properties")
    extra = schema.get("additionalProperties")
    out: list[str] = []
    for key, item in value.items():
        if props is not None and key in props:
            out += _check(item, props[key], doc, f"{path}.{key}")
        elif extra is not None:
            out += _check(item, extra, doc, f"{path}.{key}")
        elif props is not None:
            out.append(f"{path}: unknown field {key!r} (not in {doc} {schema.get('id', '')})")
    return out


def _scalar(value: Any, schema: Mapping[str, Any], path: str) -> list[str]:
    kind, fmt = schema.get("type"), schema.get("format", "")
    if kind == "string":
        if not isinstance(value, str):
            return [f"{path}: expected a JSON string ({fmt or 'string'}), got {value!r}"]
        if fmt in ("int64", "uint64") and not value.lstrip("-").isdigit():
            return [f"{path}: expected an {fmt} as a decimal string, got {value!r}"]
        if fmt == "google-datetime" or fmt == "date-time":
            try:
                datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return [f"{path}: expected an RFC 3339 timestamp, got {value!r}"]
        if "enum" in schema and value not in schema["enum"]:
            return [f"{path}: {value!r} is not one of {schema['enum']}"]
        return []
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{path}: expected a JSON integer ({fmt}), got {value!r}"]
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [f"{path}: expected a JSON number, got {value!r}"]
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{path}: expected true/false, got {value!r}"]
    return []
