"""What an accepted risk is, which results it covers, and when it is in force.

Pure: no storage, no clock of its own (every "now" is passed in), so the same record judged
on the same day always gives the same answer — in `collect`, in a report a year later, and in
the auditor's bundle.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

MAX_TERM_DAYS = 366
"""Longest acceptance allowed unless the configuration raises it (a year, leap years too)."""
RISK_ID = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{0,63}$")
"""Ids are chosen by people (e.g. RISK-2026-001) and cited in tickets: short and plain."""


class RiskError(ValueError):
    """An accepted risk is declared wrongly: one line naming the risk and the field."""


@dataclass(frozen=True)
class AcceptedRisk:
    """One accepted risk, as approved (the chained record's body)."""

    risk_id: str
    check: str
    """A glob over check ids (``aws_s3_*``)."""
    resource: str
    """A glob over resource ids (``arn:aws:s3:::acme-public-website``)."""
    reason: str
    approver: str
    approved_at: datetime
    effective_from: date
    expires: date
    """Last day the acceptance holds (inclusive)."""
    provider: str = "*"
    scope: str = "*"
    region: str = "*"
    ticket: str = ""
    backdated: bool = False
    """True when `effective_from` is before the day it was approved (only when explicit)."""

    def covers(self, check_id: str, resource_id: str, provider: str, scope: str,
               region: str) -> bool:
        """Whether the risk is about this result (not whether it is in force)."""
        return (fnmatch.fnmatchcase(check_id, self.check)
                and fnmatch.fnmatchcase(resource_id, self.resource)
                and fnmatch.fnmatchcase(provider, self.provider)
                and fnmatch.fnmatchcase(scope, self.scope)
                and fnmatch.fnmatchcase(region, self.region))

    def in_force(self, day: date, revoked_on: date | None = None) -> bool:
        """In force on `day`: from its effective date to its expiry, unless revoked before."""
        if revoked_on is not None and day >= revoked_on:
            return False
        return self.effective_from <= day <= self.expires

    def as_json(self) -> dict[str, object]:
        """The stored form (what the chain seals), keys sorted by the canonical encoder."""
        return {"risk_id": self.risk_id, "check": self.check, "resource": self.resource,
                "provider": self.provider, "scope": self.scope, "region": self.region,
                "reason": self.reason, "approver": self.approver,
                "approved_at": self.approved_at.astimezone(UTC).isoformat(),
                "effective_from": self.effective_from.isoformat(),
                "expires": self.expires.isoformat(), "ticket": self.ticket,
                "backdated": self.backdated}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> AcceptedRisk:
        return cls(
            risk_id=str(data["risk_id"]), check=str(data["check"]),
            resource=str(data["resource"]), provider=str(data.get("provider", "*")),
            scope=str(data.get("scope", "*")), region=str(data.get("region", "*")),
            reason=str(data["reason"]), approver=str(data["approver"]),
            approved_at=datetime.fromisoformat(str(data["approved_at"])),
            effective_from=date.fromisoformat(str(data["effective_from"])),
            expires=date.fromisoformat(str(data["expires"])), ticket=str(data.get("ticket", "")),
            backdated=bool(data.get("backdated", False)))

    def same_terms(self, other: AcceptedRisk) -> bool:
        """Equal in everything a reviewer approved (not in when it was recorded)."""
        return replace(self, approved_at=other.approved_at) == other


def check_terms(risk: AcceptedRisk, *, max_days: int = MAX_TERM_DAYS) -> AcceptedRisk:
    """The risk if its terms are well-formed, else a `RiskError` naming what is wrong: an id,
    the required texts, a URL ticket, and an expiry at most `max_days` after it takes effect."""
    where = f"accepted risk {risk.risk_id!r}"
    if not RISK_ID.match(risk.risk_id):
        raise RiskError(f"{where}: id must be letters, digits, '.', '_' or '-' "
                        "(at most 64, starting with a letter)")
    for name in ("check", "resource", "reason", "approver"):
        if not str(getattr(risk, name)).strip():
            raise RiskError(f"{where}: {name} is required")
    if risk.ticket and not risk.ticket.startswith(("https://", "http://")):
        raise RiskError(f"{where}: ticket must be a URL (https://…), got {risk.ticket!r}")
    if risk.expires < risk.effective_from:
        raise RiskError(f"{where}: expires ({risk.expires}) is before effective_from "
                        f"({risk.effective_from})")
    if risk.expires - risk.effective_from > timedelta(days=max_days):
        raise RiskError(f"{where}: expires more than {max_days} days after effective_from "
                        f"(risks.max_days in the configuration sets the limit)")
    return risk


def check_new(risk: AcceptedRisk, *, today: date, allow_backdate: bool = False,
              max_days: int = MAX_TERM_DAYS) -> AcceptedRisk:
    """The risk as it may be recorded today: well-formed terms, not already expired, and not
    taking effect before today unless `allow_backdate` — then it is marked back-dated."""
    check_terms(risk, max_days=max_days)
    where = f"accepted risk {risk.risk_id!r}"
    if risk.expires < today:
        raise RiskError(f"{where}: expires ({risk.expires}) is already past")
    backdated = risk.effective_from < today
    if backdated and not allow_backdate:
        raise RiskError(f"{where}: effective_from {risk.effective_from} is before today "
                        f"({today}); pass --backdate to record it as back-dated")
    return replace(risk, backdated=backdated)


@dataclass(frozen=True)
class Revocation:
    """An accepted risk withdrawn before it expired."""

    risk_id: str
    reason: str
    revoked_by: str
    revoked_at: datetime

    def as_json(self) -> dict[str, object]:
        return {"risk_id": self.risk_id, "reason": self.reason, "revoked_by": self.revoked_by,
                "revoked_at": self.revoked_at.astimezone(UTC).isoformat()}


def revoked_on(revocation: Revocation | None) -> date | None:
    """The first day a revoked risk no longer holds (the day it was revoked)."""
    return revocation.revoked_at.astimezone(UTC).date() if revocation else None
