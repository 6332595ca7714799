"""The criteria mapping in force for a run: each check's criteria after config overrides.

A run records this mapping (as a content-addressed blob) so that a later change of mapping or
check version never rewrites what an earlier run showed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from collector.plugin import Check
from config.criteria import Catalog
from config.settings import Settings
from storage.canonical import canonical_json

MAPPING_FORMAT = "evidence-criteria-mapping/1"


def effective_criteria(check: Check, settings: Settings) -> tuple[str, ...]:
    """The check's declared criteria plus `checks.criteria.<id>.add` minus `.remove`."""
    override = settings.checks.criteria.get(check.id)
    criteria = list(check.criteria)
    if override is not None:
        criteria = [c for c in criteria if c not in override.remove]
        criteria += [c for c in override.add if c not in criteria]
    return tuple(criteria)


def build_mapping(checks: Iterable[Check], settings: Settings, catalog: Catalog) -> bytes:
    """Canonical JSON of the mapping for these checks (stored as kind "mapping")."""
    body: dict[str, Any] = {
        "format": MAPPING_FORMAT,
        "catalog": {"version": catalog.version, "sha256": catalog.sha256},
        "checks": {
            c.id: {
                "criteria": list(effective_criteria(c, settings)),
                "declared": list(c.criteria),
                "version": c.version,
                "origin": c.origin,
                "title": c.title,
            }
            for c in sorted(checks, key=lambda c: c.id)
        },
    }
    return canonical_json(body)


def criteria_by_check(mapping_blob: bytes) -> Mapping[str, tuple[str, ...]]:
    """Read a stored mapping back: check id -> criteria in force for that run."""
    data = json.loads(mapping_blob)
    return {cid: tuple(v["criteria"]) for cid, v in data["checks"].items()}


def titles_by_check(mapping_blob: bytes) -> Mapping[str, str]:
    data = json.loads(mapping_blob)
    return {cid: str(v.get("title", "")) for cid, v in data["checks"].items()}
