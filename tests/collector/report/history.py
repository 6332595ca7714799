"""Building run histories directly through the storage API, in the runner's blob format."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from storage import Repository, ResultSetRecord, canonical_json

ACCOUNT = "111111111111"
Results = Mapping[str, Sequence[tuple[str, str]]]
"""check id -> [(resource id, status)]."""


def day(n: int, hour: int = 3) -> datetime:
    """Day ``n`` of January 2026 at ``hour`` UTC."""
    return datetime(2026, 1, 1, hour, tzinfo=UTC) + timedelta(days=n - 1)


def put_mapping(repo: Repository, checks: Mapping[str, Sequence[str]]) -> str:
    """Store a criteria mapping (collector.mapping's format) and return its hash."""
    body = {"format": "evidence-criteria-mapping/1",
            "catalog": {"version": "test", "sha256": "0" * 64},
            "checks": {cid: {"criteria": list(crit), "declared": list(crit), "version": "1",
                             "origin": "tests", "title": f"Title of {cid}"}
                       for cid, crit in sorted(checks.items())}}
    return repo.put_blob("mapping", canonical_json(body))


def result_set_blob(check_id: str, results: Sequence[tuple[str, str]]) -> bytes:
    """A result-set blob exactly as the runner stores it."""
    ordered = sorted(results)
    return canonical_json({
        "check_id": check_id, "check_version": "1",
        "results": [{"resource_id": rid, "status": st, "message": f"{rid} is {st}",
                     "error_code": "AccessDenied" if st == "error" else None}
                    for rid, st in ordered],
        "calls": []})


def add_run(repo: Repository, run_id: str, at: datetime, results: Results, *, mapping: str,
            status: str = "complete", region: str = "us-east-1",
            collection_id: str | None = None) -> str:
    """Store and seal one run; return its run id."""
    repo.start_run(run_id, started_at=at, tool_version="0.test", config_hash="cfg",
                   mapping_sha256=mapping, host="test-host", pid=1, collection_id=collection_id)
    for check_id, rows in sorted(results.items()):
        sha = repo.put_blob("result_set", result_set_blob(check_id, rows))
        n = {s: sum(1 for _, st in rows if st == s)
             for s in ("pass", "fail", "error", "not_applicable")}
        repo.add_result_set(run_id, ResultSetRecord(
            check_id=check_id, check_version="1", provider="aws", scope=ACCOUNT, region=region,
            observed_at=at + timedelta(minutes=1), result_set_sha256=sha, n_pass=n["pass"],
            n_fail=n["fail"], n_error=n["error"], n_na=n["not_applicable"]))
    repo.finish_run(run_id, status=status,  # type: ignore[arg-type]
                    finished_at=at + timedelta(minutes=2), identities=["tester"])
    return run_id
