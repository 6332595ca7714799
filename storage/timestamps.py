"""Reading timestamps: the one RFC 3339 parser (providers' fields, recordings, stored text).

RFC 3339 (`2026-01-05T10:00:00Z`, `…10:00:00.123456789+02:00`) is what AWS JSON APIs, Cloud
Asset, ARM and `storage.canonical.format_utc` write. `datetime.fromisoformat` reads it once the
`Z` is spelled as an offset (fractions beyond microseconds are cut); text with no offset is read
as UTC, never as local time.
"""

from __future__ import annotations

from datetime import UTC, datetime


def parse_timestamp(text: str) -> datetime:
    """An aware datetime from RFC 3339 / ISO 8601 text; ValueError when it is not one."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def timestamp_or_none(value: object) -> datetime | None:
    """A provider's timestamp field as an aware datetime: a datetime (as botocore parses some)
    in UTC, text parsed by `parse_timestamp`; None when absent, empty or not a timestamp."""
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_timestamp(value)
    except ValueError:
        return None
