"""The write-behind sink: digests at once, rows only on flush, blobs before the calls citing
them, and a forced flush when too much is pending."""

from __future__ import annotations

from pathlib import Path

from collector import sink as sink_module
from collector.sink import BatchingSink
from storage import CallNotFound, Repository
from storage.records import CallRecord


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
    try:
        repo.get_call(digest)
        raise AssertionError("the call was written before the flush")
    except CallNotFound:
        pass
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
