"""The report's JSON form: every field of every row, dates ISO, datetimes UTC ``...Z``."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any

from collector.report.jsonable import Jsonable
from storage import Repository
from storage.canonical import format_utc
from tests.collector.report.test_period import build, history, settings


def reference(value: Any) -> Any:
    """The JSON form by its definition (``dataclasses.asdict`` with dates formatted)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: reference(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [reference(v) for v in value]
    if isinstance(value, datetime):
        return format_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def test_to_dict_is_every_field_with_dates_formatted(repo: Repository) -> None:
    history(repo)
    cfg = settings(controls=[{"id": "AC-1", "title": "Access", "criteria": ["CC6.1"],
                              "checks": ["aws_s3_*"], "frequency": "daily"}])
    report = build(repo, cfg)
    assert report.exceptions and report.controls and report.runs
    assert report.to_dict() == reference(report)


@dataclasses.dataclass(frozen=True)
class _One:
    at: datetime


def test_a_one_field_record_and_nested_sequences() -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    value = [(_One(at), date(2026, 1, 2)), [1.5, None, "x"]]
    assert Jsonable().convert(value) == reference(value) == [
        [{"at": "2026-01-02T03:04:05.000006Z"}, "2026-01-02"], [1.5, None, "x"]]
