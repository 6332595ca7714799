"""Accepted risks in the evidence database: chained ledger records, never updated in place.

An acceptance is a ledger entry of kind `accepted_risk`; a revocation is a later entry of kind
`risk_revocation` citing the risk id. Reading them verifies the whole ledger first, so an edited
or deleted acceptance stops every report that would rely on it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from collector.risks.book import RiskBook
from collector.risks.model import AcceptedRisk, Revocation, RiskError
from storage import Repository

KIND_RISK = "accepted_risk"
KIND_REVOCATION = "risk_revocation"


def load_book(repo: Repository) -> RiskBook:
    """Every accepted risk and revocation recorded, verified against the ledger."""
    risks: dict[str, AcceptedRisk] = {}
    revocations: dict[str, Revocation] = {}
    for entry in repo.ledger_records((KIND_RISK, KIND_REVOCATION)):
        body = entry.body
        if entry.kind == KIND_RISK:
            risk = AcceptedRisk.from_json(body)
            risks.setdefault(risk.risk_id, risk)
        else:
            rev = Revocation(str(body["risk_id"]), str(body["reason"]),
                             str(body["revoked_by"]),
                             datetime.fromisoformat(str(body["revoked_at"])))
            revocations.setdefault(rev.risk_id, rev)
    return RiskBook(risks.values(), revocations.values())


def record_risk(repo: Repository, risk: AcceptedRisk, book: RiskBook,
                source: dict[str, str] | None = None) -> None:
    """Append an acceptance (its id must be new: a decision is never rewritten)."""
    if any(s.risk.risk_id == risk.risk_id for s in book):
        raise RiskError(f"accepted risk {risk.risk_id!r} exists already; a new decision needs "
                        "a new id")
    body = risk.as_json()
    if source:
        body["source"] = dict(source)
    repo.append_record(KIND_RISK, body, risk.approved_at)


def revoke_risk(repo: Repository, book: RiskBook, risk_id: str, reason: str, by: str,
                at: datetime | None = None, source: dict[str, str] | None = None) -> Revocation:
    """Append a revocation of a risk that is recorded and not already revoked."""
    state = next((s for s in book if s.risk.risk_id == risk_id), None)
    if state is None:
        raise RiskError(f"no accepted risk has the id {risk_id!r} (see `evidence risks`)")
    if state.revocation is not None:
        raise RiskError(f"accepted risk {risk_id!r} was already revoked on "
                        f"{state.revocation.revoked_at:%Y-%m-%d}")
    if not reason.strip():
        raise RiskError("a revocation needs a reason (--reason)")
    rev = Revocation(risk_id, reason, by, at or datetime.now(UTC))
    body: dict[str, object] = dict(rev.as_json())
    if source:
        body["source"] = dict(source)
    repo.append_record(KIND_REVOCATION, body, rev.revoked_at)
    return rev
