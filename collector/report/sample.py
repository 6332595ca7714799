"""Auditor sampling: a reproducible, stratified sample of a control's occurrences in a period.

The population is every occurrence the control should have operated in: each calendar bucket
of its frequency (day, ISO week, month, quarter, year) in the period, or each collection when
it operates several times a day (``continuous``). Each occurrence names the runs that evidence
it and counts their passing, failing and ``error`` results (an error is unknown, never a pass:
see ``collector.report.exceptions``). The sample size follows common audit guidance by
frequency (annual 1, quarterly 2, monthly 2, weekly 5, daily 25, several times a day 40), or
the whole population when smaller.
It is spread across the period: the population, in time order, is cut into as many equal strata
as the sample size and one occurrence is drawn from each with ``random.Random(seed)``. Without a
seed, the seed is the first 16 hex digits of the sha256 of the population CSV's first nine
columns (:data:`SEED_COLUMNS`, the columns of the first version: columns added later never change
a draw), so anyone holding the same evidence draws the same sample.

Failing results an accepted risk covered (in force on their day, ``collector.report.accepted``)
stay in ``failed`` and are also counted in ``failed_accepted``; ``accepted_risk`` names the
risks (space-separated).
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from collector.report.coverage import days
from storage import ResultSetRecord, RunRecord

SAMPLE_SIZES = {"annual": 1, "quarterly": 2, "monthly": 2, "weekly": 5, "daily": 25,
                "continuous": 40}
SEED_COLUMNS = ("occurrence", "start", "end", "runs", "evidence_run", "evidence_status",
                "passed", "failed", "errors")
COLUMNS = (*SEED_COLUMNS, "failed_accepted", "accepted_risk")
Accepted = Callable[[RunRecord, ResultSetRecord], tuple[int, tuple[str, ...]]]
"""(failing results an accepted risk covered, those risks' ids) of one result set."""


@dataclass(frozen=True)
class Occurrence:
    """One time the control should have operated."""

    occurrence: str
    """``2026-03-05`` (day), ``2026-W10`` (week), ``2026-03`` (month), ``2026-Q1``, ``2026``,
    or a run/collection id for ``continuous``."""
    start: date
    end: date
    runs: tuple[str, ...]
    """Runs with results for the control in this occurrence, in chain order."""
    evidence_run: str | None
    """The last complete run among ``runs`` (else the last run); ``None``: no evidence."""
    evidence_status: str | None
    passed: int
    failed: int
    errors: int = 0
    """``error`` results: resources the runs could not judge (unknown, never passed; see
    ``collector.report.exceptions``)."""
    failed_accepted: int = 0
    """Of ``failed``, those an accepted risk in force on their day covered."""
    accepted_risk: tuple[str, ...] = ()
    """The accepted risks that covered them."""

    def row(self) -> dict[str, object]:
        """The CSV row."""
        return {"occurrence": self.occurrence, "start": self.start.isoformat(),
                "end": self.end.isoformat(), "runs": " ".join(self.runs),
                "evidence_run": self.evidence_run or "", "evidence_status":
                self.evidence_status or "", "passed": self.passed, "failed": self.failed,
                "errors": self.errors, "failed_accepted": self.failed_accepted,
                "accepted_risk": " ".join(self.accepted_risk)}


@dataclass(frozen=True)
class Sample:
    """A drawn sample and everything needed to reproduce it."""

    target: str
    """What was sampled, e.g. ``control AC-01`` or ``criterion CC6.1``."""
    frequency: str
    start: date
    end: date
    seed: int
    seed_derived: bool
    """True when the seed came from the population's hash (no ``--seed``)."""
    population: tuple[Occurrence, ...]
    sample: tuple[Occurrence, ...]


def bucket(day: date, frequency: str) -> tuple[str, date, date]:
    """The calendar bucket of ``day`` for ``frequency``: (label, first day, last day)."""
    if frequency == "weekly":
        iso = day.isocalendar()
        first = day - timedelta(days=iso.weekday - 1)
        return f"{iso.year}-W{iso.week:02d}", first, first + timedelta(days=6)
    if frequency == "monthly":
        first = day.replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        return f"{day:%Y-%m}", first, nxt - timedelta(days=1)
    if frequency == "quarterly":
        q = (day.month - 1) // 3
        first = date(day.year, 3 * q + 1, 1)
        nxt = date(day.year + 1, 1, 1) if q == 3 else date(day.year, 3 * q + 4, 1)
        return f"{day.year}-Q{q + 1}", first, nxt - timedelta(days=1)
    if frequency == "annual":
        return str(day.year), date(day.year, 1, 1), date(day.year, 12, 31)
    return day.isoformat(), day, day


def build_population(runs: Sequence[RunRecord], rows: dict[str, list[ResultSetRecord]],
                     counts: Callable[[RunRecord, ResultSetRecord], bool], frequency: str,
                     start: date, end: date,
                     accepted: Accepted | None = None) -> tuple[Occurrence, ...]:
    """The occurrences of ``start``..``end``; ``counts`` says which result sets evidence the
    control, ``accepted`` which of their failures accepted risks covered. Calendar buckets are
    clipped to the period."""
    evidence: dict[str, list[tuple[RunRecord, int, int, int, int, set[str]]]] = {}
    for run in runs:
        sets = [rs for rs in rows.get(run.run_id, ()) if counts(run, rs)]
        if sets:
            key = (run.collection_id or run.run_id) if frequency == "continuous" else (
                bucket(run.started_at.date(), frequency)[0])
            n_accepted, ids = 0, set[str]()
            for rs in sets:
                if accepted is not None and rs.n_fail:
                    n, risk_ids = accepted(run, rs)
                    n_accepted += n
                    ids.update(risk_ids)
            evidence.setdefault(key, []).append(
                (run, sum(s.n_pass for s in sets), sum(s.n_fail for s in sets),
                 sum(s.n_error for s in sets), n_accepted, ids))
    if frequency == "continuous":
        labels = [(k, v[0][0].started_at.date(), v[-1][0].started_at.date())
                  for k, v in evidence.items()]
    else:
        seen: dict[str, tuple[str, date, date]] = {}
        for d in days(start, end):
            label, first, last = bucket(d, frequency)
            seen.setdefault(label, (label, max(first, start), min(last, end)))
        labels = list(seen.values())
    out = []
    for label, first, last in labels:
        found = evidence.get(label, [])
        done = [e[0] for e in found if e[0].status == "complete"]
        candidates = done or [e[0] for e in found]
        chosen: RunRecord | None = candidates[-1] if candidates else None
        out.append(Occurrence(label, first, last, tuple(e[0].run_id for e in found),
                              chosen.run_id if chosen else None,
                              chosen.status if chosen else None,
                              sum(e[1] for e in found), sum(e[2] for e in found),
                              sum(e[3] for e in found), sum(e[4] for e in found),
                              tuple(sorted({i for e in found for i in e[5]}))))
    return tuple(out)


def to_csv(occurrences: Sequence[Occurrence], extra: Sequence[str] = (),
           columns: Sequence[str] = COLUMNS) -> str:
    """CSV text of occurrences (``extra`` prepends a ``sample_no`` column when given)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*extra, *columns])
    for i, occ in enumerate(occurrences, 1):
        row = occ.row()
        writer.writerow([*([i] if extra else []), *(row[c] for c in columns)])
    return out.getvalue()


def derive_seed(population: Sequence[Occurrence]) -> int:
    """The seed used when none is given: sha256 of the population CSV's :data:`SEED_COLUMNS`,
    first 16 hex digits."""
    text = to_csv(population, columns=SEED_COLUMNS)
    return int(hashlib.sha256(text.encode()).hexdigest()[:16], 16)


def draw(target: str, frequency: str, start: date, end: date,
         population: Sequence[Occurrence], seed: int | None = None) -> Sample:
    """Draw the stratified sample (see the module docstring)."""
    if frequency not in SAMPLE_SIZES:
        raise ValueError(f"unknown frequency {frequency!r}: one of {', '.join(SAMPLE_SIZES)}")
    chosen_seed = derive_seed(population) if seed is None else seed
    rng = random.Random(chosen_seed)
    n, size = len(population), min(SAMPLE_SIZES[frequency], len(population))
    picked = []
    for i in range(size):
        lo, hi = i * n // size, (i + 1) * n // size
        picked.append(population[lo + rng.randrange(hi - lo)])
    return Sample(target, frequency, start, end, chosen_seed, seed is None, tuple(population),
                  tuple(picked))
