"""What changed between two runs: new failures, fixes, resources added and removed.

Only result sets whose content differs (different sha256) are read. A resource is *added* when
it appears in run B for a check x scope x region where run A did not list it, *removed* when
run B's result set for it holds no error and no longer lists it; a *new failure* is ``fail`` in
B and not in A (including newly added resources that fail); a *fix* is ``fail`` in A and
``pass``/``not_applicable`` in B. A resource that run B could not judge (its result is
``error``, or it is missing from a result set that holds an error) is *unknown*, never removed
or fixed: the rule of ``collector.report.exceptions.observe``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from collector.report.exceptions import UNKNOWN, observe
from collector.report.history import ResourceState, State, key_of, parse_state
from storage import Repository
from storage.changes import ABSENT, ResultKey


@dataclass(frozen=True)
class DiffItem:
    """One resource of one check whose state differs between the runs."""

    check_id: str
    provider: str
    scope: str
    region: str
    resource_id: str
    before: str | None
    """Status in run A (``None``: not listed)."""
    after: str | None
    """Status in run B (``None``: not listed)."""
    message: str
    """The message in run B (run A's when the resource is gone)."""


@dataclass(frozen=True)
class RunDiff:
    """The differences between run A and run B, each list sorted by check, scope, resource."""

    run_a: str
    run_b: str
    new_failures: tuple[DiffItem, ...]
    fixes: tuple[DiffItem, ...]
    added: tuple[DiffItem, ...]
    removed: tuple[DiffItem, ...]
    """Listed in A, not listed by B's error-free result set (deleted)."""
    unknown: tuple[DiffItem, ...]
    """Listed in A, unknown in B: an ``error`` result, or missing from a result set with an
    error or from a check x scope x region B has no result set for (``after`` is ``None``)."""
    checks_added: tuple[str, ...]
    """Check x scope x region result sets only in B, as ``check provider/scope/region``."""
    checks_removed: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return asdict(self)


def _label(key: ResultKey) -> str:
    return f"{key[0]} {key[1]}/{key[2]}/{key[3]}"


def diff_runs(repo: Repository, run_a: str, run_b: str) -> RunDiff:
    """Compare two stored runs (ids or ``latest``)."""
    a, b = repo.get_run(run_a), repo.get_run(run_b)
    sets = repo.result_sets_of_runs([a.run_id, b.run_id])
    in_a = {key_of(rs): rs.result_set_sha256 for rs in sets[a.run_id]}
    in_b = {key_of(rs): rs.result_set_sha256 for rs in sets[b.run_id]}
    errored_b = {key_of(rs) for rs in sets[b.run_id] if rs.n_error}
    new, fixes, added, removed, unknown = [], [], [], [], []
    for key in sorted(set(in_a) | set(in_b)):
        sha_a, sha_b = in_a.get(key), in_b.get(key)
        if sha_a == sha_b:
            continue
        unjudged = sha_b is None or key in errored_b  # B did not run the check there, or errored
        old: State = parse_state(repo.get_blob(sha_a)) if sha_a else {}
        now: State = parse_state(repo.get_blob(sha_b)) if sha_b else {}
        for rid in sorted(set(old) | set(now)):
            before: ResourceState | None = old.get(rid)
            after: ResourceState | None = now.get(rid)
            if before == after:
                continue
            item = DiffItem(*key, rid, before[0] if before else None,
                            after[0] if after else None, (after or before or ("", ""))[1])
            seen = observe(after[0] if after else ABSENT, unjudged)
            if before is None:
                added.append(item)
            elif seen == UNKNOWN:
                unknown.append(item)
            elif after is None:
                removed.append(item)
            if item.after == "fail" and item.before != "fail":
                new.append(item)
            elif item.before == "fail" and seen in ("pass", "not_applicable"):
                fixes.append(item)
    return RunDiff(a.run_id, b.run_id, tuple(new), tuple(fixes), tuple(added), tuple(removed),
                   tuple(unknown),
                   tuple(_label(k) for k in sorted(set(in_b) - set(in_a))),
                   tuple(_label(k) for k in sorted(set(in_a) - set(in_b))))
