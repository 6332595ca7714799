"""The one RFC 3339 parser (storage.timestamps), as providers, recordings and storage write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from storage.canonical import format_utc
from storage.timestamps import parse_timestamp, timestamp_or_none

NOON = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-01-05T12:00:00Z", NOON),
    ("2026-01-05T12:00:00.000Z", NOON),  # GuardDuty
    ("2026-01-05T12:00:00.123456789Z", NOON.replace(microsecond=123456)),  # nanoseconds: cut
    ("2026-01-05T14:00:00+02:00", NOON),
    ("2026-01-05T12:00:00", NOON),  # no offset: UTC, never local time
])
def test_reads_rfc3339(text: str, expected: datetime) -> None:
    parsed = parse_timestamp(text)
    assert parsed == expected and parsed.tzinfo is not None


def test_keeps_the_offset_it_was_given() -> None:
    assert parse_timestamp("2026-01-05T14:00:00+02:00").utcoffset() == timedelta(hours=2)


def test_reads_what_storage_writes() -> None:
    for value in (NOON, NOON.replace(microsecond=7)):
        assert parse_timestamp(format_utc(value)) == value


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-01T00:00:00Z", "12:00"])
def test_rejects_what_is_not_a_timestamp(text: str) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(text)
    assert timestamp_or_none(text) is None


@pytest.mark.parametrize("value", [None, 0, 1.5, ["2026-01-05T12:00:00Z"]])
def test_a_field_that_is_not_text_is_no_timestamp(value: object) -> None:
    assert timestamp_or_none(value) is None


def test_a_parsed_datetime_is_kept_in_utc() -> None:
    east = datetime(2026, 1, 5, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    got = timestamp_or_none(east)
    assert got is not None and got == NOON and got.tzinfo is UTC
