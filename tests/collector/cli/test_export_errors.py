"""`evidence export` refusals are one line with their documented exit code, and leave neither a
partial bundle nor an "Exception ignored in ZipFile.__del__" behind (run as a real process, so
whatever the interpreter prints at exit is seen too)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from collector.cli.errors import EXIT_USAGE, EXIT_VERIFY
from storage import Repository
from tests.collector.export.history import build_history

START, END = "2026-01-01", "2026-01-03"


def evidence(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EVIDENCE_LOG_FORMAT": "text"}
    return subprocess.run([sys.executable, "-m", "collector", "--db", db_url, *args], env=env,
                          capture_output=True, text=True, timeout=120)


def one_line(done: subprocess.CompletedProcess[str], code: int) -> str:
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.fixture
def history_url(db_url: str) -> str:
    with Repository.open(db_url) as repo:
        build_history(repo, days=3, resources=24, checks=3, flips_per_day=2)
    return db_url


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 32 KiB tmpfs: a bundle does not fit."""
    where = tmp_path / "tiny"
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32k", "tmpfs", str(where)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tiny tmpfs here (needs root): "
                    f"{mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_export_on_a_full_disk_is_one_line_and_leaves_nothing(
    history_url: str, tiny_disk: Path
) -> None:
    done = evidence(history_url, "export", "--from", START, "--to", END, "-o",
                    str(tiny_disk / "bundle.zip"))
    line = one_line(done, EXIT_USAGE)
    assert "No space left on device" in line and "bundle.zip" in line
    assert list(tiny_disk.iterdir()) == []


def test_export_into_a_missing_directory_parent_that_is_a_file_is_one_line(
    history_url: str, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    line = one_line(evidence(history_url, "export", "--from", START, "--to", END, "-o",
                             str(blocker / "bundle.zip")), EXIT_USAGE)
    assert "bundle.zip" in line or "file" in line


def test_export_of_a_tampered_database_exits_4_in_one_line(history_url: str,
                                                           tmp_path: Path) -> None:
    engine = create_engine(history_url)
    try:
        with engine.begin() as conn:
            changed = conn.execute(text(
                "UPDATE result_changes SET status = 'pass' WHERE status = 'fail'")).rowcount
    finally:
        engine.dispose()
    assert changed > 0
    out = tmp_path / "bundle.zip"
    line = one_line(evidence(history_url, "export", "--from", START, "--to", END, "-o",
                             str(out)), EXIT_VERIFY)
    assert "evidence: error:" in line
    assert not out.exists()
