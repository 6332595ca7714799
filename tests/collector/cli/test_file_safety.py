"""File safety: the database, its WAL and the lock files are 0600 whatever the umask; lock files
never follow a symlink; read commands open the database read-only and work on a read-only
file, directory and mount (SQLite) or with a SELECT-only role (PostgreSQL)."""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import stat
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from collector.locks import ScopeLocks
from storage import Repository, StorageError
from storage.readonly import open_read_only
from tests.collector.export.history import build_history
from tests.support.cli import run_cli

Capsys = pytest.CaptureFixture[str]
START, END = "2026-01-01", "2026-01-03"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o000], ids=["umask022", "umask000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def test_new_sqlite_database_wal_shm_and_lock_files_are_0600(tmp_path: Path,
                                                              umask: int) -> None:
    db = tmp_path / "new" / "e.db"
    with Repository.open(f"sqlite:///{db}") as repo:
        build_history(repo, days=1, resources=4, checks=2, flips_per_day=1)
        lease = ScopeLocks(repo)("aws", "111111111111", threading.Event())
        try:
            files = [db, db.with_name("e.db-wal"), db.with_name("e.db-shm")]
            assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
            locks = db.with_name("e.db.locks")
            assert mode(locks) == 0o700
            (lock,) = locks.iterdir()
            assert mode(lock) == 0o600
        finally:
            lease.release()  # type: ignore[union-attr]
    assert mode(db.parent) == 0o700  # the directory evidence created for it


def test_a_symlink_planted_at_a_lock_path_is_refused_and_its_target_untouched(
    tmp_path: Path
) -> None:
    with Repository.open(f"sqlite:///{tmp_path / 'e.db'}") as repo:
        locks = ScopeLocks(repo)
        lease = locks("aws", "111111111111", threading.Event())
        lease.release()  # type: ignore[union-attr]
        (lock,) = (tmp_path / "e.db.locks").iterdir()
        target = tmp_path / "precious.txt"
        target.write_text("do not truncate me\n")
        lock.unlink()
        lock.symlink_to(target)

        with pytest.raises(StorageError) as refused:
            locks("aws", "111111111111", threading.Event())

    assert "symbolic link" in str(refused.value) and "\n" not in str(refused.value)
    assert target.read_text() == "do not truncate me\n"
    assert lock.is_symlink()


# -- read commands on a read-only database ----------------------------------------------------

def read_commands(out: Path, run_id: str) -> list[list[str]]:
    """Every command that only reads, with arguments that make it read everything."""
    return [["runs"], ["runs", "--format", "json"], ["results", "--format", "json"],
            ["results", "--run", run_id, "--format", "csv"],
            ["report", "--from", START, "--to", END, "--format", "json"],
            ["export", "--from", START, "--to", END, "-o", str(out / "bundle.zip")],
            ["export", "--as-of", END, "-o", str(out / "type1.zip")],
            ["sample", "--criterion", "CC6.1", "--from", START, "--to", END, "-o",
             str(out / "sample")],
            ["criteria", "--format", "json"], ["attachments", "--format", "json"],
            ["diff", run_id, "latest", "--format", "json"], ["db", "verify"]]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def sqlite_history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A SQLite database with three days of history, closed cleanly (no -wal left)."""
    db = tmp_path_factory.mktemp("history") / "evidence.db"
    with Repository.open(f"sqlite:///{db}") as repo:
        history = build_history(repo, days=3, resources=12, checks=3, flips_per_day=2)
    assert not db.with_name("evidence.db-wal").exists()
    return db, history.run_ids[0]


@pytest.fixture
def read_only_copy(sqlite_history: tuple[Path, str], tmp_path: Path) -> Iterator[Path]:
    """The database copied into a directory made read-only (0444 file, 0555 directory); as
    root (who ignores modes) the directory is also a tmpfs remounted read-only."""
    source, _ = sqlite_history
    ro = tmp_path / "ro"
    ro.mkdir()
    mounted = False
    if os.geteuid() == 0:
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(ro)],
                          capture_output=True).returncode != 0:
            pytest.skip("running as root, and cannot mount a read-only tmpfs")
        mounted = True
    db = ro / "evidence.db"
    shutil.copyfile(source, db)
    db.chmod(0o444)
    ro.chmod(0o555)
    try:
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(ro)], check=True)
        yield db
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(ro)], check=False)
        else:
            ro.chmod(0o755)


def test_read_commands_work_on_a_read_only_sqlite_file_and_write_nothing(
    read_only_copy: Path, sqlite_history: tuple[Path, str], tmp_path: Path, capsys: Capsys
) -> None:
    db = read_only_copy
    before = (digest(db), sorted(p.name for p in db.parent.iterdir()))
    out = tmp_path / "out"
    out.mkdir()
    for args in read_commands(out, sqlite_history[1]):
        res = run_cli(capsys, "--db", f"sqlite:///{db}", *args)
        assert res.code == 0, (args, res.err)
        assert "Traceback" not in res.err and "error" not in res.err.lower(), (args, res.err)
    assert (digest(db), sorted(p.name for p in db.parent.iterdir())) == before
    assert (out / "bundle.zip").stat().st_size > 0


def test_read_commands_on_a_writable_sqlite_file_leave_it_byte_identical(
    sqlite_history: tuple[Path, str], tmp_path: Path, capsys: Capsys
) -> None:
    db = tmp_path / "evidence.db"
    shutil.copyfile(sqlite_history[0], db)
    before = digest(db)
    for args in read_commands(tmp_path, sqlite_history[1]):
        assert run_cli(capsys, "--db", f"sqlite:///{db}", *args).code == 0, args
    assert digest(db) == before


def test_a_read_command_never_creates_a_database(tmp_path: Path, capsys: Capsys) -> None:
    res = run_cli(capsys, "--db", f"sqlite:///{tmp_path / 'typo.db'}", "runs")
    assert res.code == 2
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and "no evidence database" in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_read_only_sqlite_repository_refuses_writes(sqlite_history: tuple[Path, str]) -> None:
    repo = open_read_only(f"sqlite:///{sqlite_history[0]}")
    try:
        with pytest.raises(StorageError, match=r"readonly|read-only|read only"):
            repo.heartbeat(sqlite_history[1], datetime.now(UTC))
    finally:
        repo.close()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_read_commands_work_with_a_select_only_postgres_role(
    db_url: str, tmp_path: Path, capsys: Capsys
) -> None:
    with Repository.open(db_url) as repo:
        history = build_history(repo, days=3, resources=12, checks=3, flips_per_day=2)
    url = make_url(db_url)
    schema = str(url.query["options"]).split("=", 1)[1]
    role = f"ro_{secrets.token_hex(5)}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"'))
        conn.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"'))
    reader = url.set(username=role).render_as_string(hide_password=False)
    try:
        for args in read_commands(tmp_path, history.run_ids[0]):
            res = run_cli(capsys, "--db", reader, *args)
            assert res.code == 0, (args, res.err)
            assert "Traceback" not in res.err and "error" not in res.err.lower(), (args, res.err)
        repo = open_read_only(db_url)  # even as the owner, the session is read-only
        try:
            with repo.engine.connect() as conn:
                assert conn.execute(text("SHOW default_transaction_read_only")).scalar() == "on"
            with pytest.raises(StorageError, match="read-only"):
                repo.heartbeat(history.run_ids[0], datetime.now(UTC))
        finally:
            repo.close()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))
        admin.dispose()


def test_a_read_command_never_migrates_an_older_schema(sqlite_history: tuple[Path, str],
                                                       tmp_path: Path, capsys: Capsys) -> None:
    db = tmp_path / "evidence.db"
    shutil.copyfile(sqlite_history[0], db)
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '0003'"))
    finally:
        engine.dispose()
    before = digest(db)

    res = run_cli(capsys, "--db", f"sqlite:///{db}", "report", "--from", START, "--to", END)

    assert res.code == 2 and "Traceback" not in res.err
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and "'0003'" in lines[0] and "evidence db upgrade" in lines[0]
    assert digest(db) == before
