"""What every provider records for a request: the response blob it cites, its provenance,
and the scope's statistics (collector.cloud.base.record_call)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from collector.cloud.base import AccessDenied, CallSpec, CloudError, ScopeStats, record_call
from storage import Repository, canonical_json, sha256_hex

CALL = CallSpec("aws", "kms", "describe_key", {"KeyId": "k1"}, "123456789012", "eu-west-1",
                "arn:aws:sts::123456789012:assumed-role/EvidenceReader/x")


@dataclass
class Wire:
    """What a provider's wire layer reports for one logical request."""

    pages: list[Any] = field(default_factory=list)
    requests: int = 1
    retries: int = 0
    status: int | None = 200
    error: CloudError | None = None


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return Repository.open(f"sqlite:///{tmp_path / 'e.db'}")


def test_a_success_stores_the_response_and_a_call_citing_it(repo: Repository) -> None:
    stats = ScopeStats("aws", "123456789012", "eu-west-1")
    stored = {"pages": [{"KeyMetadata": {"KeyId": "k1"}}, {"KeyMetadata": {"KeyId": "k2"}}]}

    digest = record_call(repo, stats, CALL, Wire(pages=[{}, {}], requests=3, retries=1), stored)

    record = repo.get_call(digest)
    assert record.response_sha256 == sha256_hex(canonical_json(stored))
    assert json.loads(repo.get_blob(record.response_sha256)) == stored
    assert (record.service, record.operation, record.params, record.scope, record.region) == (
        "kms", "describe_key", {"KeyId": "k1"}, "123456789012", "eu-west-1")
    assert (record.http_status, record.error_code, record.pages, record.complete) == (
        200, None, 2, True)
    assert (stats.requests, stats.retries, stats.calls, stats.errors) == (3, 1, {digest}, {})


def test_an_error_is_recorded_with_its_code_and_no_response(repo: Repository) -> None:
    stats = ScopeStats("aws", "123456789012", "eu-west-1")
    denied = AccessDenied("AccessDeniedException", "not authorized", operation="kms:DescribeKey")

    digest = record_call(repo, stats, CALL, Wire(status=400, error=denied), {"ignored": True})

    record = repo.get_call(digest)
    assert (record.http_status, record.error_code, record.complete, record.response_sha256) == (
        400, "AccessDeniedException", False, None)
    assert not repo.has_blob(sha256_hex(canonical_json({"ignored": True})))
    assert stats.errors == {("AccessDeniedException", ""): 1} and stats.calls == {digest}
