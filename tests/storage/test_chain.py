"""The run hash chain: sealing, verification, tampering, concurrent sealing."""

from __future__ import annotations

import multiprocessing
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import Engine, text

from storage import Repository, sha256_hex

from .helpers import T0, seal_runs_in_process, sealed_run, store_estate


@pytest.fixture
def three(repo: Repository) -> list[str]:
    """Three sealed runs, a day apart, the last with changed content."""
    hashes = [
        sealed_run(repo, "run-1"),
        sealed_run(repo, "run-2", at=T0 + timedelta(days=1)),
        sealed_run(repo, "run-3", at=T0 + timedelta(days=2), variant="changed"),
    ]
    return hashes


def test_three_runs_chain_and_verify(repo: Repository, three: list[str]) -> None:
    runs = [repo.get_run(f"run-{n}") for n in (1, 2, 3)]
    assert [r.chain_seq for r in runs] == [1, 2, 3]
    assert [r.prev_sha256 for r in runs] == [None, three[0], three[1]]
    assert [r.manifest_sha256 for r in runs] == three
    check = repo.verify_chain()
    assert (check.ok, check.runs_checked, check.first_bad_run, check.reason) == (
        True,
        3,
        None,
        None,
    )


def test_empty_database_verifies(repo: Repository) -> None:
    assert repo.verify_chain().ok


def test_running_runs_are_not_in_the_chain(repo: Repository, three: list[str]) -> None:
    store_estate(repo, "run-4", at=T0 + timedelta(days=3))
    assert repo.verify_chain().ok


def _tamper(raw: Engine, sql: str, **params: object) -> None:
    with raw.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        conn.execute(text(sql), params)


def test_changed_status_is_detected(repo: Repository, raw: Engine, three: list[str]) -> None:
    _tamper(raw, "UPDATE runs SET status = 'complete' WHERE run_id = 'run-2'")
    assert repo.verify_chain().ok  # it was already complete: nothing changed
    _tamper(raw, "UPDATE runs SET status = 'partial' WHERE run_id = 'run-2'")
    check = repo.verify_chain()
    assert not check.ok
    assert check.first_bad_run == "run-2"
    assert check.runs_checked == 1
    assert check.reason is not None
    assert "changed: status" in check.reason


def test_changed_result_hash_is_detected(repo: Repository, raw: Engine, three: list[str]) -> None:
    other = repo.put_blob("result_set", b'[{"resource": "r0", "status": "pass"}]')
    _tamper(
        raw,
        "UPDATE run_results SET result_set_sha256 = :h WHERE run_id = 'run-2' AND check_id = :c",
        h=other,
        c="aws_check_1",
    )
    check = repo.verify_chain()
    assert (check.ok, check.first_bad_run) == (False, "run-2")
    assert check.reason is not None and "changed: result_sets" in check.reason


def test_changed_counts_are_detected(repo: Repository, raw: Engine, three: list[str]) -> None:
    _tamper(raw, "UPDATE run_results SET n_fail = 0, n_pass = 1 WHERE run_id = 'run-1'")
    assert repo.verify_chain().ok  # same values: nothing changed
    _tamper(raw, "UPDATE run_results SET n_fail = 1 WHERE run_id = 'run-1'")
    check = repo.verify_chain()
    assert (check.ok, check.first_bad_run) == (False, "run-1")


def test_deleted_run_is_detected(repo: Repository, raw: Engine, three: list[str]) -> None:
    for table in ("run_results", "run_scopes", "run_manifests", "runs"):
        _tamper(raw, f"DELETE FROM {table} WHERE run_id = 'run-2'")
    check = repo.verify_chain()
    assert (check.ok, check.first_bad_run, check.runs_checked) == (False, "run-3", 1)
    assert check.reason is not None and "missing" in check.reason


def test_deleted_last_run_is_detected(repo: Repository, raw: Engine, three: list[str]) -> None:
    for table in ("run_results", "run_scopes", "run_manifests", "runs"):
        _tamper(raw, f"DELETE FROM {table} WHERE run_id = 'run-3'")
    check = repo.verify_chain()
    assert (check.ok, check.runs_checked) == (False, 2)
    assert check.reason is not None and "chain head" in check.reason


def test_corrupted_blob_is_detected(repo: Repository, raw: Engine, three: list[str]) -> None:
    target = repo.result_sets("run-3")[0]
    _tamper(
        raw,
        "UPDATE blobs SET data = :d WHERE sha256 = :s",
        d=zlib.compress(b"[]"),
        s=target.result_set_sha256,
    )
    check = repo.verify_chain()
    assert (check.ok, check.first_bad_run) == (False, "run-3")
    assert check.reason is not None
    assert target.result_set_sha256 in check.reason
    assert target.check_id in check.reason


def test_undecompressible_manifest_is_detected(
    repo: Repository, raw: Engine, three: list[str]
) -> None:
    _tamper(raw, "UPDATE run_manifests SET data = :d WHERE sha256 = :s", d=b"garbage", s=three[1])
    check = repo.verify_chain()
    assert (check.ok, check.first_bad_run) == (False, "run-2")
    assert check.reason is not None and "manifest" in check.reason


def test_forged_manifest_is_detected(repo: Repository, raw: Engine, three: list[str]) -> None:
    forged = repo.manifest_bytes("run-1").replace(b'"complete"', b'"partial"')
    _tamper(
        raw,
        "UPDATE run_manifests SET data = :d, sha256 = :s WHERE run_id = 'run-1'",
        d=zlib.compress(forged),
        s=sha256_hex(forged),
    )
    check = repo.verify_chain()
    assert (check.ok, check.first_bad_run) == (False, "run-1")
    assert check.reason is not None and "stored manifest" in check.reason


def test_altered_call_is_detected(repo: Repository, raw: Engine, three: list[str]) -> None:
    _tamper(raw, "UPDATE calls SET http_status = 500 WHERE operation = 'get_bucket_policy'")
    check = repo.verify_chain()
    assert (check.ok, check.first_bad_run) == (False, "run-1")
    assert check.reason is not None and "altered" in check.reason


def test_unsealed_final_run_is_detected(repo: Repository, raw: Engine, three: list[str]) -> None:
    store_estate(repo, "run-4", at=T0 + timedelta(days=3))
    _tamper(raw, "UPDATE runs SET status = 'complete' WHERE run_id = 'run-4'")
    check = repo.verify_chain()
    assert (check.ok, check.first_bad_run) == (False, "run-4")


def test_concurrent_finish_runs_get_consecutive_seqs(repo: Repository) -> None:
    n = 8
    for i in range(n):
        store_estate(repo, f"c{i}", at=T0 + timedelta(minutes=i), n_checks=1)
    barrier = threading.Barrier(n)

    def finish(i: int) -> str:
        barrier.wait()
        return repo.finish_run(
            f"c{i}", status="complete", finished_at=T0 + timedelta(hours=1), identities=["x"]
        )

    with ThreadPoolExecutor(n) as pool:
        hashes = list(pool.map(finish, range(n)))
    assert len(set(hashes)) == n
    seqs = sorted(repo.get_run(f"c{i}").chain_seq or 0 for i in range(n))
    assert seqs == list(range(1, n + 1))
    check = repo.verify_chain()
    assert check.ok, check.reason
    assert check.runs_checked == n


def test_concurrent_finish_of_the_same_run_seals_once(repo: Repository) -> None:
    store_estate(repo, "once", n_checks=1)
    barrier = threading.Barrier(4)

    def finish(_: int) -> str:
        barrier.wait()
        try:
            return repo.finish_run("once", status="complete", finished_at=T0, identities=[])
        except Exception as e:  # collected and asserted below
            return type(e).__name__

    with ThreadPoolExecutor(4) as pool:
        outcomes = sorted(pool.map(finish, range(4)))
    assert outcomes.count("RunStateError") == 3
    assert repo.get_run("once").chain_seq == 1
    assert repo.verify_chain().ok


def test_processes_sealing_concurrently_keep_one_chain(db_url: str) -> None:
    Repository.open(db_url).close()  # migrate once, so children race on runs, not on DDL
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(3) as pool:
        jobs = [pool.apply_async(seal_runs_in_process, (db_url, f"p{n}", 4)) for n in range(3)]
        seqs = sorted(seq for job in jobs for seq in job.get(timeout=120))
    assert seqs == list(range(1, 13))
    with Repository.open(db_url) as repo:
        check = repo.verify_chain()
        assert check.ok, check.reason
        assert check.runs_checked == 12
