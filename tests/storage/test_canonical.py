"""Canonical JSON and record normalisation (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from storage import CallRecord, ResultSetRecord, ScopeRecord, canonical_json, sha256_hex
from storage.records import to_utc

from .helpers import call


def test_sorted_compact_utf8() -> None:
    assert canonical_json({"b": 1, "a": [1, "é"]}) == '{"a":[1,"é"],"b":1}'.encode()


def test_datetime_forms_are_utc_and_drop_zero_microseconds() -> None:
    plus2 = timezone(timedelta(hours=2))
    assert canonical_json(datetime(2026, 1, 2, 5, 4, 5, tzinfo=plus2)) == b'"2026-01-02T03:04:05Z"'
    with_us = datetime(2026, 1, 2, 3, 4, 5, 7, tzinfo=UTC)
    assert canonical_json(with_us) == b'"2026-01-02T03:04:05.000007Z"'
    assert canonical_json(date(2026, 1, 2)) == b'"2026-01-02"'


def test_naive_datetime_rejected() -> None:
    with pytest.raises(ValueError, match="naive"):
        canonical_json(datetime(2026, 1, 2))


def test_bytes_sets_tuples() -> None:
    assert canonical_json(b"\x00\xff") == b'"AP8="'
    assert canonical_json({"s": {3, 1, 2}, "t": (1, 2)}) == b'{"s":[1,2,3],"t":[1,2]}'


@pytest.mark.parametrize("bad", [float("nan"), object(), {1: "int key"}])
def test_rejects_non_canonical_values(bad: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        canonical_json(bad)


def test_sha256_hex() -> None:
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_call_digest_covers_every_field() -> None:
    base = call(1)
    assert base.digest() == call(1).digest()
    changed = [
        CallRecord(**{**base.as_dict(), name: value}).digest()
        for name, value in [
            ("params", {"Bucket": "other"}),
            ("http_status", 403),
            ("error_code", "AccessDenied"),
            ("pages", 2),
            ("complete", False),
            ("response_sha256", "0" * 64),
        ]
    ]
    assert base.digest() not in changed
    assert len(set(changed)) == len(changed)


def test_records_normalise_to_utc() -> None:
    plus2 = timezone(timedelta(hours=2))
    local = datetime(2026, 1, 2, 5, 0, tzinfo=plus2)
    record = ResultSetRecord("c", "1", "aws", "s", "global", local, "0" * 64, 1, 0, 0, 0)
    assert record.observed_at.tzinfo is UTC
    assert record.observed_at == local
    scope = ScopeRecord("aws", "s", "global", "id", local, None, 1, 0, [["E", "m"]], None)  # type: ignore[arg-type]
    assert scope.errors == (("E", "m"),)
    with pytest.raises(ValueError, match="naive"):
        to_utc(datetime(2026, 1, 2))
