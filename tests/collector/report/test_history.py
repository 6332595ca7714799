"""The change index: what it stores, and that walking with it equals parsing every blob."""

from __future__ import annotations

from collector.report.history import (
    Walker,
    parse_state,
    sealed_chain,
)
from storage import Repository
from tests.collector.report.history import add_run, day, put_mapping
from tests.collector.report.test_period import S3, history


def test_unchanged_result_sets_add_no_index_rows(repo: Repository) -> None:
    m = put_mapping(repo, {S3: ["CC6.1"]})
    for n in (1, 2, 3):
        add_run(repo, f"run-{n}", day(n), {S3: [("r1", "pass"), ("r2", "fail")]}, mapping=m)
    add_run(repo, "run-4", day(4), {S3: [("r1", "pass"), ("r2", "pass")]}, mapping=m)
    chain = sealed_chain(repo)
    # sealing indexed run-1 (no predecessor) and run-4 and sealed the digest of their rows
    # (storage.index)
    add_run(repo, "run-5", day(5), {S3: [("r1", "fail")]}, mapping=m)
    assert sorted(repo.indexed_sets([r.run_id for r in chain])) == [
        ("run-1", (S3, "aws", "111111111111", "us-east-1")),
        ("run-4", (S3, "aws", "111111111111", "us-east-1"))]
    changes = sorted((c.run_id, c.resource_id, c.status) for c in
               repo.resource_changes(["run-2", "run-3", "run-4", "run-5"]))
    assert changes == [("run-4", "r2", "pass"), ("run-5", "r1", "fail"), ("run-5", "r2", "absent")]
    grouped = repo.changes_by_set(["run-2", "run-3", "run-4", "run-5"])
    assert sorted(grouped) == [("run-4", (S3, "aws", "111111111111", "us-east-1")),
                               ("run-5", (S3, "aws", "111111111111", "us-east-1"))]
    assert sorted((run_id, rid, state[0]) for (run_id, _), found in grouped.items()
                  for rid, state in found) == changes


def test_walk_from_the_index_matches_parsing_every_blob(repo: Repository) -> None:
    history(repo)
    chain = sealed_chain(repo)
    rows = repo.result_sets_of_runs([r.run_id for r in chain])
    walker = Walker(repo, chain[1:], rows)  # starts mid-history: run-2's state is parsed once
    for step in walker:
        key = (step.result_set.check_id, step.result_set.provider, step.result_set.scope,
               step.result_set.region)
        assert walker.states[key] == parse_state(repo.get_blob(step.result_set.result_set_sha256))
    assert walker.blobs_parsed == 2  # the two result sets of run-2; the rest came from the index
