"""The criteria mapping and controls in force for a run: each check's criteria after config
overrides, the overrides themselves, and the organisation's controls.

A run records this (as a content-addressed blob whose hash its chained manifest holds) so that
a later change of the configuration (criteria overrides, ``controls``) or of a check's version
never rewrites what an earlier run, report or sample showed: readers take the controls of a run
from :func:`controls_of`, not from today's configuration.

Format ``evidence-criteria-mapping/2`` adds ``controls`` and ``criteria_overrides`` to ``/1``
(runs recorded before hold no controls: :func:`controls_of` returns ``None`` for them).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from config.criteria import Catalog
from config.settings import Control, Settings
from storage.canonical import canonical_json

if TYPE_CHECKING:  # the report reads mappings without loading the check machinery
    from collector.plugin import Check
    from storage import Repository, RunRecord

MAPPING_FORMAT = "evidence-criteria-mapping/2"
FORMATS = ("evidence-criteria-mapping/1", MAPPING_FORMAT)


def effective_criteria(check: Check, settings: Settings) -> tuple[str, ...]:
    """The check's declared criteria plus `checks.criteria.<id>.add` minus `.remove`."""
    override = settings.checks.criteria.get(check.id)
    criteria = list(check.criteria)
    if override is not None:
        criteria = [c for c in criteria if c not in override.remove]
        criteria += [c for c in override.add if c not in criteria]
    return tuple(criteria)


def control_body(control: Control) -> dict[str, Any]:
    """What a run records of one control (every field of the ``controls`` entry)."""
    return {"id": control.id, "title": control.title, "criteria": list(control.criteria),
            "checks": list(control.checks), "frequency": control.frequency}


def build_mapping(checks: Iterable[Check], settings: Settings, catalog: Catalog) -> bytes:
    """Canonical JSON of the mapping for these checks and the configured controls (stored as
    kind "mapping")."""
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
        "criteria_overrides": {
            cid: {"add": list(o.add), "remove": list(o.remove)}
            for cid, o in sorted(settings.checks.criteria.items())
        },
        "controls": [control_body(c) for c in sorted(settings.controls, key=lambda c: c.id)],
    }
    return canonical_json(body)


def criteria_by_check(mapping_blob: bytes) -> Mapping[str, tuple[str, ...]]:
    """Read a stored mapping back: check id -> criteria in force for that run."""
    data = json.loads(mapping_blob)
    return {cid: tuple(v["criteria"]) for cid, v in data["checks"].items()}


def titles_by_check(mapping_blob: bytes) -> Mapping[str, str]:
    """Read a stored mapping back: check id -> its title when the run recorded it."""
    data = json.loads(mapping_blob)
    return {cid: str(v.get("title", "")) for cid, v in data["checks"].items()}


def recorded_controls(mapping_blob: bytes) -> tuple[Control, ...] | None:
    """The controls a stored mapping recorded, by id; ``None`` for a mapping recorded before
    controls were (format ``/1``). Built without re-validating against today's catalog: what
    was recorded is what is shown."""
    data = json.loads(mapping_blob)
    items = data.get("controls")
    if items is None:
        return None
    return tuple(Control.model_construct(
        id=c["id"], title=c["title"], criteria=tuple(c["criteria"]),
        checks=tuple(c["checks"]), frequency=c["frequency"]) for c in items)


def controls_of(repo: Repository, run: RunRecord) -> tuple[Control, ...] | None:
    """The controls in force when ``run`` was collected (read from its chained mapping blob,
    checked against its hash); ``None`` when the run predates recording them."""
    return recorded_controls(repo.get_blob(run.mapping_sha256))


def controls_in_force(repo: Repository, runs: Sequence[RunRecord],
                      configured: Sequence[Control]) -> tuple[Control, ...]:
    """The controls a period's report shows: those recorded by its newest run that recorded
    any (the definitions in force at the end of the period); the ``configured`` ones only when
    no run of the period recorded controls (runs collected before they were recorded)."""
    seen: set[str] = set()
    for run in reversed(runs):
        if run.mapping_sha256 in seen:
            continue
        seen.add(run.mapping_sha256)
        found = controls_of(repo, run)
        if found is not None:
            return found
    return tuple(configured)
