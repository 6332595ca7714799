"""Reading a run's results back in the results contract's shape."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date

from collector.mapping import criteria_by_check
from collector.plugin import Remediation
from collector.risks.book import RiskBook
from storage import Repository
from storage.canonical import format_utc
from storage.records import RunRecord

CONTRACT_COLUMNS = ("run_id", "observed_at", "provider", "scope", "region", "check_id",
                    "resource_id", "status", "criteria", "message")
ADDED_COLUMNS = ("remediation", "accepted_risk")
"""Fields added to the contract (design.md: fields may be added, never renamed or removed):
`remediation`, how to fix a failing result (null unless the status is `fail` and the check
declares one); `accepted_risk`, the id of the accepted risk in force that covers a failing
result on the day it was observed (null otherwise; the status stays `fail`)."""
OUTPUT_COLUMNS = CONTRACT_COLUMNS + ADDED_COLUMNS


@dataclass(frozen=True)
class ResultRow:
    """One result as `evidence results` prints it (the results contract)."""

    run_id: str
    observed_at: str
    """UTC ISO-8601 time the check finished in its scope."""
    provider: str
    scope: str
    region: str
    check_id: str
    resource_id: str
    status: str
    criteria: tuple[str, ...]
    """The SOC 2 criteria in force for this check when the run was made."""
    message: str
    error_code: str | None

    def contract(self) -> dict[str, object]:
        """Exactly the contract's keys; an error's provider code leads its message."""
        data = asdict(self)
        data["criteria"] = list(self.criteria)
        data["message"] = self.full_message
        return {k: data[k] for k in CONTRACT_COLUMNS}

    def output(self, remediation: Remediation | None, risks: RiskBook | None = None, *,
               flat: bool = False) -> dict[str, object]:
        """The contract's keys plus the added ones; `flat` renders them for a CSV cell."""
        out = self.contract()
        fix = remediation if self.status == "fail" else None
        if flat:
            out["remediation"] = fix.one_line() if fix else ""
        else:
            out["remediation"] = fix.as_json() if fix else None
        accepted = self.accepted_by(risks)
        out["accepted_risk"] = accepted if accepted or not flat else ""
        return out

    def accepted_by(self, risks: RiskBook | None) -> str | None:
        """The accepted risk covering this result, when it is a failure (else None)."""
        if self.status != "fail" or not risks:
            return None
        day = date.fromisoformat(self.observed_at[:10])
        return risks.covering(self.check_id, self.resource_id, self.provider, self.scope,
                              self.region, day)

    @property
    def full_message(self) -> str:
        code = self.error_code
        if code and not self.message.startswith(code):
            return f"{code}: {self.message}"
        return self.message


def result_rows(repo: Repository, run: RunRecord) -> Iterator[ResultRow]:
    """Every result of a run, in (provider, scope, region, check, resource) order."""
    mapping = criteria_by_check(repo.get_blob(run.mapping_sha256))
    for rs in repo.result_sets(run.run_id):
        body = json.loads(repo.get_blob(rs.result_set_sha256))
        criteria = mapping.get(rs.check_id, ())
        for r in body["results"]:
            yield ResultRow(
                run_id=run.run_id,
                observed_at=format_utc(rs.observed_at),
                provider=rs.provider,
                scope=r.get("scope") or rs.scope,
                region=r.get("region") or rs.region,
                check_id=rs.check_id,
                resource_id=r["resource_id"],
                status=r["status"],
                criteria=criteria,
                message=r["message"],
                error_code=r.get("error_code"),
            )
