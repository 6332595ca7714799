"""oscal/assessment-results.json validates against NIST's OSCAL 1.2.3 JSON schema."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from config.criteria import load_catalog
from config.settings import Settings
from tests.collector.export.conftest import Estate
from tests.collector.export.zips import members

SCHEMA = Path(__file__).parents[2] / "fixtures" / "oscal" / "oscal_complete_schema.json"
SCHEMA_SHA256 = "384324105c7a817af0f65b120a963146caa0e0d55d969cf0daf60e063b87a206"


def _translate(node: Any) -> Any:
    """Python's re has no \\p{..}: use its Unicode-aware equivalents (see SOURCES.md)."""
    if isinstance(node, dict):
        return {k: (v.replace(r"\p{L}", r"[^\W\d_]").replace(r"\p{N}", r"\d")
                    if k == "pattern" and isinstance(v, str) else _translate(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_translate(v) for v in node]
    return node


@cache
def validator() -> jsonschema.Draft7Validator:
    import hashlib

    raw = SCHEMA.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SCHEMA_SHA256, "the shipped schema was altered"
    schema = _translate(json.loads(raw))
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def errors(doc: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
            for e in validator().iter_errors(doc)]


def test_assessment_results_validate_against_the_official_schema(signed_bundle: bytes,
                                                                 estate: Estate) -> None:
    doc = json.loads(members(signed_bundle)["oscal/assessment-results.json"])
    assert errors(doc) == []
    result = doc["assessment-results"]["results"][0]
    findings = {f["target"]["target-id"]: f for f in result["findings"]}
    in_scope = {c.id for c in load_catalog().in_scope(Settings().soc2.categories)}
    covered = {c for crits in estate.history.criteria.values() for c in crits} & in_scope
    assert set(findings) == covered and covered
    failing_checks = {c for c, _ in estate.history.ever_failed}
    failing_crits = {c for chk in failing_checks for c in estate.history.criteria[chk]}
    for crit in covered:
        state = findings[crit]["target"]["status"]["state"]
        assert state == ("not-satisfied" if crit in failing_crits else "satisfied")
    observed = {o["props"][0]["value"] for o in result["observations"]}
    assert observed == set(estate.history.check_ids)
    files = members(signed_bundle)
    for obs in result["observations"]:
        for ev in obs["relevant-evidence"]:
            assert ev["href"] in files


@pytest.mark.parametrize("breakage", ["uuid", "state", "missing"])
def test_the_schema_check_can_fail(signed_bundle: bytes, breakage: str) -> None:
    doc = json.loads(members(signed_bundle)["oscal/assessment-results.json"])
    ar = doc["assessment-results"]
    if breakage == "uuid":
        ar["uuid"] = "not-a-uuid"
    elif breakage == "state":
        ar["results"][0]["findings"][0]["target"]["status"]["state"] = "fine"
    else:
        del ar["results"][0]["reviewed-controls"]
    assert errors(doc)
