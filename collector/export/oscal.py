"""oscal/assessment-results.json: the bundle's findings as NIST OSCAL assessment results (1.2).

Rendered from the bundle's period report (``collector.export.summary.bundle_report``). One
result covers the period. Each automated check is an observation (method TEST) whose relevant
evidence is its evidence/ index in the bundle and whose subjects are the resources that failed
it; each SOC 2 criterion with automated results is a finding on that criterion, satisfied when
something passed and no failure stands: nothing errored (an error is unknown: reason ``other``)
and every failure was accepted under an accepted risk in force that day. Each accepted risk that
covered failures of the period is an OSCAL risk with status ``deviation-approved``, its approver
a party, its approval, effective date, expiry or revocation in the risk log; the findings of the
criteria it covered cite it (``related-risks``). Failures no risk covered keep their finding
``not-satisfied`` (reason ``fail``). UUIDs are version-5 UUIDs derived from the chain head and
the content, so the same export gives the same document.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from typing import Any

from collector.export.csv import percent, ratio
from collector.export.oscal_risks import parties, risks
from collector.export.source import Selection
from collector.export.summary import gap_text
from collector.report.model import CriterionRow, PeriodReport
from storage.canonical import format_utc

OSCAL_VERSION = "1.2.3"
NS = "https://pypi.org/project/cloud-evidence-collector/ns/oscal"
_ROOT = uuid.uuid5(uuid.NAMESPACE_URL, "https://pypi.org/project/cloud-evidence-collector/")


def render(report: PeriodReport, selection: Selection, tool_version: str) -> bytes:
    """The OSCAL document (indented JSON)."""
    return (json.dumps(document(report, selection, tool_version), indent=1, ensure_ascii=False)
            + "\n").encode("utf-8")


def _description(row: CriterionRow) -> str:
    c = row.coverage
    text = (f"{c.passed} passing and {c.failed} failing results of {len(row.checks)} automated "
            f"check(s) over the period; pass rate {percent(ratio(c.passed, c.failed)) or 'n/a'} "
            f"%; {c.exceptions} exception(s).")
    if c.failed_accepted:
        text += (f" {c.failed_accepted} of the failing results were accepted under accepted "
                 "risk(s) in force on their day (deviation approved); pass rate without them "
                 f"{percent(ratio(c.passed, c.failed - c.failed_accepted)) or 'n/a'} %.")
    return text


def document(report: PeriodReport, sel: Selection, tool_version: str) -> dict[str, Any]:
    """The OSCAL document as a dict."""
    base = uuid.uuid5(_ROOT, f"{sel.head.manifest_sha256}/{sel.kind}/{sel.start}/{sel.end}/"
                             f"{','.join(sel.criteria)}")

    def uid(*parts: str) -> str:
        return str(uuid.uuid5(base, "/".join(parts)))

    start = min(r.started_at for r in report.runs)
    end = max(r.finished_at or r.started_at for r in report.runs)
    failing: dict[str, set[str]] = defaultdict(set)
    for e in report.exceptions:
        failing[e.check_id].add(e.resource_id)
    titles = {c.id: c.title for c in report.checks}
    by_check: dict[str, list[str]] = defaultdict(list)
    for row in report.criteria:
        for check in row.checks:
            by_check[check].append(row.id)
    observations = [_observation(uid, check, crits, titles.get(check, ""), failing[check], end)
                    for check, crits in sorted(by_check.items())]
    accepted = [r for r in report.risks if r.failed_accepted]
    findings = [_finding(uid, row, [r.risk_id for r in accepted if row.id in r.criteria])
                for row in report.criteria if row.in_scope and row.checks]
    gaps = [f"{r.id}: {gap_text(r, type1=sel.kind == 'type1')}" for r in report.criteria
            if r.in_scope and gap_text(r, type1=sel.kind == "type1")]
    result: dict[str, Any] = {
        "uuid": uid("result"),
        "title": (f"Automated evidence {sel.start} to {sel.end}" if sel.kind == "type2" else
                  f"Automated evidence as of {sel.end}"),
        "description": (f"{len(report.runs)} collection run(s) "
                        f"({report.runs_expected} expected by the schedule); run chain head "
                        f"{sel.head.manifest_sha256}."),
        "start": format_utc(start),
        "end": format_utc(end),
        "reviewed-controls": {"control-selections": [{"include-controls": [
            {"control-id": r.id} for r in report.criteria if r.in_scope]}]},
    }
    if observations:
        result["observations"] = observations
    if findings:
        result["findings"] = findings
    if accepted:
        result["risks"] = risks(uid, accepted)
    if gaps:
        result["remarks"] = "Criteria without automated evidence: " + "; ".join(gaps)
    plan = uid("assessment-plan")
    metadata: dict[str, Any] = {
        "title": result["title"],
        "last-modified": format_utc(end),
        "version": f"{sel.kind}-{sel.start}-{sel.end}",
        "oscal-version": OSCAL_VERSION,
        "props": [{"name": "tool-version", "ns": NS, "value": tool_version}],
    }
    if accepted:
        metadata["parties"] = parties(uid, accepted)
    return {"assessment-results": {
        "uuid": uid("assessment-results"),
        "metadata": metadata,
        "import-ap": {"href": f"#{plan}"},
        "results": [result],
        "back-matter": {"resources": [{
            "uuid": plan,
            "title": "Assessment plan",
            "description": ("The checks, criteria mapping and schedule recorded with each run "
                            "(see runs/ in this bundle); there is no separate plan document."),
        }]},
    }}


def _finding(uid: Any, row: CriterionRow, risk_ids: list[str]) -> dict[str, Any]:
    ok = _satisfied(row)
    finding: dict[str, Any] = {
        "uuid": uid("finding", row.id),
        "title": f"{row.id} {row.title}",
        "description": _description(row),
        "target": {"type": "objective-id", "target-id": row.id,
                   "status": {"state": "satisfied" if ok else "not-satisfied",
                              "reason": "pass" if ok else "fail"
                              if row.coverage.failed > row.coverage.failed_accepted
                              else "other"}},
        "related-observations": [{"observation-uuid": uid("observation", c)}
                                 for c in row.checks],
    }
    if risk_ids:
        finding["related-risks"] = [{"risk-uuid": uid("risk", r)} for r in risk_ids]
    return finding


def _satisfied(row: CriterionRow) -> bool:
    """Something passed, nothing errored (an error is unknown, never a pass), and no failure
    stands (each one accepted under a risk in force on its day)."""
    c = row.coverage
    return c.passed > 0 and c.failed == c.failed_accepted and c.errors == 0


def _observation(uid: Any, check: str, criteria: list[str], title: str, failing: set[str],
                 end: Any) -> dict[str, Any]:
    obs: dict[str, Any] = {
        "uuid": uid("observation", check),
        "title": title or check,
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
