"""A synthetic evidence history written straight through the storage API (tests and bench).

Each run is what the runner would store: a recorded mapping, one scope with its call list, and
per check a result set in the runner's shape (results sorted by resource, "calls" digests) whose
calls point to stored response blobs. Between runs a few resources flip between pass and fail,
so only what changed is new (content addressing), as in a real estate.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from collector.mapping import MAPPING_FORMAT
from storage import CallRecord, Repository, ResultSetRecord, ScopeRecord, canonical_json
from storage.canonical import sha256_hex

ACCOUNT = "111111111111"
REGION = "us-east-1"
IDENTITY = f"arn:aws:sts::{ACCOUNT}:assumed-role/EvidenceReader/evidence"
CRITERIA = ("CC6.1", "CC6.6", "CC7.2", "CC8.1", "A1.2", "C1.1", "CC6.7", "CC7.1")
T0 = datetime(2026, 1, 1, 3, 0, tzinfo=UTC)


@dataclass
class History:
    """What was generated (for assertions)."""

    run_ids: list[str] = field(default_factory=list)
    check_ids: list[str] = field(default_factory=list)
    criteria: dict[str, tuple[str, ...]] = field(default_factory=dict)
    results_per_run: int = 0
    failing_at_end: set[tuple[str, str]] = field(default_factory=set)
    ever_failed: set[tuple[str, str]] = field(default_factory=set)


def check_criteria(i: int) -> tuple[str, ...]:
    """Criteria of the i-th synthetic check (one or two, from CRITERIA)."""
    first = CRITERIA[i % len(CRITERIA)]
    second = CRITERIA[(i * 3 + 1) % len(CRITERIA)]
    return (first,) if i % 2 or second == first else (first, second)


def _call(check: str, operation: str, params: dict[str, str], response: str) -> CallRecord:
    return CallRecord(provider="aws", service=check.split("_")[1], operation=operation,
                      params=params, scope=ACCOUNT, region=REGION, identity=IDENTITY,
                      http_status=200, error_code=None, pages=1, complete=True,
                      response_sha256=response)


class _Estate:
    def __init__(self, repo: Repository, checks: int, resources: int, seed: int) -> None:
        self.repo = repo
        self.rng = random.Random(seed)
        self.checks = [f"aws_bench_check_{i:02d}" for i in range(checks)]
        per = max(1, resources // checks)
        self.resources = {c: [f"arn:aws:bench:{REGION}:{ACCOUNT}:{c}/r{j:05d}" for j in range(per)]
                          for c in self.checks}
        self.failing = {(c, r) for c in self.checks for r in self.resources[c]
                        if self.rng.random() < 0.02}
        self.stored: set[str] = set()
        self.digest_of: dict[tuple[str, str, bool], str] = {}

    def _resource_call(self, check: str, rid: str, bad: bool,
                       pending: dict[str, tuple[bytes, CallRecord]]) -> str:
        key = (check, rid, bad)
        digest = self.digest_of.get(key)
        if digest is None:
            response = canonical_json({"Arn": rid, "Setting": {"Enabled": not bad}})
            record = _call(check, "describe_setting", {"ResourceArn": rid},
                           sha256_hex(response))
            digest = record.digest()
            pending[digest] = (response, record)
            self.digest_of[key] = digest
        return digest

    def result_set(self, check: str, at: datetime) -> tuple[ResultSetRecord, list[str]]:
        results, digests = [], []
        pending: dict[str, tuple[bytes, CallRecord]] = {}
        for rid in self.resources[check]:
            bad = (check, rid) in self.failing
            digests.append(self._resource_call(check, rid, bad, pending))
            results.append({"resource_id": rid, "status": "fail" if bad else "pass",
                            "message": "setting disabled" if bad else "setting enabled",
                            "error_code": None})
        if pending:  # new responses and calls, stored in one transaction each
            self.repo.put_blobs(("response", data) for data, _ in pending.values())
            self.repo.put_calls(record for _, record in pending.values())
        body = canonical_json({"check_id": check, "check_version": "1",
                               "results": results, "calls": sorted(set(digests))})
        sha = sha256_hex(body)
        if sha not in self.stored:
            self.repo.put_blob("result_set", body)
            self.stored.add(sha)
        n_fail = sum(1 for r in results if r["status"] == "fail")
        record = ResultSetRecord(check_id=check, check_version="1", provider="aws",
                                 scope=ACCOUNT, region=REGION, observed_at=at,
                                 result_set_sha256=sha, n_pass=len(results) - n_fail,
                                 n_fail=n_fail, n_error=0, n_na=0)
        return record, digests


def mapping_blob(checks: list[str]) -> bytes:
    """A recorded mapping (collector.mapping's format) for the synthetic checks."""
    return canonical_json({
        "format": MAPPING_FORMAT, "catalog": {"version": "test", "sha256": "0" * 64},
        "checks": {c: {"criteria": list(check_criteria(i)), "declared": list(check_criteria(i)),
                       "version": "1", "origin": "bench", "title": f"Synthetic check {i}"}
                   for i, c in enumerate(checks)}})


def build_history(repo: Repository, *, days: int, resources: int, checks: int,
                  flips_per_day: int = 5, seed: int = 7, start: datetime = T0) -> History:
    """Store ``days`` daily runs of an estate of ``resources`` resources under ``checks``."""
    estate = _Estate(repo, checks, resources, seed)
    mapping = repo.put_blob("mapping", mapping_blob(estate.checks))
    hist = History(check_ids=list(estate.checks),
                   criteria={c: check_criteria(i) for i, c in enumerate(estate.checks)},
                   results_per_run=sum(len(v) for v in estate.resources.values()))
    call_lists: set[str] = set()
    for day in range(days):
        at = start + timedelta(days=day)
        if day:
            for _ in range(flips_per_day):
                check = estate.rng.choice(estate.checks)
                pair = (check, estate.rng.choice(estate.resources[check]))
                estate.failing.symmetric_difference_update({pair})
        hist.ever_failed |= estate.failing
        run_id = f"{at:%Y%m%dT%H%M%SZ}-{day:06x}"
        repo.start_run(run_id, started_at=at, tool_version="0.1.0", config_hash="bench",
                       mapping_sha256=mapping, host="bench", pid=1)
        all_digests: set[str] = set()
        for check in estate.checks:
            record, digests = estate.result_set(check, at + timedelta(seconds=30))
            all_digests.update(digests)
            repo.add_result_set(run_id, record)
        listing = canonical_json(sorted(all_digests))
        calls_sha = sha256_hex(listing)
        if calls_sha not in call_lists:
            calls_sha = repo.put_call_list(all_digests)
            call_lists.add(calls_sha)
        repo.add_scope(run_id, ScopeRecord(
            provider="aws", scope=ACCOUNT, region=REGION, identity=IDENTITY, started_at=at,
            finished_at=at + timedelta(minutes=1), requests=len(all_digests), retries=0,
            errors=(), calls_sha256=calls_sha))
        repo.finish_run(run_id, status="complete", finished_at=at + timedelta(minutes=1),
                        identities=[IDENTITY])
        hist.run_ids.append(run_id)
    hist.failing_at_end = set(estate.failing)
    return hist
