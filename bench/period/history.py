"""A synthetic estate written straight through the storage API, as the runner stores it.

``resources`` resources spread evenly over ``checks`` checks in one account and region. Each
resource has one API call (a CallRecord with its response blob); each check's result set is in
the runner's format. Every day ``change`` of the results flip between pass and fail (content
addressing stores only what changed); ``change=0`` is an unchanged estate.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from storage import CallRecord, Repository, ResultSetRecord, ScopeRecord, canonical_json
from storage.canonical import sha256_hex

ACCOUNT = "111111111111"
REGION = "us-east-1"
IDENTITY = f"arn:aws:sts::{ACCOUNT}:assumed-role/EvidenceReader/evidence"
T0 = datetime(2026, 1, 1, 3, 0, tzinfo=UTC)
CRITERIA = ("CC6.1", "CC6.6", "CC7.2", "CC8.1", "A1.2", "C1.1", "CC6.7", "CC7.1")


class Estate:
    """The estate and the history generator."""

    def __init__(self, repo: Repository, *, resources: int, checks: int, seed: int = 7,
                 t0: datetime = T0) -> None:
        self.repo = repo
        self.t0 = t0
        """When run number 0 starts."""
        self.rng = random.Random(seed)
        self.checks = [f"aws_bench_check_{i:02d}" for i in range(checks)]
        per = max(1, resources // checks)
        self.resources = {c: [f"arn:aws:bench:{REGION}:{ACCOUNT}:{c}/r{j:05d}" for j in range(per)]
                          for c in self.checks}
        self.failing = {(c, r) for c in self.checks for r in self.resources[c]
                        if self.rng.random() < 0.02}
        self._digests: dict[tuple[str, bool], str] = {}
        mapping = {"format": "evidence-criteria-mapping/1",
                   "catalog": {"version": "bench", "sha256": "0" * 64},
                   "checks": {c: {"criteria": [CRITERIA[i % len(CRITERIA)]],
                                  "declared": [CRITERIA[i % len(CRITERIA)]], "version": "1",
                                  "origin": "bench", "title": f"Synthetic check {i}"}
                              for i, c in enumerate(self.checks)}}
        self.mapping = repo.put_blob("mapping", canonical_json(mapping))

    def flip(self, fraction: float) -> None:
        """Flip ``fraction`` of all results between pass and fail."""
        pairs = [(c, r) for c in self.checks for r in self.resources[c]]
        for pair in self.rng.sample(pairs, round(len(pairs) * fraction)):
            self.failing ^= {pair}

    def _calls(self, check: str) -> list[str]:
        todo: dict[str, tuple[bytes, CallRecord]] = {}
        digests = []
        for rid in self.resources[check]:
            bad = (check, rid) in self.failing
            digest = self._digests.get((rid, bad))
            if digest is None:
                body = canonical_json({"Arn": rid, "Setting": {"Enabled": not bad,
                                                               "Tags": {"team": "platform"}}})
                record = CallRecord(provider="aws", service="bench", operation="describe",
                                    params={"Arn": rid}, scope=ACCOUNT, region=REGION,
                                    identity=IDENTITY, http_status=200, error_code=None,
                                    pages=1, complete=True, response_sha256=sha256_hex(body))
                digest = self._digests[(rid, bad)] = record.digest()
                todo[digest] = (body, record)
            digests.append(digest)
        if todo:
            self.repo.put_blobs(("response", body) for body, _ in todo.values())
            self.repo.put_calls(record for _, record in todo.values())
        return digests

    def run(self, n: int, after: Callable[[str], None] | None = None) -> str:
        """Store and seal run number ``n`` (day ``n`` after ``t0``); return its id."""
        at = self.t0 + timedelta(days=n)
        run_id = f"{at:%Y%m%dT%H%M%SZ}-bench"
        self.repo.start_run(run_id, started_at=at, tool_version="bench", config_hash="bench",
                            mapping_sha256=self.mapping, host="bench", pid=1)
        every: list[str] = []
        for check in self.checks:
            digests = self._calls(check)
            every += digests
            results = [{"resource_id": rid, "status": "fail" if (check, rid) in self.failing
                        else "pass", "message": "setting disabled" if (check, rid)
                        in self.failing else "setting enabled", "error_code": None}
                       for rid in self.resources[check]]
            body = canonical_json({"check_id": check, "check_version": "1", "results": results,
                                   "calls": sorted(set(digests))})
            sha = self.repo.put_blob("result_set", body)
            fails = sum(1 for r in results if r["status"] == "fail")
            self.repo.add_result_set(run_id, ResultSetRecord(
                check_id=check, check_version="1", provider="aws", scope=ACCOUNT, region=REGION,
                observed_at=at + timedelta(seconds=30), result_set_sha256=sha,
                n_pass=len(results) - fails, n_fail=fails, n_error=0, n_na=0))
        calls = self.repo.put_call_list(every)
        self.repo.add_scope(run_id, ScopeRecord(
            provider="aws", scope=ACCOUNT, region=REGION, identity=IDENTITY, started_at=at,
            finished_at=at + timedelta(minutes=1), requests=len(every), retries=0, errors=(),
            calls_sha256=calls))
        self.repo.finish_run(run_id, status="complete", finished_at=at + timedelta(minutes=1),
                             identities=[IDENTITY])
        if after is not None:
            after(run_id)
        return run_id
