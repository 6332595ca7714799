"""The deterministic ZIP writer: fixed metadata, enforced order, safe names, streamed hashing."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from collector.export.bundle import BundleWriteError, BundleWriter


def write(members: list[tuple[str, list[bytes]]]) -> bytes:
    out = io.BytesIO()
    writer = BundleWriter(out)
    for name, chunks in members:
        writer.add_chunks(name, iter(chunks))
    writer.close()
    return out.getvalue()


def test_same_members_give_the_same_bytes_however_chunked() -> None:
    a = write([("a.txt", [b"hello ", b"world"]), ("b/c.json", [b"{}"])])
    b = write([("a.txt", [b"hel", b"lo world"]), ("b/c.json", [b"{", b"}"])])
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as zf:
        assert zf.read("a.txt") == b"hello world"


def test_entries_carry_sha256_and_size() -> None:
    out = io.BytesIO()
    writer = BundleWriter(out)
    entry = writer.add_chunks("x.bin", [b"ab", b"c"])
    assert entry.sha256 == hashlib.sha256(b"abc").hexdigest() and entry.size == 3


@pytest.mark.parametrize("names", [["b.txt", "a.txt"], ["a.txt", "a.txt"]])
def test_out_of_order_or_duplicate_members_are_refused(names: list[str]) -> None:
    writer = BundleWriter(io.BytesIO())
    writer.add_bytes(names[0], b"1")
    with pytest.raises(BundleWriteError):
        writer.add_bytes(names[1], b"2")


@pytest.mark.parametrize("name", ["../x", "/abs", "a/../b", "a b.txt", "a//b", ".hidden",
                                  'q"uote', "a\\b", ""])
def test_unsafe_names_are_refused(name: str) -> None:
    with pytest.raises(BundleWriteError, match="unsafe"):
        BundleWriter(io.BytesIO()).add_bytes(name, b"x")


def test_final_members_may_follow_unordered_but_never_twice() -> None:
    writer = BundleWriter(io.BytesIO())
    writer.add_bytes("z.txt", b"1")
    writer.unordered()
    writer.add_bytes("manifest.json", b"{}")
    with pytest.raises(BundleWriteError, match="duplicate"):
        writer.add_bytes("z.txt", b"2")
