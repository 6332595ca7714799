"""All accepted risks of a database, as of one moment: which one covers a result on a day.

Built from the chained records (risks and revocations); reports, `results`, the bundle and the
OSCAL file all ask this one object, so they agree on what was accepted when.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from collector.risks.model import AcceptedRisk, Revocation, revoked_on


@dataclass(frozen=True)
class RiskState:
    """One accepted risk with its revocation, if any."""

    risk: AcceptedRisk
    revocation: Revocation | None = None

    def in_force(self, day: date) -> bool:
        return self.risk.in_force(day, revoked_on(self.revocation))

    def status(self, today: date) -> str:
        """``active``, ``pending`` (not yet effective), ``expired`` or ``revoked``."""
        gone = revoked_on(self.revocation)
        if gone is not None and gone <= today:
            return "revoked"
        if today < self.risk.effective_from:
            return "pending"
        return "expired" if today > self.risk.expires else "active"


class RiskBook:
    """The accepted risks in force, looked up per result and day."""

    def __init__(self, risks: Iterable[AcceptedRisk],
                 revocations: Iterable[Revocation] = ()) -> None:
        revoked = {r.risk_id: r for r in revocations}
        self._states = [RiskState(r, revoked.get(r.risk_id))
                        for r in sorted(risks, key=lambda r: r.risk_id)]

    def __iter__(self) -> Iterator[RiskState]:
        return iter(self._states)

    def __len__(self) -> int:
        return len(self._states)

    def __bool__(self) -> bool:
        return bool(self._states)

    def covering(self, check_id: str, resource_id: str, provider: str, scope: str,
                 region: str, day: date) -> str | None:
        """The id of the risk (first by id) accepting this failing result on `day`, if any."""
        for state in self._states:
            if state.in_force(day) and state.risk.covers(check_id, resource_id, provider,
                                                         scope, region):
                return state.risk.risk_id
        return None

    def expiring(self, today: date, within_days: int) -> list[RiskState]:
        """Risks in force today that expire within `within_days` days."""
        return [s for s in self._states if s.in_force(today)
                and (s.risk.expires - today).days <= within_days]

    def expired_since(self, today: date, days: int) -> list[RiskState]:
        """Risks that ran out (not revoked) within the last `days` days, up to today."""
        return [s for s in self._states if s.revocation is None
                and 0 < (today - s.risk.expires).days <= days]
