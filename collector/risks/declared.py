"""Accepted risks declared in a YAML file kept under review (`evidence accept --from-file`).

The file is the reviewed source of truth; reconciling it with the database gives a plan:
risks to add, risks to revoke (in the database, in force, and no longer in the file) and risks
unchanged. A risk whose terms changed under the same id is refused: a new decision gets a new
id, so the old one stays readable as what was approved then.

    risks:
      - id: RISK-2026-001
        check: aws_s3_public_access_blocked
        resource: "arn:aws:s3:::acme-public-website"
        reason: Public website bucket, content is public by design
        approver: ciso@example.com
        effective_from: 2026-12-01
        expires: 2027-05-31
        ticket: https://tickets.example.com/SEC-42   # optional
        provider: aws                  # optional filters: provider, scope, region
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from collector.risks.book import RiskBook
from collector.risks.model import MAX_TERM_DAYS, AcceptedRisk, RiskError, check_new, check_terms

REQUIRED = ("id", "check", "resource", "reason", "approver", "effective_from", "expires")
OPTIONAL = ("ticket", "provider", "scope", "region")


@dataclass(frozen=True)
class Plan:
    """What reconciling a file would record."""

    add: tuple[AcceptedRisk, ...]
    revoke: tuple[str, ...]
    unchanged: tuple[str, ...]


def _day(value: Any, where: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RiskError(f"{where}: expected a date YYYY-MM-DD, got {value!r}") from None


def parse(doc: Any, *, source: str, approved_at: datetime,
          max_days: int) -> list[AcceptedRisk]:
    """The risks a parsed YAML document declares, their terms checked (one `RiskError` line
    naming the file and the key)."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("risks"), Sequence) \
            or isinstance(doc.get("risks"), str):
        raise RiskError(f"{source}: expected a mapping with a list under 'risks'")
    seen: set[str] = set()
    out = []
    for n, item in enumerate(doc["risks"]):
        where = f"{source}: risks[{n}]"
        if not isinstance(item, Mapping):
            raise RiskError(f"{where}: expected a mapping")
        unknown = sorted(set(map(str, item)) - set(REQUIRED) - set(OPTIONAL))
        if unknown:
            raise RiskError(f"{where}: unknown key {unknown[0]!r} (allowed: "
                            f"{', '.join(REQUIRED + OPTIONAL)})")
        for key in REQUIRED:
            if item.get(key) in (None, ""):
                raise RiskError(f"{where}.{key}: required")
        rid = str(item["id"])
        if rid in seen:
            raise RiskError(f"{where}.id: {rid!r} is declared twice")
        seen.add(rid)
        risk = AcceptedRisk(
            risk_id=rid, check=str(item["check"]), resource=str(item["resource"]),
            reason=str(item["reason"]), approver=str(item["approver"]),
            approved_at=approved_at.astimezone(UTC),
            effective_from=_day(item["effective_from"], f"{where}.effective_from"),
            expires=_day(item["expires"], f"{where}.expires"),
            provider=str(item.get("provider", "*")), scope=str(item.get("scope", "*")),
            region=str(item.get("region", "*")), ticket=str(item.get("ticket", "") or ""))
        try:
            out.append(check_terms(risk, max_days=max_days))
        except RiskError as exc:
            raise RiskError(f"{where}: {exc}") from None
    return out


def reconcile(declared: Sequence[AcceptedRisk], book: RiskBook, today: date,
              *, source: str, allow_backdate: bool = False,
              max_days: int = MAX_TERM_DAYS) -> Plan:
    """Adds, revocations and unchanged ids that make the database match the file. Only
    additions are held to today's date (not yet expired; back-dated only when allowed)."""
    current = {s.risk.risk_id: s for s in book}
    add, unchanged = [], []
    for risk in declared:
        state = current.get(risk.risk_id)
        if state is None:
            try:
                add.append(check_new(risk, today=today, allow_backdate=allow_backdate,
                                     max_days=max_days))
            except RiskError as exc:
                raise RiskError(f"{source}: {exc}") from None
            continue
        if state.revocation is not None:
            raise RiskError(f"{source}: {risk.risk_id!r} was revoked; a new decision needs a "
                            "new id")
        stored = state.risk
        if not stored.same_terms(_as_stored(risk, stored)):
            raise RiskError(f"{source}: {risk.risk_id!r} differs from the approved record; "
                            "a changed decision needs a new id (and the old one removed)")
        unchanged.append(risk.risk_id)
    named = {r.risk_id for r in declared}
    revoke = [s.risk.risk_id for s in book if s.risk.risk_id not in named
              and s.revocation is None and today <= s.risk.expires]
    return Plan(tuple(add), tuple(revoke), tuple(unchanged))


def _as_stored(risk: AcceptedRisk, stored: AcceptedRisk) -> AcceptedRisk:
    """The declared risk as it compares to the stored one: back-dating is a recorded fact of
    when it was first recorded, not one of its terms."""
    return replace(risk, backdated=stored.backdated)
