"""Builders for test records and runs."""

from __future__ import annotations

import zlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, update

from storage import CallRecord, Repository, ResultSetRecord, ScopeRecord, canonical_json
from storage.canonical import sha256_hex
from storage.chain import build_manifest, lock_head
from storage.index import KIND_INDEX_DIGESTS, index_at_seal
from storage.ledger import append
from storage.models import ChainHead, Run, RunManifest, table_of
from storage.rows import json_text, run_record
from storage.sealed import staged_records

T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
MAPPING = "a" * 64


def call(n: int, *, scope: str = "111111111111", response_sha256: str | None = None) -> CallRecord:
    """A call record that differs by ``n``."""
    return CallRecord(
        provider="aws",
        service="s3",
        operation="get_bucket_policy",
        params={"Bucket": f"bucket-{n}"},
        scope=scope,
        region="us-east-1",
        identity="arn:aws:sts::111111111111:assumed-role/EvidenceReader/x",
        http_status=200,
        error_code=None,
        pages=1,
        complete=True,
        response_sha256=response_sha256,
    )


def store_estate(
    repo: Repository,
    run_id: str,
    *,
    at: datetime = T0,
    n_checks: int = 3,
    variant: str = "",
    host: str = "host-a",
    pid: int = 4242,
) -> str:
    """Start ``run_id`` and store one scope plus ``n_checks`` result sets for it.

    The stored content (responses, calls, result sets) depends only on ``variant``, so two runs
    with the same variant store identical evidence. Returns the run id; the run is left running.
    """
    repo.start_run(
        run_id,
        started_at=at,
        tool_version="0.1.0",
        config_hash="cfg",
        mapping_sha256=MAPPING,
        host=host,
        pid=pid,
    )
    responses = [
        repo.put_blob("response", canonical_json({"n": n, "v": variant})) for n in range(5)
    ]
    digests = repo.put_calls(call(n, response_sha256=r) for n, r in enumerate(responses))
    calls_sha = repo.put_call_list(digests)
    repo.add_scope(
        run_id,
        ScopeRecord(
            provider="aws",
            scope="111111111111",
            region="us-east-1",
            identity="arn:aws:sts::111111111111:assumed-role/EvidenceReader/x",
            started_at=at,
            finished_at=at + timedelta(seconds=30),
            requests=7,
            retries=1,
            errors=(("Throttling", "Rate exceeded"),),
            calls_sha256=calls_sha,
        ),
    )
    for c in range(n_checks):
        payload = canonical_json([{"resource": f"r{c}", "status": "pass", "v": variant}])
        sha = repo.put_blob("result_set", payload)
        repo.add_result_set(
            run_id,
            ResultSetRecord(
                check_id=f"aws_check_{c}",
                check_version="1",
                provider="aws",
                scope="111111111111",
                region="us-east-1",
                observed_at=at + timedelta(seconds=10),
                result_set_sha256=sha,
                n_pass=1,
                n_fail=0,
                n_error=0,
                n_na=0,
            ),
        )
    return run_id


def sealed_run(repo: Repository, run_id: str, *, at: datetime = T0, variant: str = "") -> str:
    """Store an estate for ``run_id`` and seal it ``complete``; return its manifest hash."""
    store_estate(repo, run_id, at=at, variant=variant)
    return repo.finish_run(
        run_id, status="complete", finished_at=at + timedelta(minutes=1), identities=["id-a"]
    )


def seal_runs_in_process(db_url: str, prefix: str, count: int) -> list[int]:
    """Child-process body: open the database, store and seal ``count`` runs, return their seqs."""
    with Repository.open(db_url) as repo:
        seqs = []
        for i in range(count):
            run_id = f"{prefix}-{i}"
            store_estate(repo, run_id, at=T0 + timedelta(minutes=i), n_checks=2)
            repo.finish_run(run_id, status="complete", finished_at=T0, identities=[prefix])
            seqs.append(repo.get_run(run_id).chain_seq or 0)
        return seqs


def legacy_seal(repo: Repository, run_id: str, *, at: datetime = T0) -> str:
    """Seal a stored run as revision 0003 did (rows kept, manifest bytes stored), so tests can
    prove older databases still read, verify and export; return its manifest hash."""
    sealed_at = at + timedelta(minutes=1)
    with repo.engine.begin() as conn:
        head = lock_head(conn)
        run = replace(
            run_record(conn.execute(select(table_of(Run)).where(Run.run_id == run_id)).one()),
            status="complete", finished_at=sealed_at, identities=("id-a",),
            chain_seq=head.seq + 1, prev_sha256=head.head_sha256,
        )
        manifest = build_manifest(run, *staged_records(conn, run_id))
        sha = sha256_hex(manifest)
        conn.execute(insert(table_of(RunManifest)).values(
            run_id=run_id, sha256=sha, size=len(manifest), data=zlib.compress(manifest)))
        conn.execute(update(table_of(Run)).where(Run.run_id == run_id).values(
            status=run.status, finished_at=sealed_at, identities=json_text(["id-a"]),
            chain_seq=run.chain_seq, prev_sha256=run.prev_sha256, manifest_sha256=sha))
        conn.execute(update(table_of(ChainHead)).values(seq=run.chain_seq, head_sha256=sha))
        # what migration 0005 records for a run sealed before it: its index and their digest
        rows = index_at_seal(conn, run, staged_records(conn, run_id)[1], run.chain_seq or 0)
        append(conn, KIND_INDEX_DIGESTS, {"runs": [[run_id, sha, rows]]}, sealed_at)
    return sha
