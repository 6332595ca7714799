"""Machine-readable output: JSON lines and CSV with the same columns."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import IO


def write_json_lines(rows: Iterable[Mapping[str, object]], out: IO[str]) -> int:
    n = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
        n += 1
    return n


def write_csv(rows: Iterable[Mapping[str, object]], columns: Sequence[str], out: IO[str]) -> int:
    """CSV with a header; list values are joined with ';' (e.g. criteria)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    n = 0
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
        n += 1
    return n


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value)
