"""One collector per scope: PostgreSQL advisory locks, SQLite lock files, two real processes."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from collector.cloud.base import UnavailableScope
from collector.locks import BUSY, ScopeLocks
from storage import Repository
from tests.conftest import Moto
from tests.support.procs import evidence, slow_env, write_slow_config

NEVER = threading.Event()


@pytest.fixture
def repo(db_url: str) -> Iterator[Repository]:
    with Repository.open(db_url) as repository:
        yield repository


def test_second_holder_of_a_scope_is_refused_and_other_scopes_are_free(repo: Repository) -> None:
    first, second = ScopeLocks(repo), ScopeLocks(repo)  # as two processes would
    held = first("aws", "111111111111", NEVER)
    assert not isinstance(held, UnavailableScope)

    refused = second("aws", "111111111111", NEVER)
    other = second("aws", "333333333333", NEVER)

    assert isinstance(refused, UnavailableScope) and refused.code == BUSY
    assert "111111111111" in refused.message
    assert not isinstance(other, UnavailableScope)
    held.release()
    held.release()  # idempotent
    again = second("aws", "111111111111", NEVER)
    assert not isinstance(again, UnavailableScope)
    again.release()
    other.release()


def test_waiter_gets_the_scope_when_the_holder_releases(repo: Repository) -> None:
    held = ScopeLocks(repo)("aws", "111111111111", NEVER)
    assert not isinstance(held, UnavailableScope)
    threading.Timer(0.6, held.release).start()

    began = time.monotonic()
    got = ScopeLocks(repo, wait=10)("aws", "111111111111", NEVER)

    assert not isinstance(got, UnavailableScope)
    assert 0.5 < time.monotonic() - began < 5
    got.release()


def test_stop_ends_the_wait_at_once(repo: Repository) -> None:
    held = ScopeLocks(repo)("aws", "111111111111", NEVER)
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()

    began = time.monotonic()
    refused = ScopeLocks(repo, wait=60)("aws", "111111111111", stop)

    assert isinstance(refused, UnavailableScope)
    assert time.monotonic() - began < 3
    assert not isinstance(held, UnavailableScope)
    held.release()


@pytest.mark.slow
def test_two_concurrent_collectors_on_postgresql_exactly_one_collects_each_scope(
    moto: Moto, tmp_path: Path, db_url: str
) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("the two-process race is run on PostgreSQL (SQLite: the unit tests above)")
    accounts = [{"id": a, "role_arn": f"arn:aws:iam::{a}:role/EvidenceReader"}
                for a in ("111111111111", "333333333333")]
    config = write_slow_config(tmp_path / "evidence.yaml", moto.endpoint, 3.0,
                               aws={"accounts": accounts})
    env = slow_env(tmp_path, config, db_url)
    Repository.open(db_url).close()  # migrate once, before the race

    procs = [evidence(env, "collect", "--check", "aws_test_slow", "--check", "aws_kms_*",
                      "--format", "json", "--lock-wait", "0") for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]

    runs = [json.loads(out) for out, _ in outs]
    repo = Repository.open(db_url)
    collected: dict[str, list[str]] = {a["id"]: [] for a in accounts}
    busy: dict[str, list[str]] = {a["id"]: [] for a in accounts}
    for run in runs:
        for rs in repo.result_sets(run["run_id"]):
            if run["run_id"] not in collected[rs.scope]:
                collected[rs.scope].append(run["run_id"])
        for sc in repo.scopes(run["run_id"]):
            if any(code == BUSY for code, _ in sc.errors):
                busy[sc.scope].append(run["run_id"])
    assert all(len(ids) == 1 for ids in collected.values()), (collected, outs)
    for scope, ids in collected.items():
        assert busy[scope] == [r["run_id"] for r in runs if r["run_id"] not in ids]
    assert any("ScopeBusy" in err and '"scope"' in err for _, err in outs)
    assert repo.verify_chain().ok
    repo.close()
