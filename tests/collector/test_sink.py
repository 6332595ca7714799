"""The write-behind sink: digests at once, rows only on flush, blobs before the calls citing
them, and a forced flush when too much is pending."""

from __future__ import annotations

from pathlib import Path

import pytest

from collector import sink as sink_module
from collector.sink import BatchingSink
from storage import CallNotFound, Repository, StorageError
from storage.records import CallRecord, Evidence


def call(n: int, response: str | None) -> CallRecord:
    return CallRecord(provider="aws", service="kms", operation="describe_key",
                      params={"KeyId": f"k{n}"}, scope="123456789012", region="us-east-1",
                      identity="arn:aws:iam::123456789012:user/t", http_status=200,
                      error_code=None, pages=1, complete=True, response_sha256=response)


def test_rows_are_written_on_flush_with_the_digests_handed_out_before(tmp_path: Path) -> None:
    repo = Repository.open(f"sqlite:///{tmp_path / 'e.db'}")
    sink = BatchingSink(repo)

    sha = sink.put_blob("response", b'{"KeyMetadata": {}}')
    (digest,) = sink.put_calls([call(1, sha)])

    assert not repo.has_blob(sha)
    with pytest.raises(CallNotFound):  # not written before the flush
        repo.get_call(digest)
    sink.flush()
    assert repo.get_blob(sha) == b'{"KeyMetadata": {}}'
    assert repo.get_call(digest) == call(1, sha)
    repo.close()


def test_too_many_pending_rows_force_a_flush(tmp_path: Path) -> None:
    repo = Repository.open(f"sqlite:///{tmp_path / 'e.db'}")
    sink = BatchingSink(repo)
    digests = []
    for n in range(sink_module.MAX_PENDING // 2 + 1):
        sha = sink.put_blob("response", f'{{"n": {n}}}'.encode())
        digests += sink.put_calls([call(n, sha)])

    assert repo.get_calls(digests[: sink_module.MAX_PENDING // 2 - 1])
    repo.close()


def test_a_batch_that_fails_to_store_stops_every_later_flush(tmp_path: Path) -> None:
    repo = Repository.open(f"sqlite:///{tmp_path / 'e.db'}")
    sink = BatchingSink(repo)
    sink.put_calls([call(1, "0" * 64)])  # cites a response that was never stored
    with pytest.raises(StorageError):
        sink.flush()

    sha = sink.put_blob("response", b'{"KeyMetadata": {}}')
    (digest,) = sink.put_calls([call(2, sha)])
    with pytest.raises(StorageError, match="an earlier batch"):
        sink.flush()
    stored: list[Evidence] = []
    with pytest.raises(StorageError, match="an earlier batch"):  # no result set either
        sink.flush(stored.append)

    assert stored == []
    assert not repo.has_blob(sha)
    with pytest.raises(CallNotFound):
        repo.get_call(digest)
    repo.close()


def test_flush_through_a_store_hands_it_the_whole_pending_batch(tmp_path: Path) -> None:
    repo = Repository.open(f"sqlite:///{tmp_path / 'e.db'}")
    sink = BatchingSink(repo)
    sha = sink.put_blob("response", b'{"KeyMetadata": {}}')
    sink.put_calls([call(1, sha)])
    batches: list[Evidence] = []

    sink.flush(batches.append)
    sink.flush(batches.append)

    assert batches == [Evidence((("response", b'{"KeyMetadata": {}}'),), (call(1, sha),)),
                       Evidence()]
    assert not repo.has_blob(sha)  # the store decides where the batch goes
    repo.close()
