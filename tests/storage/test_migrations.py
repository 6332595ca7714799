"""Schema migrations, opening databases and connection errors."""

from __future__ import annotations

import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from storage import Repository, StorageError, sha256_hex
from storage.db import parse_url
from storage.migrate import HEAD, alembic_config, head_revision
from storage.models import Base

from .helpers import T0, legacy_seal, sealed_run, store_estate


def test_fresh_database_is_migrated_to_head(repo: Repository) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1, "the migration chain must stay linear"
    assert head_revision() == HEAD, "storage.migrate.HEAD must name the newest revision"
    assert repo.current_revision() == head_revision()
    assert repo.table_counts() == {
        "blobs": 0,
        "calls": 0,
        "runs": 0,
        "run_scopes": 0,
        "run_results": 0,
        "run_manifests": 0,
        "chain_head": 1,
        "ledger": 0,
        "checkpoints": 0,
        "outbox": 0,
    }


def test_upgrade_is_idempotent(repo: Repository, db_url: str) -> None:
    assert repo.upgrade() == head_revision()
    assert repo.upgrade() == head_revision()
    with Repository.open(db_url) as again:
        assert again.current_revision() == head_revision()
        assert again.table_counts()["chain_head"] == 1


def test_models_match_migrated_schema(repo: Repository) -> None:
    with repo.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_open_without_migrating_then_upgrade(db_url: str) -> None:
    with Repository.open(db_url, migrate=False) as repo:
        assert repo.current_revision() is None
        assert repo.upgrade() == head_revision()
        assert repo.current_revision() == head_revision()


def test_concurrent_first_open_migrates_once(db_url: str) -> None:
    n = 6
    barrier = threading.Barrier(n)

    def open_and_count(_: int) -> int:
        barrier.wait()
        with Repository.open(db_url) as repo:
            return repo.table_counts()["chain_head"]

    with ThreadPoolExecutor(n) as pool:
        assert list(pool.map(open_and_count, range(n))) == [1] * n


def test_threads_migrating_different_databases_do_not_interfere(
    db_url: str, tmp_path: Path
) -> None:
    urls = [db_url] * 3 + [f"sqlite:///{tmp_path / f'other-{n}.db'}" for n in range(3)]
    barrier = threading.Barrier(len(urls))

    def open_and_compare(url: str) -> list[object]:
        barrier.wait()
        with Repository.open(url) as repo, repo.engine.connect() as conn:
            assert repo.table_counts()["chain_head"] == 1
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))

    with ThreadPoolExecutor(len(urls)) as pool:
        assert list(pool.map(open_and_compare, urls)) == [[]] * len(urls)


def test_newer_database_is_refused(repo: Repository, raw: Engine, db_url: str) -> None:
    with raw.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff9999'"))
    for migrate in (True, False):
        with pytest.raises(StorageError, match="newer than this version") as info:
            Repository.open(db_url, migrate=migrate)
        assert "\n" not in str(info.value)


def test_unreachable_postgresql_message_masks_password() -> None:
    url = "postgresql+psycopg://evidence:s3cr3t-pw@127.0.0.1:1/evidence"
    with pytest.raises(StorageError) as info:
        Repository.open(url)
    message = str(info.value)
    assert message.startswith("cannot connect to the database postgresql+psycopg://evidence:***@")
    assert "s3cr3t" not in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "url",
    [
        "mysql://root:s3cr3t-pw@db/evidence",
        "postgresql+asyncpg://u:s3cr3t-pw@h/db",
        "not a url",
        "sqlite://",
        "sqlite:///:memory:",
    ],
)
def test_unsupported_urls(url: str) -> None:
    with pytest.raises(StorageError) as info:
        Repository.open(url)
    message = str(info.value)
    assert "s3cr3t" not in message
    assert "\n" not in message


def test_sqlite_parent_directory_is_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "evidence.db"
    with Repository.open(f"sqlite:///{path}") as repo:
        assert repo.current_revision() == head_revision()
    assert path.exists()


def test_plain_postgresql_scheme_means_psycopg() -> None:
    assert parse_url("postgresql://u:p@h/db").drivername == "postgresql+psycopg"
    assert parse_url("postgres://u:p@h/db").drivername == "postgresql+psycopg"


def test_missing_psycopg_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(StorageError, match=r"pip install 'cloud-evidence-collector\[postgres\]'"):
        Repository.open("postgresql+psycopg://u:s3cr3t-pw@127.0.0.1/db")


def _downgrade(repo: Repository, revision: str) -> None:
    with repo.engine.begin() as conn:
        command.downgrade(alembic_config(conn), revision)


def test_runs_sealed_before_0004_survive_the_upgrade(repo: Repository) -> None:
    # runs sealed by revision 0003 (rows and manifest bytes), taken down to 0003 and back up
    hashes = []
    for n in range(2):
        at = T0 + timedelta(days=n)
        store_estate(repo, f"old-{n}", at=at)
        hashes.append(legacy_seal(repo, f"old-{n}", at=at))
    _downgrade(repo, "0003")
    assert repo.current_revision() == "0003"
    assert repo.upgrade() == head_revision()
    assert repo.verify_chain().ok
    assert [sha256_hex(repo.manifest_bytes(f"old-{n}")) for n in range(2)] == hashes
    sealed_run(repo, "new-2", at=T0 + timedelta(days=2))
    assert repo.get_run("new-2").prev_sha256 == hashes[1]
    assert repo.verify_chain().ok


def test_downgrade_below_0004_is_refused_while_runs_are_packed(repo: Repository) -> None:
    sealed_run(repo, "packed")
    with pytest.raises(RuntimeError, match="1 runs are packed"):
        _downgrade(repo, "0003")
    assert repo.current_revision() == head_revision()
    assert repo.verify_chain().ok


def test_opening_an_up_to_date_database_does_not_import_alembic(db_url: str) -> None:
    Repository.open(db_url).close()  # migrate it first
    code = ("import sys; from storage import Repository; "
            f"Repository.open({db_url!r}).close(); print('alembic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


def test_0005_chains_existing_attachments_and_rebuilds_the_index(repo: Repository) -> None:
    from sqlalchemy import text as sql

    from .test_tamper import attach, results_run

    results_run(repo, "d0", 0, {"r1"})
    results_run(repo, "d1", 1, {"r1", "r2"})
    attach(repo, "Policy")
    _downgrade(repo, "0004")
    with repo.engine.begin() as conn:  # an edit made before the upgrade is not trusted
        conn.execute(sql("UPDATE result_changes SET status = 'pass' WHERE status = 'fail'"))
    assert repo.upgrade() == head_revision()
    assert [e.kind for e in repo.ledger_records()] == ["attachment", "change_index"]
    assert [a.title for a in repo.list_attachments()] == ["Policy"]
    grouped = repo.changes_by_set(["d0", "d1"])
    assert ("r2", ("fail", "m", "", "")) in grouped[("d1", ("aws_c", "aws", "111", "us-east-1"))]
    assert repo.verify_chain().ok
    results_run(repo, "d2", 2, set())  # sealed by 0005: its digest is in its manifest
    assert repo.get_run("d2").changes_sha256 is not None and repo.verify_chain().ok
    with repo.engine.begin() as conn:
        conn.execute(sql("DELETE FROM result_changes WHERE run_id = 'd0'"))
    assert not repo.verify_chain().ok
