"""Accepted risks in a period report: which failing results, exceptions and risks they cover.

A failing result stays ``fail`` everywhere; an accepted risk only annotates it. It is *accepted*
when a risk recorded by the report's as-of day (``collector.risks``) covers its check, resource,
provider, scope and region and is in force on the day the result was observed (UTC): from its
effective date until it expires or is revoked. After that the same failure counts again as an
unaccepted failure. Risks approved after the as-of day, and revocations after it, are not known
to the report (as attachments and runs after it are not).

Counting reads a result set's blob only when a risk could cover it (its check and provider match
a risk in force that day), once per distinct blob and set of risks in force; with no accepted
risk nothing is read at all.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from fnmatch import fnmatchcase

from collector.report.exceptions import ExceptionInterval
from collector.report.history import Step
from collector.report.model import RiskRow
from collector.risks.book import RiskBook, RiskState
from collector.risks.model import revoked_on
from storage import Repository, ResultSetRecord
from storage.changes import ResultKey

_Failing = tuple[tuple[str, str, str], ...]
"""(resource id, result scope or "", result region or "") of each failing result of a blob."""
NONE: tuple[int, tuple[str, ...]] = (0, ())


def known_on(book: RiskBook, day: date) -> RiskBook:
    """The risks as recorded by the end of ``day``: later approvals and revocations left out."""
    risks = [s.risk for s in book if s.risk.approved_at.date() <= day]
    revocations = [s.revocation for s in book if s.revocation is not None
                   and s.revocation.revoked_at.date() <= day]
    return RiskBook(risks, revocations)


class Acceptance:
    """Accepted failing results per result set, per exception, and the risks of a period."""

    def __init__(self, repo: Repository, book: RiskBook) -> None:
        self.repo = repo
        self.book = book
        self.states = list(book)
        self._candidates: dict[tuple[str, str], list[RiskState]] = {}
        self._failing: dict[str, _Failing] = {}
        self._counted: dict[tuple[object, ...], tuple[int, tuple[str, ...]]] = {}
        self.by_risk: dict[str, list[int]] = {}
        """Risk id -> [failing results accepted] over the result sets counted."""
        self.criteria: dict[str, set[str]] = {}
        """Risk id -> criteria of the failing results it accepted."""
        self.times: dict[ResultKey | tuple[str, str], list[datetime]] = {}
        """Observation times of each result key in the walk, and of each (check, provider)
        (see :meth:`watch`)."""

    def _for(self, check_id: str, provider: str) -> list[RiskState]:
        key = (check_id, provider)
        found = self._candidates.get(key)
        if found is None:
            found = self._candidates[key] = [
                s for s in self.states if fnmatchcase(check_id, s.risk.check)
                and fnmatchcase(provider, s.risk.provider)]
        return found

    def _failures(self, sha: str) -> _Failing:
        found = self._failing.get(sha)
        if found is None:
            body = json.loads(self.repo.get_blob(sha))
            found = self._failing[sha] = tuple(
                (str(r["resource_id"]), str(r.get("scope") or ""), str(r.get("region") or ""))
                for r in body["results"] if r["status"] == "fail")
        return found

    def count(self, rs: ResultSetRecord, criteria: Sequence[str]) -> tuple[int, tuple[str, ...]]:
        """(failing results of ``rs`` an accepted risk covers, the ids of those risks)."""
        if not rs.n_fail or not self.states:
            return NONE
        day = rs.observed_at.date()
        live = [s for s in self._for(rs.check_id, rs.provider) if s.in_force(day)]
        if not live:
            return NONE
        memo = (rs.result_set_sha256, rs.scope, rs.region, *(s.risk.risk_id for s in live))
        found = self._counted.get(memo)
        if found is None:
            n, ids = 0, set()
            for rid, scope, region in self._failures(rs.result_set_sha256):
                for s in live:
                    if s.risk.covers(rs.check_id, rid, rs.provider, scope or rs.scope,
                                     region or rs.region):
                        n += 1
                        ids.add(s.risk.risk_id)
                        break
            found = self._counted[memo] = (n, tuple(sorted(ids)))
        for risk_id in found[1]:
            n = found[0] if len(found[1]) == 1 else self._per_risk(rs, live, risk_id)
            self.by_risk.setdefault(risk_id, [0])[0] += n
            self.criteria.setdefault(risk_id, set()).update(criteria)
        return found

    def _per_risk(self, rs: ResultSetRecord, live: list[RiskState], risk_id: str) -> int:
        """Failing results of ``rs`` that ``risk_id`` is the first live risk to cover."""
        memo = ("risk", rs.result_set_sha256, rs.scope, rs.region, risk_id,
                *(s.risk.risk_id for s in live))
        found = self._counted.get(memo)
        if found is None:
            n = 0
            for rid, scope, region in self._failures(rs.result_set_sha256):
                first = next((s.risk.risk_id for s in live if s.risk.covers(
                    rs.check_id, rid, rs.provider, scope or rs.scope, region or rs.region)),
                    None)
                n += first == risk_id
            found = self._counted[memo] = (n, ())
        return found[0]

    def watch(self, steps: Iterable[Step]) -> Iterator[Step]:
        """Pass the walk's steps through, noting when each key was observed (only when some
        risk exists: exceptions are then annotated with :meth:`annotate`)."""
        if not self.states:
            yield from steps
            return
        times = self.times
        for step in steps:
            at = step.result_set.observed_at
            for key in (step.key, step.key[:2]):
                found = times.get(key)
                if found is None:
                    found = times[key] = []
                if not found or found[-1] != at:
                    found.append(at)
            yield step

    def annotate(self, exceptions: list[ExceptionInterval]) -> list[ExceptionInterval]:
        """Each exception with the risk in force covering it when it was last observed
        failing (``accepted_risk``), else unchanged."""
        if not self.states:
            return exceptions
        for found in self.times.values():
            found.sort()
        out = []
        for x in exceptions:
            if not self._for(x.check_id, x.provider):
                out.append(x)
                continue
            # the result set's key, when the resource's scope and region are the set's; else
            # every observation of the check (a resource scoped below its result set)
            seen = self.times.get((x.check_id, x.provider, x.scope, x.region)) or \
                self.times.get((x.check_id, x.provider), [])
            day = last_failing(x, seen).date()
            risk = self.book.covering(x.check_id, x.resource_id, x.provider, x.scope,
                                      x.region, day)
            out.append(replace(x, accepted_risk=risk) if risk else x)
        return out

    def rows(self, start: date, end: date, today: date) -> tuple[RiskRow, ...]:
        """The risks whose term overlaps ``start``..``end``, with their status on ``today``."""
        out = []
        for s in self.states:
            r, gone = s.risk, revoked_on(s.revocation)
            last = r.expires if gone is None else min(r.expires, gone - timedelta(days=1))
            if r.effective_from > end or last < start:
                continue
            out.append(RiskRow(
                r.risk_id, r.check, r.resource, r.provider, r.scope, r.region, r.reason,
                r.approver, r.approved_at, r.effective_from, r.expires, r.backdated, r.ticket,
                s.status(today), s.revocation.revoked_at if s.revocation else None,
                self.by_risk.get(r.risk_id, [0])[0],
                tuple(sorted(self.criteria.get(r.risk_id, ())))))
        return tuple(out)


def last_failing(x: ExceptionInterval, observed: Sequence[datetime]) -> datetime:
    """When a run last observed the exception's resource failing: the latest observation of
    its check, provider, scope and region before it was fixed (or before the unknown span it
    ends in), outside unknown spans; ``first_seen`` when none is later."""
    horizon = x.fixed_at
    if x.unknown and x.unknown[-1].until is None:
        horizon = x.unknown[-1].since
    i = bisect_left(observed, horizon) if horizon is not None else len(observed)
    while i > 0:
        t = observed[i - 1]
        if t < x.first_seen:
            break
        if not any(s.since <= t and (s.until is None or t < s.until) for s in x.unknown):
            return t
        i -= 1
    return x.first_seen

