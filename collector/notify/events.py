"""What a sealed run means to an owner: new failures, fixes, and a partial or failed run.

A failure is *new* when the resource is failing now and was not failing in the previous
complete run of the same scope (provider and scope id). A resource is *fixed* only when it is
observed passing now after failing then: an error or a resource that vanished is unknown,
never a fix. A failure covered by an accepted risk in force today is not alerted as new.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from collector.notify.message import Event
from collector.results import ResultRow, result_rows
from collector.risks.book import RiskBook
from storage import Repository
from storage.records import RunRecord

Key = tuple[str, str, str, str, str]
"""(provider, scope, region, check, resource) of a result."""


def _key(r: ResultRow) -> Key:
    return (r.provider, r.scope, r.region, r.check_id, r.resource_id)


def previous_complete(repo: Repository, run: RunRecord, scopes: set[tuple[str, str]],
                      lookback: int = 200) -> RunRecord | None:
    """The latest complete sealed run before `run` that covered one of its scopes."""
    for other in repo.list_runs(limit=lookback):
        if other.run_id == run.run_id or other.status != "complete":
            continue
        if run.chain_seq is not None and (other.chain_seq or 0) >= run.chain_seq:
            continue
        if {(rs.provider, rs.scope) for rs in repo.result_sets(other.run_id)} & scopes:
            return other
    return None


def _item(r: ResultRow) -> dict[str, str]:
    return {"check_id": r.check_id, "resource_id": r.resource_id, "provider": r.provider,
            "scope": r.scope, "region": r.region, "message": r.full_message}


def compare(now: Sequence[ResultRow], before: Iterable[ResultRow],
            scopes_before: set[tuple[str, str]], book: RiskBook | None,
            today: date) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(new failures, fixes) of `now` against `before` (the previous complete run)."""
    was = {_key(r): r.status for r in before}
    new, fixed = [], []
    for r in now:
        prior = was.get(_key(r))
        if r.status == "fail" and prior != "fail":
            accepted = book.covering(r.check_id, r.resource_id, r.provider, r.scope,
                                     r.region, today) if book else None
            if accepted is None:
                new.append(_item(r))
        elif r.status == "pass" and prior == "fail" and (r.provider, r.scope) in scopes_before:
            fixed.append(_item(r))
    return new, fixed


def run_events(repo: Repository, run: RunRecord, status: str,
               book: RiskBook | None = None) -> list[Event]:
    """The events of a run about to be sealed with `status` (its results are all stored)."""
    now = list(result_rows(repo, run))
    scopes = {(r.provider, r.scope) for r in repo.result_sets(run.run_id)}
    prev = previous_complete(repo, run, scopes)
    before = list(result_rows(repo, prev)) if prev is not None else []
    scopes_before = ({(rs.provider, rs.scope) for rs in repo.result_sets(prev.run_id)}
                     if prev is not None else set())
    day = run.started_at.date()
    new, fixed = compare(now, before, scopes_before, book, day)
    events = []
    if new:
        events.append(Event("new_failure", run.run_id, tuple(new)))
    if fixed:
        events.append(Event("fixed", run.run_id, tuple(fixed)))
    if status in ("partial", "failed", "interrupted"):
        errors = tuple(_item(r) for r in now if r.status == "error")
        events.append(Event("run_partial", run.run_id, errors))
    return events
