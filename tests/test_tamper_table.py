"""The README's table "What an edit looks like, what detects it" names the tests that prove each
row (issue 14): every named test must exist, so the table cannot claim a proof that was renamed
or removed. The table is the first markdown table under a heading containing "what detects it";
its last column holds test node ids in backticks (``tests/x.py::test_y``, a ``[param]`` or a
``Class::`` part allowed)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
HEADING = re.compile(r"^#{1,6}\s.*what detects it", re.IGNORECASE)
NODE = re.compile(r"`([^`]+)`")
MIN_ROWS = 10
"""Issue 14 lists more defects than this; a table shorter than it is not the table."""


def table_rows(text: str) -> list[list[str]]:
    """The body rows (cells stripped) of the first table under the heading; [] if none."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if HEADING.match(line)), None)
    if start is None:
        return []
    rows: list[list[str]] = []
    for line in lines[start + 1:]:
        if line.startswith("#"):
            break
        if not line.lstrip().startswith("|"):
            if rows:
                break
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append(cells)
    body = rows[2:] if len(rows) >= 2 and set(rows[1][0]) <= set(":- ") else rows[1:]
    return body


def node_ids(rows: list[list[str]]) -> list[str]:
    """Every test node id of the last column."""
    return [node for row in rows for node in NODE.findall(row[-1])]


def missing(node: str) -> str | None:
    """Why ``node`` does not name an existing test (``None`` when it does)."""
    path, _, rest = node.partition("::")
    if not rest or not path.endswith(".py") or not path.startswith("tests/"):
        return "not a node id like tests/path.py::test_name"
    if not (ROOT / path).is_file():
        return f"{path} does not exist"
    module = importlib.import_module(path[:-3].replace("/", "."))
    target: object = module
    parts = re.sub(r"\[.*\]$", "", rest).split("::")
    for part in parts:
        target = getattr(target, part, None)
        if target is None:
            return f"{path} has no {part}"
    if not callable(target) or not parts[-1].startswith("test"):
        return f"{rest} is not a test function"
    return None


def test_the_parser_reads_a_table_and_its_node_ids() -> None:
    text = ("# x\n## What an edit looks like, what detects it\nintro\n\n"
            "| Edit | Detected by | Test |\n|---|---|---|\n"
            "| a | b | `tests/test_tamper_table.py::test_the_parser_reads_a_table_and_its_node_ids`"
            " |\n| c | d | `tests/nope.py::test_x`, `tests/test_tamper_table.py::missing` |\n\n"
            "| other | table |\n")
    rows = table_rows(text)
    assert [r[0] for r in rows] == ["a", "c"]
    found = {n: missing(n) for n in node_ids(rows)}
    assert next(iter(found.values())) is None
    assert found["tests/nope.py::test_x"] == "tests/nope.py does not exist"
    assert found["tests/test_tamper_table.py::missing"] == "missing is not a test function"
    assert missing("tests/test_tamper_table.py::test_gone[sqlite]") == (
        "tests/test_tamper_table.py has no test_gone")


def test_every_test_the_readme_table_names_exists() -> None:
    rows = table_rows(README.read_text(encoding="utf-8"))
    if not rows:
        pytest.fail('README.md has no table under a heading containing "what detects it"')
    assert len(rows) >= MIN_ROWS, f"the table has {len(rows)} rows"
    unproven = [row[0] for row in rows if not NODE.search(row[-1])]
    assert not unproven, f"rows naming no test: {unproven}"
    broken = {n: why for n in node_ids(rows) if (why := missing(n)) is not None}
    assert not broken, broken
