"""Runs: lifecycle, growth with change only, reaping, queries, datetimes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine

from storage import (
    CallNotFound,
    Evidence,
    Repository,
    ResultSetRecord,
    RunNotFound,
    RunStateError,
    StorageError,
    canonical_json,
    sha256_hex,
)

from .helpers import MAPPING, T0, call, sealed_run, store_estate


def test_run_lifecycle(repo: Repository) -> None:
    store_estate(repo, "r1")
    run = repo.get_run("r1")
    assert (run.status, run.chain_seq, run.manifest_sha256, run.finished_at) == (
        "running",
        None,
        None,
        None,
    )
    repo.heartbeat("r1", T0 + timedelta(seconds=20))
    assert repo.get_run("r1").heartbeat_at == T0 + timedelta(seconds=20)
    sha = repo.finish_run(
        "r1", status="partial", finished_at=T0 + timedelta(minutes=1), identities=["b", "a", "b"]
    )
    run = repo.get_run("r1")
    assert (run.status, run.chain_seq, run.prev_sha256, run.manifest_sha256) == (
        "partial",
        1,
        None,
        sha,
    )
    assert run.identities == ("a", "b")
    assert [r.check_id for r in repo.result_sets("r1")] == [
        "aws_check_0",
        "aws_check_1",
        "aws_check_2",
    ]
    assert [s.errors for s in repo.scopes("r1")] == [(("Throttling", "Rate exceeded"),)]
    assert repo.verify_chain().ok


def test_sealed_run_cannot_change(repo: Repository) -> None:
    sealed_run(repo, "r1")
    with pytest.raises(RunStateError, match="already sealed"):
        repo.finish_run("r1", status="complete", finished_at=T0, identities=[])
    with pytest.raises(RunStateError, match="already sealed"):
        repo.heartbeat("r1", T0 + timedelta(hours=1))
    sha = repo.put_blob("result_set", b"[]")
    late = ResultSetRecord("aws_late", "1", "aws", "1", "global", T0, sha, 0, 0, 0, 0)
    with pytest.raises(RunStateError, match="already sealed"):
        repo.add_result_set("r1", late)
    assert repo.verify_chain().ok


def test_invalid_final_status_and_unknown_run(repo: Repository) -> None:
    store_estate(repo, "r1")
    with pytest.raises(ValueError, match="final status"):
        repo.finish_run("r1", status="running", finished_at=T0, identities=[])
    with pytest.raises(RunNotFound, match="nope"):
        repo.finish_run("nope", status="complete", finished_at=T0, identities=[])
    with pytest.raises(RunNotFound, match="nope"):
        repo.get_run("nope")
    with pytest.raises(RunStateError, match="already exists"):
        store_estate(repo, "r1")


def test_duplicate_scope_or_result_set_is_refused(repo: Repository) -> None:
    store_estate(repo, "r1")
    result = repo.result_sets("r1")[0]
    with pytest.raises(StorageError, match="already recorded"):
        repo.add_result_set("r1", result)
    with pytest.raises(StorageError, match="already recorded"):
        repo.add_scope("r1", repo.scopes("r1")[0])


def test_result_set_needs_its_blob(repo: Repository) -> None:
    store_estate(repo, "r1", n_checks=0)
    missing = ResultSetRecord("aws_x", "1", "aws", "1", "global", T0, "0" * 64, 0, 0, 0, 0)
    with pytest.raises(StorageError, match="put_blob it first"):
        repo.add_result_set("r1", missing)


def test_unchanged_estate_adds_only_run_rows(repo: Repository) -> None:
    sealed_run(repo, "day-1")
    first = repo.table_counts()
    sealed_run(repo, "day-2", at=T0 + timedelta(days=1))
    # one contents blob sealing "no change" (the first run's sealed every set as new)
    assert repo.table_counts()["blobs"] == first["blobs"] + 1
    sealed_run(repo, "day-2b", at=T0 + timedelta(days=1, hours=1))
    first = repo.table_counts()
    sealed_run(repo, "day-2c", at=T0 + timedelta(days=1, hours=2))
    second = repo.table_counts()
    assert second["calls"] == first["calls"]
    assert second["blobs"] == first["blobs"]
    assert second["runs"] == first["runs"] + 1
    # sealed runs are packed into shared blobs: no per-run rows beyond the run itself
    assert (second["run_manifests"], second["run_scopes"], second["run_results"]) == (0, 0, 0)
    sealed_run(repo, "day-3", at=T0 + timedelta(days=2), variant="changed")
    third = repo.table_counts()
    # responses, call list, result sets, the result index and the run contents
    assert third["blobs"] == second["blobs"] + 5 + 1 + 3 + 1 + 1
    assert repo.verify_chain().ok


def test_latest_and_list_runs(repo: Repository) -> None:
    with pytest.raises(RunNotFound, match="no runs"):
        repo.get_run("latest")
    for day in (2, 0, 1):
        store_estate(repo, f"d{day}", at=T0 + timedelta(days=day))
    assert repo.get_run("latest").run_id == "d2"
    assert [r.run_id for r in repo.list_runs()] == ["d2", "d1", "d0"]
    assert [r.run_id for r in repo.list_runs(limit=1)] == ["d2"]
    assert [r.check_id for r in repo.result_sets("latest")][:1] == ["aws_check_0"]


def test_datetimes_round_trip_as_utc(repo: Repository) -> None:
    tz = timezone(timedelta(hours=-5))
    started = datetime(2026, 3, 4, 1, 2, 3, 456789, tzinfo=tz)
    repo.start_run(
        "r1",
        started_at=started,
        tool_version="0.1.0",
        config_hash="c",
        mapping_sha256=MAPPING,
        host="h",
        pid=1,
    )
    run = repo.get_run("r1")
    assert run.started_at == started
    assert run.started_at.tzinfo is UTC
    assert run.started_at.hour == 6
    with pytest.raises(ValueError, match="naive"):
        repo.heartbeat("r1", datetime(2026, 3, 4))


def test_reap_interrupted(repo: Repository) -> None:
    now = T0 + timedelta(hours=1)
    store_estate(repo, "dead-pid", at=T0 + timedelta(minutes=50))
    repo.heartbeat("dead-pid", T0 + timedelta(minutes=55))
    store_estate(repo, "alive", at=T0 + timedelta(minutes=50), pid=7)
    sealed_run(repo, "done")
    # another host: judged by heartbeat only
    repo.start_run(
        "stale-elsewhere",
        started_at=T0,
        tool_version="0.1.0",
        config_hash="c",
        mapping_sha256=MAPPING,
        host="host-b",
        pid=1,
    )
    repo.start_run(
        "fresh-elsewhere",
        started_at=now - timedelta(minutes=1),
        tool_version="0.1.0",
        config_hash="c",
        mapping_sha256=MAPPING,
        host="host-b",
        pid=4242,
    )
    reaped = repo.reap_interrupted(
        now=now, host="host-a", is_alive=lambda pid: pid == 7, stale_after=timedelta(minutes=30)
    )
    assert sorted(reaped) == ["dead-pid", "stale-elsewhere"]
    dead = repo.get_run("dead-pid")
    assert dead.status == "interrupted"
    assert dead.finished_at == T0 + timedelta(minutes=55)
    assert dead.identities == ("arn:aws:sts::111111111111:assumed-role/EvidenceReader/x",)
    assert len(repo.result_sets("dead-pid")) == 3
    assert repo.get_run("alive").status == "running"
    assert repo.get_run("fresh-elsewhere").status == "running"
    assert repo.get_run("stale-elsewhere").finished_at == T0
    check = repo.verify_chain()
    assert check.ok, check.reason
    assert check.runs_checked == 3
    assert (
        repo.reap_interrupted(
            now=now, host="host-a", is_alive=lambda pid: pid == 7, stale_after=timedelta(minutes=30)
        )
        == []
    )


def test_manifest_bytes(repo: Repository, raw: Engine) -> None:
    store_estate(repo, "r1")
    with pytest.raises(RunStateError, match="still running"):
        repo.manifest_bytes("r1")
    sha = repo.finish_run("r1", status="complete", finished_at=T0, identities=["x"])
    data = repo.manifest_bytes("r1")
    assert sha256_hex(data) == sha
    manifest = json.loads(data)
    assert manifest["format"] == "evidence-run-manifest/1"
    assert manifest["run_id"] == "r1"
    assert manifest["prev_sha256"] is None
    assert manifest["started_at"] == "2026-01-02T03:04:05Z"
    assert len(manifest["result_sets"]) == 3
    assert canonical_json(manifest) == data


def _result_set(check_id: str, sha: str) -> ResultSetRecord:
    return ResultSetRecord(check_id=check_id, check_version="1", provider="aws",
                           scope="111111111111", region="us-east-1",
                           observed_at=T0 + timedelta(seconds=10), result_set_sha256=sha,
                           n_pass=1, n_fail=0, n_error=0, n_na=0)


def test_a_result_set_and_the_evidence_it_cites_commit_together(repo: Repository) -> None:
    store_estate(repo, "r1", n_checks=0)
    response = canonical_json({"Policy": "x"})
    cited = call(7, response_sha256=sha256_hex(response))
    body = canonical_json({"results": [], "calls": [cited.digest()]})
    evidence = Evidence((("response", response), ("result_set", body)), (cited,))

    repo.add_result_set("r1", _result_set("aws_check_9", sha256_hex(body)), evidence)

    assert repo.get_blob(sha256_hex(body)) == body
    assert repo.get_call(cited.digest()) == cited
    assert [r.check_id for r in repo.result_sets("r1")] == ["aws_check_9"]


def test_a_refused_result_set_stores_none_of_its_evidence(repo: Repository) -> None:
    sealed_run(repo, "r1")
    response = canonical_json({"Policy": "never stored"})
    cited = call(8, response_sha256=sha256_hex(response))
    body = canonical_json({"results": [], "calls": [cited.digest()]})
    evidence = Evidence((("response", response), ("result_set", body)), (cited,))

    with pytest.raises(RunStateError, match="already sealed"):
        repo.add_result_set("r1", _result_set("aws_check_9", sha256_hex(body)), evidence)

    assert not repo.has_blob(sha256_hex(response))
    assert not repo.has_blob(sha256_hex(body))
    with pytest.raises(CallNotFound):
        repo.get_call(cited.digest())
