"""Accepted risks in the OSCAL assessment results: approved deviations, with who and when.

Each accepted risk that covered failing results of the period (``RiskRow.failed_accepted``)
becomes one OSCAL ``risk`` (assessment-common): status ``deviation-approved``; the approver a
``party`` of the metadata; the risk log records the approval (by the approver, at the recorded
time, with the term it set) and, when the acceptance ended within the report, its revocation
or expiry (status back to ``open``: later failures are findings again); the deadline is the
end of its last day; the ticket, when given, is a link. The failing results themselves stay
failures in the observations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

from collector.report.model import RiskRow
from storage.canonical import format_utc

NS = "https://pypi.org/project/cloud-evidence-collector/ns/oscal"
Uid = Callable[..., str]


def parties(uid: Uid, rows: Sequence[RiskRow]) -> list[dict[str, Any]]:
    """One party (a person) per approver, by name."""
    return [{"uuid": uid("party", name), "type": "person", "name": name}
            for name in sorted({r.approver for r in rows})]


def _day_start(day: Any) -> str:
    return format_utc(datetime.combine(day, time(), UTC))


def _log(uid: Uid, r: RiskRow) -> list[dict[str, Any]]:
    back = " It was recorded as back-dated." if r.backdated else ""
    entries: list[dict[str, Any]] = [{
        "uuid": uid("risk-log", r.risk_id, "approved"),
        "title": "Deviation approved",
        "description": (f"Accepted by {r.approver}, in force from {r.effective_from} until "
                        f"{r.expires} (inclusive).{back}"),
        "start": format_utc(r.approved_at),
        "end": _day_start(r.expires + timedelta(days=1)),
        "logged-by": [{"party-uuid": uid("party", r.approver)}],
        "status-change": "deviation-approved",
    }]
    if r.revoked_at is not None:
        entries[0]["end"] = format_utc(max(r.revoked_at, r.approved_at))
        entries.append({
            "uuid": uid("risk-log", r.risk_id, "revoked"),
            "title": "Acceptance revoked",
            "description": "The acceptance was revoked: later failures count again.",
            "start": format_utc(r.revoked_at),
            "status-change": "open",
        })
    elif r.status == "expired":
        entries.append({
            "uuid": uid("risk-log", r.risk_id, "expired"),
            "title": "Acceptance expired",
            "description": f"The acceptance ended after {r.expires}: later failures count "
                           "again.",
            "start": _day_start(r.expires + timedelta(days=1)),
            "status-change": "open",
        })
    return entries


def risks(uid: Uid, rows: Sequence[RiskRow]) -> list[dict[str, Any]]:
    """The OSCAL risks of the accepted risks that covered failures."""
    out = []
    for r in rows:
        props = [{"name": "risk-id", "ns": NS, "value": r.risk_id},
                 {"name": "approver", "ns": NS, "value": r.approver},
                 {"name": "effective-from", "ns": NS, "value": r.effective_from.isoformat()},
                 {"name": "expires", "ns": NS, "value": r.expires.isoformat()},
                 {"name": "acceptance-status", "ns": NS, "value": r.status},
                 {"name": "accepted-failures", "ns": NS, "value": str(r.failed_accepted)}]
        if r.backdated:
            props.append({"name": "backdated", "ns": NS, "value": "true"})
        risk: dict[str, Any] = {
            "uuid": uid("risk", r.risk_id),
            "title": f"Accepted risk {r.risk_id}: {r.check} on {r.resource}",
            "description": r.reason,
            "statement": (
                f"Failing results of {r.check} for {r.resource} (provider {r.provider}, scope "
                f"{r.scope}, region {r.region}) were accepted by {r.approver} for "
                f"{r.effective_from} to {r.expires}: {r.failed_accepted} failing result(s) of "
                f"the period, criteria {', '.join(r.criteria) or 'none'}. They remain "
                "failures; the deviation was approved."),
            "props": props,
            "status": "deviation-approved",
            "deadline": _day_start(r.expires + timedelta(days=1)),
            "risk-log": {"entries": _log(uid, r)},
        }
        if r.ticket:
            risk["links"] = [{"href": r.ticket, "rel": "reference", "text": "ticket"}]
        out.append(risk)
    return out
