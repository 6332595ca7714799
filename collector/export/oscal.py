"""oscal/assessment-results.json: the bundle's findings as NIST OSCAL assessment results (1.2).

One result covers the period. Each automated check is an observation (method TEST) whose
relevant evidence is its evidence/ index in the bundle and whose subjects are the resources that
failed it; each SOC 2 criterion with automated results is a finding on that criterion, satisfied
when something passed and nothing failed or errored (an error is unknown: reason ``other``).
UUIDs are version-5 UUIDs derived from the chain head and the content, so
the same export gives the same document.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from typing import Any

from collector.export.csv import percent
from collector.export.model import CriterionRow, PeriodSummary
from storage.canonical import format_utc

OSCAL_VERSION = "1.2.3"
NS = "https://pypi.org/project/cloud-evidence-collector/ns/oscal"
_ROOT = uuid.uuid5(uuid.NAMESPACE_URL, "https://pypi.org/project/cloud-evidence-collector/")


def render(summary: PeriodSummary, tool_version: str) -> bytes:
    """The OSCAL document (indented JSON)."""
    return (json.dumps(document(summary, tool_version), indent=1, ensure_ascii=False)
            + "\n").encode("utf-8")


def document(summary: PeriodSummary, tool_version: str) -> dict[str, Any]:
    """The OSCAL document as a dict."""
    sel = summary.selection
    base = uuid.uuid5(_ROOT, f"{sel.head.manifest_sha256}/{sel.kind}/{sel.start}/{sel.end}/"
                             f"{','.join(sel.criteria)}")

    def uid(*parts: str) -> str:
        return str(uuid.uuid5(base, "/".join(parts)))

    start = min(r.started_at for r in sel.runs)
    end = max(r.finished_at or r.started_at for r in sel.runs)
    failing: dict[str, set[str]] = defaultdict(set)
    for e in summary.exceptions:
        failing[e.check_id].add(e.resource_id)
    by_check: dict[str, list[str]] = defaultdict(list)
    for row in summary.rows:
        for check in row.checks:
            by_check[check].append(row.criterion_id)
    observations = [_observation(uid, check, crits, summary, failing[check], end)
                    for check, crits in sorted(by_check.items())]
    findings = [{
        "uuid": uid("finding", row.criterion_id),
        "title": f"{row.criterion_id} {row.title}",
        "description": (f"{row.passed} passing and {row.failed} failing results of "
                        f"{len(row.checks)} automated check(s) over the period; pass rate "
                        f"{percent(row.pass_rate) or 'n/a'} %; {row.exceptions} exception(s)."),
        "target": {"type": "objective-id", "target-id": row.criterion_id,
                   "status": {"state": "satisfied" if _satisfied(row) else "not-satisfied",
                              "reason": "pass" if _satisfied(row) else
                              "fail" if row.failed else "other"}},
        "related-observations": [{"observation-uuid": uid("observation", c)}
                                 for c in row.checks],
    } for row in summary.rows if row.in_scope and row.checks]
    gaps = [f"{r.criterion_id}: {r.gap}" for r in summary.rows if r.in_scope and r.gap]
    result: dict[str, Any] = {
        "uuid": uid("result"),
        "title": (f"Automated evidence {sel.start} to {sel.end}" if sel.kind == "type2" else
                  f"Automated evidence as of {sel.end}"),
        "description": (f"{summary.runs_collected} collection run(s) "
                        f"({summary.runs_expected} expected by the schedule); run chain head "
                        f"{sel.head.manifest_sha256}."),
        "start": format_utc(start),
        "end": format_utc(end),
        "reviewed-controls": {"control-selections": [{"include-controls": [
            {"control-id": r.criterion_id} for r in summary.rows if r.in_scope]}]},
    }
    if observations:
        result["observations"] = observations
    if findings:
        result["findings"] = findings
    if gaps:
        result["remarks"] = "Criteria without automated evidence: " + "; ".join(gaps)
    plan = uid("assessment-plan")
    return {"assessment-results": {
        "uuid": uid("assessment-results"),
        "metadata": {
            "title": result["title"],
            "last-modified": format_utc(end),
            "version": f"{sel.kind}-{sel.start}-{sel.end}",
            "oscal-version": OSCAL_VERSION,
            "props": [{"name": "tool-version", "ns": NS, "value": tool_version}],
        },
        "import-ap": {"href": f"#{plan}"},
        "results": [result],
        "back-matter": {"resources": [{
            "uuid": plan,
            "title": "Assessment plan",
            "description": ("The checks, criteria mapping and schedule recorded with each run "
                            "(see runs/ in this bundle); there is no separate plan document."),
        }]},
    }}


def _satisfied(row: CriterionRow) -> bool:
    """Something passed and nothing failed or errored: an error is unknown, never a pass."""
    return row.passed > 0 and row.failed == 0 and row.errors == 0


def _observation(uid: Any, check: str, criteria: list[str], summary: PeriodSummary,
                 failing: set[str], end: Any) -> dict[str, Any]:
    title = summary.titles.get(check) or check
    obs: dict[str, Any] = {
        "uuid": uid("observation", check),
        "title": title,
        "description": (f"Automated check {check} evaluated configuration read from the cloud "
                        f"provider's API in every run of the period; "
                        f"{len(failing)} resource(s) failed it at some point."),
        "props": [{"name": "check-id", "ns": NS, "value": check}],
        "methods": ["TEST"],
        "relevant-evidence": [{"href": f"evidence/{c}/{check}/index.json",
                               "description": f"Observations of {check} for {c}"}
                              for c in sorted(criteria)],
        "collected": format_utc(end),
    }
    if failing:
        obs["subjects"] = [{"subject-uuid": uid("subject", rid), "type": "resource",
                            "title": rid} for rid in sorted(failing)]
    return obs
