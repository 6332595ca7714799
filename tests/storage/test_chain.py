"""The run hash chain: sealing, verification, tampering, concurrent sealing."""

from __future__ import annotations

import json
import multiprocessing
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, Row, text

from storage import Repository, StorageError, canonical_json, sha256_hex

from .helpers import (
    MAPPING,
    T0,
    legacy_seal,
    seal_runs_in_process,
    sealed_run,
    store_estate,
)


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


def _run_row(raw: Engine, run_id: str) -> Row[Any]:
    with raw.connect() as conn:
        return conn.execute(text("SELECT * FROM runs WHERE run_id = :r"), {"r": run_id}).one()


def test_sealing_packs_the_run(repo: Repository, raw: Engine, three: list[str]) -> None:
    # the rows are gone, no manifest bytes are stored, and what the run was is still readable
    counts = repo.table_counts()
    assert (counts["run_results"], counts["run_scopes"], counts["run_manifests"]) == (0, 0, 0)
    row = _run_row(raw, "run-2")
    assert (row.tool_version, row.config_hash, row.mapping_sha256) == ("", "", "")
    run = repo.get_run("run-2")
    assert (run.tool_version, run.config_hash, run.mapping_sha256) == ("0.1.0", "cfg", MAPPING)
    assert run.identities == ("id-a",)
    assert [r.check_id for r in repo.result_sets("run-2")] == [f"aws_check_{c}" for c in range(3)]
    scope = repo.scopes("run-2")[0]
    assert (scope.requests, scope.retries) == (7, 1)
    assert scope.errors == (("Throttling", "Rate exceeded"),)
    assert sha256_hex(repo.manifest_bytes("run-2")) == three[1]


def test_unchanged_runs_share_their_contents(
    repo: Repository, raw: Engine, three: list[str]
) -> None:
    sealed_run(repo, "run-4", at=T0 + timedelta(days=3), variant="changed")
    sealed_run(repo, "run-5", at=T0 + timedelta(days=4), variant="changed")
    one, two, changed, four, five = (_run_row(raw, f"run-{n}") for n in (1, 2, 3, 4, 5))
    # the first run's contents seal its change-index digest (every set is new), later unchanged
    # runs the digest of no change: from then on they share one contents blob
    assert four.contents_sha256 == five.contents_sha256 != changed.contents_sha256
    assert one.contents_sha256 != two.contents_sha256 != changed.contents_sha256


def test_changed_status_is_detected(repo: Repository, raw: Engine, three: list[str]) -> None:
    _tamper(raw, "UPDATE runs SET status = 'complete' WHERE run_id = 'run-2'")
    assert repo.verify_chain().ok  # it was already complete: nothing changed
    _tamper(raw, "UPDATE runs SET status = 'partial' WHERE run_id = 'run-2'")
    check = repo.verify_chain()
    assert not check.ok
    assert check.first_bad_run == "run-2"
    assert check.runs_checked == 1
    assert check.reason is not None
    assert "no longer matches its sealed manifest hash" in check.reason


def test_swapped_contents_are_detected(repo: Repository, raw: Engine, three: list[str]) -> None:
    # run-3 recorded other evidence: pointing run-2 at it rewrites what run-2 showed
    changed = _run_row(raw, "run-3").contents_sha256
    _tamper(raw, "UPDATE runs SET contents_sha256 = :c WHERE run_id = 'run-2'", c=changed)
    check = repo.verify_chain()
    assert (check.ok, check.first_bad_run) == (False, "run-2")


def test_forged_contents_are_detected(repo: Repository, raw: Engine, three: list[str]) -> None:
    # a well-formed contents blob with fewer failures counted, stored under its own hash
    row = _run_row(raw, "run-1")
    contents = json.loads(repo.get_blob(row.contents_sha256))
    index = json.loads(repo.get_blob(contents["result_indexes"][0]["sha256"]))
    index["result_sets"][0]["n_pass"] = 0
    contents["result_indexes"][0]["sha256"] = repo.put_blob("result_index", canonical_json(index))
    forged = repo.put_blob("run_contents", canonical_json(contents))
    _tamper(raw, "UPDATE runs SET contents_sha256 = :c WHERE run_id = 'run-1'", c=forged)
    check = repo.verify_chain()
    assert (check.ok, check.first_bad_run) == (False, "run-1")


def test_changed_timings_are_detected(repo: Repository, raw: Engine, three: list[str]) -> None:
    timings = json.loads(zlib.decompress(_run_row(raw, "run-2").timings))
    timings[2][0][2] += 1  # one more request than the scope made
    _tamper(raw, "UPDATE runs SET timings = :t WHERE run_id = 'run-2'",
            t=zlib.compress(canonical_json(timings)))
    check = repo.verify_chain()
    assert (check.ok, check.first_bad_run) == (False, "run-2")


def test_undecompressible_timings_are_detected(
    repo: Repository, raw: Engine, three: list[str]
) -> None:
    _tamper(raw, "UPDATE runs SET timings = :t WHERE run_id = 'run-2'", t=b"garbage")
    check = repo.verify_chain()
    assert (check.ok, check.first_bad_run) == (False, "run-2")
    assert check.reason is not None and "timings" in check.reason
    with pytest.raises(StorageError, match="timings"):
        repo.manifest_bytes("run-2")


def test_corrupted_contents_blob_is_detected(
    repo: Repository, raw: Engine, three: list[str]
) -> None:
    sha = _run_row(raw, "run-3").contents_sha256
    _tamper(raw, "UPDATE blobs SET data = :d WHERE sha256 = :s", d=zlib.compress(b"{}"), s=sha)
    check = repo.verify_chain()
    assert (check.ok, check.first_bad_run) == (False, "run-3")
    assert check.reason is not None and sha in check.reason


def test_deleted_run_is_detected(repo: Repository, raw: Engine, three: list[str]) -> None:
    _tamper(raw, "DELETE FROM runs WHERE run_id = 'run-2'")
    check = repo.verify_chain()
    assert (check.ok, check.first_bad_run, check.runs_checked) == (False, "run-3", 1)
    assert check.reason is not None and "missing" in check.reason


def test_deleted_last_run_is_detected(repo: Repository, raw: Engine, three: list[str]) -> None:
    _tamper(raw, "DELETE FROM result_changes WHERE run_id = 'run-3'")
    _tamper(raw, "DELETE FROM runs WHERE run_id = 'run-3'")
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


@pytest.fixture
def legacy(repo: Repository) -> list[str]:
    """Two runs sealed as revision 0003 did (rows and manifest bytes kept), then a packed one."""
    hashes = []
    for n, at in ((1, T0), (2, T0 + timedelta(days=1))):
        store_estate(repo, f"old-{n}", at=at)
        hashes.append(legacy_seal(repo, f"old-{n}", at=at))
    hashes.append(sealed_run(repo, "new-3", at=T0 + timedelta(days=2)))
    return hashes


def test_legacy_runs_read_and_verify_beside_packed_ones(
    repo: Repository, legacy: list[str]
) -> None:
    assert repo.verify_chain().ok
    assert [repo.get_run(r).prev_sha256 for r in ("old-1", "old-2", "new-3")] == [
        None, legacy[0], legacy[1]]
    for run_id, sha in zip(("old-1", "old-2", "new-3"), legacy, strict=True):
        assert sha256_hex(repo.manifest_bytes(run_id)) == sha
    # the same evidence reads the same whichever way it is kept
    assert [(r.check_id, r.result_set_sha256) for r in repo.result_sets("old-2")] == [
        (r.check_id, r.result_set_sha256) for r in repo.result_sets("new-3")]
    assert repo.scopes("old-2")[0].calls_sha256 == repo.scopes("new-3")[0].calls_sha256


def test_legacy_tampering_names_the_field(repo: Repository, raw: Engine, legacy: list[str]) -> None:
    _tamper(raw, "UPDATE run_results SET n_fail = 1 WHERE run_id = 'old-1'")
    check = repo.verify_chain()
    assert (check.ok, check.first_bad_run) == (False, "old-1")
    assert check.reason is not None and "changed: result_sets" in check.reason


def test_undecompressible_manifest_is_detected(
    repo: Repository, raw: Engine, legacy: list[str]
) -> None:
    _tamper(raw, "UPDATE run_manifests SET data = :d WHERE sha256 = :s", d=b"garbage", s=legacy[1])
    check = repo.verify_chain()
    assert (check.ok, check.first_bad_run) == (False, "old-2")
    assert check.reason is not None and "manifest" in check.reason


def test_forged_manifest_is_detected(repo: Repository, raw: Engine, legacy: list[str]) -> None:
    forged = repo.manifest_bytes("old-1").replace(b'"complete"', b'"partial"')
    _tamper(
        raw,
        "UPDATE run_manifests SET data = :d, sha256 = :s WHERE run_id = 'old-1'",
        d=zlib.compress(forged),
        s=sha256_hex(forged),
    )
    check = repo.verify_chain()
    assert (check.ok, check.first_bad_run) == (False, "old-1")
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
