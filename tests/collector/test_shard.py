"""Shards: every scope belongs to exactly one shard, always the same one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from collector.scheduler import default_collection_id
from collector.shard import Shard, ShardError, shard_of
from storage import Repository
from tests.conftest import Moto
from tests.support.cli import run_cli

scopes = st.lists(st.tuples(st.sampled_from(["aws", "gcp", "azure"]),
                            st.text(min_size=1, max_size=40)), max_size=60, unique=True)


@given(scopes, st.integers(min_value=1, max_value=16))
def test_shards_partition_the_scopes_completely_and_disjointly(
    items: list[tuple[str, str]], count: int
) -> None:
    shards = [Shard(i, count) for i in range(count)]
    owned = [[s for s in items if shard.owns(*s)] for shard in shards]

    assert sorted(s for share in owned for s in share) == sorted(items)  # complete, no repeats
    for provider, scope in items:
        assert sum(shard.owns(provider, scope) for shard in shards) == 1


@given(st.text(min_size=1), st.integers(min_value=1, max_value=64))
def test_assignment_is_a_stable_function_of_provider_and_scope(scope: str, count: int) -> None:
    assert shard_of("aws", scope, count) == shard_of("aws", scope, count)
    assert 0 <= shard_of("aws", scope, count) < count


def test_assignment_does_not_change_between_releases() -> None:
    # Pinned: a change would move scopes between the pods of running Indexed Jobs.
    assert [shard_of("aws", f"{n:012d}", 4) for n in range(8)] == [2, 3, 1, 1, 0, 2, 2, 0]
    assert shard_of("aws", "111111111111", 2) == 0
    assert shard_of("aws", "333333333333", 2) == 1


def test_accounts_spread_over_shards() -> None:
    counts = [0] * 8
    for n in range(4000):
        counts[shard_of("aws", f"{100000000000 + n:012d}", 8)] += 1
    assert min(counts) > 400 and max(counts) < 600, counts


@pytest.mark.parametrize("text", ["4/4", "-1/3", "1", "a/b", "1/0", "1/2/3", ""])
def test_malformed_shard_is_refused_with_the_expected_form(text: str) -> None:
    with pytest.raises(ShardError, match="INDEX/COUNT"):
        Shard.parse(text)


def test_parse_and_print() -> None:
    assert Shard.parse(" 3/8 ") == Shard(3, 8)
    assert str(Shard(3, 8)) == "3/8"


def test_shard_runs_collect_disjoint_accounts_under_one_collection_id(
    moto: Moto, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    accounts = [{"id": a, "role_arn": f"arn:aws:iam::{a}:role/EvidenceReader"}
                for a in ("111111111111", "333333333333")]  # shard 0 and shard 1 of 2
    config = tmp_path / "evidence.yaml"
    config.write_text(yaml.safe_dump({"aws": {"regions": ["us-east-1"], "accounts": accounts,
                                              "endpoint_url": moto.endpoint}}))
    db = f"sqlite:///{tmp_path / 'e.db'}"

    runs = []
    for index in (0, 1):
        res = run_cli(capsys, "--config", str(config), "--db", db, "collect", "--check",
                      "aws_kms_*", "--format", "json", "--shard", f"{index}/2")
        assert res.code == 0, res.err
        runs.append(json.loads(res.out)["run_id"])

    repo = Repository.open(db)
    scopes = [{rs.scope for rs in repo.result_sets(r)} for r in runs]
    assert scopes == [{"111111111111"}, {"333333333333"}]
    ids = {repo.get_run(r).collection_id for r in runs}
    assert ids == {default_collection_id("0 3 * * *")}
    repo.close()
