"""Exception intervals of a Type I bundle (one run): every failing resource is an open interval.

Type II bundles take their intervals from the period report (``collector.report.exceptions``);
a single run has no history, so its intervals are simply the resources it saw failing. A
resource whose result is ``error`` opens none (unknown is not a failure; it is counted in the
criterion's errors), as in the period report.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from collector.export.model import ExceptionInterval
from collector.export.source import RunReader
from storage import ResultSetRecord, RunRecord


def single_run_intervals(reader: RunReader,
                         items: Iterable[tuple[RunRecord, ResultSetRecord, tuple[str, ...]]],
                         end: datetime) -> tuple[ExceptionInterval, ...]:
    """One still-failing interval per failing resource of the run's result sets."""
    out = []
    for _, rs, crit in items:
        if not rs.n_fail:
            continue
        body = json.loads(reader.repo.get_blob(rs.result_set_sha256))
        for r in body["results"]:
            if r["status"] == "fail":
                out.append(ExceptionInterval(
                    rs.check_id, r["resource_id"], rs.provider, r.get("scope") or rs.scope,
                    r.get("region") or rs.region, crit, rs.observed_at, None,
                    int((end - rs.observed_at).total_seconds()), r["message"]))
    return tuple(sorted(out, key=ExceptionInterval.sort_key))
