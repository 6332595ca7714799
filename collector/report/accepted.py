"""Accepted risks in a period report: which failing results, exceptions and risks they cover.

A failing result stays ``fail`` everywhere; an accepted risk only annotates it. It is *accepted*
when a risk recorded by the report's as-of day (``collector.risks``) covers its check, resource,
provider, scope and region and is in force on the day the result was observed (UTC): from its
effective date until it expires or is revoked. After that the same failure counts again as an
unaccepted failure. Risks approved after the as-of day, and revocations after it, are not known
to the report (as attachments and runs after it are not).

A report counts a result set's accepted failures from the failing resources its walk holds for
the result set's check, provider, scope and region (``collector.report.history``: one result a
resource, the worst); whether a risk's terms cover a resource is decided once per resource.
With no accepted risk nothing is counted at all.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
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
        self._covering: dict[tuple[str, str, str, str, str], tuple[str, ...]] = {}
        self._failing: dict[str, _Failing] = {}
        self.counts: dict[tuple[str, ResultKey], int] = {}
        """(run id, result key) -> failing results an accepted risk covered (see :meth:`watch`);
        absent: none."""
        self.by_risk: dict[str, list[int]] = {}
        """Risk id -> [failing results accepted] (each by the first risk, by id, covering it)."""
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

    def _covers(self, check_id: str, provider: str, resource: str, scope: str, region: str,
                candidates: list[RiskState]) -> tuple[str, ...]:
        """Ids of the risks (by id) whose terms cover this result, whether in force or not."""
        memo = (check_id, provider, resource, scope, region)
        found = self._covering.get(memo)
        if found is None:
            found = self._covering[memo] = tuple(
                s.risk.risk_id for s in candidates
                if s.risk.covers(check_id, resource, provider, scope, region))
        return found

    def _live(self, check_id: str, provider: str, day: date) -> tuple[list[RiskState],
                                                                        frozenset[str]]:
        candidates = self._for(check_id, provider)
        return candidates, frozenset(s.risk.risk_id for s in candidates if s.in_force(day))

    def _accept(self, check_id: str, provider: str, failing: Iterable[tuple[str, str, str]],
                day: date, criteria: Sequence[str]) -> tuple[int, tuple[str, ...]]:
        """Count the failing (resource, scope, region) results an in-force risk covers."""
        candidates, live = self._live(check_id, provider, day)
        if not live:
            return NONE
        n, ids = 0, set()
        for resource, scope, region in failing:
            first = next((r for r in self._covers(check_id, provider, resource, scope, region,
                                                  candidates) if r in live), None)
            if first is not None:
                n += 1
                ids.add(first)
                self.by_risk.setdefault(first, [0])[0] += 1
                self.criteria.setdefault(first, set()).update(criteria)
        return n, tuple(sorted(ids))

    def _failures(self, rs: ResultSetRecord) -> _Failing:
        found = self._failing.get(rs.result_set_sha256)
        if found is None:
            body = json.loads(self.repo.get_blob(rs.result_set_sha256))
            found = self._failing[rs.result_set_sha256] = tuple(
                (str(r["resource_id"]), str(r.get("scope") or rs.scope),
                 str(r.get("region") or rs.region))
                for r in body["results"] if r["status"] == "fail")
        return found

    def count(self, rs: ResultSetRecord, criteria: Sequence[str] = ()) -> tuple[
            int, tuple[str, ...]]:
        """(failing results of ``rs`` an accepted risk covers, those risks' ids), read from
        its blob (for a few result sets, as ``evidence sample`` does; a report counts its walk's
        states instead, :meth:`watch`)."""
        if not rs.n_fail or not self.states or not self._live(
                rs.check_id, rs.provider, rs.observed_at.date())[1]:
            return NONE
        return self._accept(rs.check_id, rs.provider, self._failures(rs),
                            rs.observed_at.date(), criteria)

    def accepted(self, run_id: str, rs: ResultSetRecord) -> int:
        """Failing results of ``rs`` (of run ``run_id``) that :meth:`watch` found accepted."""
        return self.counts.get((run_id, (rs.check_id, rs.provider, rs.scope, rs.region)), 0)

    def watch(self, steps: Iterable[Step],
              criteria_of: Callable[[Step], Sequence[str]]) -> Iterator[Step]:
        """Pass the walk's steps through; when some risk exists, count each result set's
        accepted failures from the failing resources the walk holds for its key (one result a
        resource, the worst, as for exceptions) into :attr:`counts`, and note when each key was
        observed (for :meth:`annotate`)."""
        if not self.states:
            yield from steps
            return
        times = self.times
        # per key: each failing resource's covering risks (by id; static), and how many failing
        # resources share each covering: a step then costs its changes, not its failures
        held: dict[ResultKey, dict[str, tuple[str, ...]]] = {}
        groups: dict[ResultKey, dict[tuple[str, ...], int]] = {}
        for step in steps:
            key, rs = step.key, step.result_set
            at = rs.observed_at
            for k in (key, key[:2]):
                found = times.get(k)
                if found is None:
                    found = times[k] = []
                if not found or found[-1] != at:
                    found.append(at)
            mine, counts = held.get(key), groups.get(key)
            if mine is None or counts is None:
                mine, counts = held[key], groups[key] = {}, {}
            for rid, (status, _, scope, region) in step.changes:
                old = mine.pop(rid, None)
                if old is not None:
                    counts[old] -= 1
                if status == "fail":
                    cover = self._covers(key[0], key[1], rid, scope or key[2], region or key[3],
                                         self._for(key[0], key[1]))
                    mine[rid] = cover
                    counts[cover] = counts.get(cover, 0) + 1
            if rs.n_fail and any(c and n for c, n in counts.items()):
                self._tally(step, counts, at.date(), criteria_of)
            yield step

    def _tally(self, step: Step, counts: dict[tuple[str, ...], int], day: date,
               criteria_of: Callable[[Step], Sequence[str]]) -> None:
        """Record the step's failures that a risk in force on ``day`` covers."""
        live = self._live(step.key[0], step.key[1], day)[1]
        total = 0
        for cover, n in counts.items():
            first = next((r for r in cover if r in live), None) if n else None
            if first is not None:
                total += n
                self.by_risk.setdefault(first, [0])[0] += n
                self.criteria.setdefault(first, set()).update(criteria_of(step))
        if total:
            self.counts[(step.run.run_id, step.key)] = total

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

