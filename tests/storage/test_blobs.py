"""Content-addressed blobs and calls: dedupe, compression, races, errors."""

from __future__ import annotations

import threading
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, text

from storage import BlobNotFound, CallNotFound, Repository, StorageError, sha256_hex

from .helpers import call


def test_blob_round_trip_dedupes_and_compresses(repo: Repository, raw: Engine) -> None:
    payload = b'{"Policy": "allow"}' * 5000
    sha = repo.put_blob("response", payload)
    assert sha == sha256_hex(payload)
    assert repo.put_blob("response", payload) == sha
    assert repo.get_blob(sha) == payload
    assert repo.has_blob(sha)
    assert repo.table_counts()["blobs"] == 1
    with raw.connect() as conn:
        size, stored = conn.execute(
            text("SELECT size, data FROM blobs WHERE sha256 = :s"), {"s": sha}
        ).one()
    assert size == len(payload)
    assert len(stored) < len(payload) / 20
    assert zlib.decompress(stored) == payload


def test_put_blobs_batch_returns_hashes_in_order(repo: Repository) -> None:
    hashes = repo.put_blobs([("a", b"one"), ("a", b"two"), ("a", b"one")])
    assert hashes == [sha256_hex(b"one"), sha256_hex(b"two"), sha256_hex(b"one")]
    assert repo.table_counts()["blobs"] == 2


def test_missing_blob(repo: Repository) -> None:
    assert not repo.has_blob("0" * 64)
    with pytest.raises(BlobNotFound, match="no blob"):
        repo.get_blob("0" * 64)


def test_corrupt_blob_is_refused_on_read(repo: Repository, raw: Engine) -> None:
    sha = repo.put_blob("response", b"original")
    with raw.begin() as conn:
        conn.execute(
            text("UPDATE blobs SET data = :d WHERE sha256 = :s"),
            {"d": zlib.compress(b"forged"), "s": sha},
        )
    with pytest.raises(StorageError, match="corrupt"):
        repo.get_blob(sha)


def test_concurrent_put_of_the_same_blob(repo: Repository) -> None:
    payload = b"same content from every thread" * 100
    n = 12
    barrier = threading.Barrier(n)

    def put(_: int) -> str:
        barrier.wait()
        return repo.put_blob("response", payload)

    with ThreadPoolExecutor(n) as pool:
        hashes = list(pool.map(put, range(n)))
    assert set(hashes) == {sha256_hex(payload)}
    assert repo.table_counts()["blobs"] == 1


def test_calls_dedupe_and_round_trip(repo: Repository) -> None:
    resp = repo.put_blob("response", b"{}")
    records = [call(1, response_sha256=resp), call(2), call(1, response_sha256=resp)]
    digests = repo.put_calls(records)
    assert digests[0] == digests[2] != digests[1]
    assert repo.put_calls(records) == digests
    assert repo.table_counts()["calls"] == 2
    assert repo.get_call(digests[0]) == records[0]
    assert repo.get_calls(reversed(digests)) == list(reversed(records))
    with pytest.raises(CallNotFound):
        repo.get_call("f" * 64)


def test_concurrent_put_calls(repo: Repository) -> None:
    records = [call(n) for n in range(50)]
    barrier = threading.Barrier(8)

    def put(_: int) -> list[str]:
        barrier.wait()
        return repo.put_calls(records)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(put, range(8)))
    assert all(r == results[0] for r in results)
    assert repo.table_counts()["calls"] == 50


def test_call_needs_its_response_blob(repo: Repository) -> None:
    with pytest.raises(StorageError, match="constraint"):
        repo.put_calls([call(1, response_sha256="0" * 64)])


def test_call_list_blob(repo: Repository) -> None:
    digests = repo.put_calls([call(2), call(1)])
    sha = repo.put_call_list(digests + digests[:1])
    assert repo.get_blob(sha) == ('["' + '","'.join(sorted(digests)) + '"]').encode()
    with pytest.raises(CallNotFound):
        repo.put_call_list(["e" * 64])
