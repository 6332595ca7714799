"""Fixtures: every database test runs on SQLite (a temp file) and on PostgreSQL.

PostgreSQL comes from ``EVIDENCE_TEST_PG_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``); each test gets a fresh schema, dropped
afterwards. A local cluster found down is started (tests/support/postgres.py); if PostgreSQL is
still unreachable its tests fail, unless ``EVIDENCE_TEST_SKIP_PG=1``.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, exc, text
from sqlalchemy.engine import make_url

from storage import Repository
from tests.support.postgres import start_local

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine | str]:
    """An engine on the test PostgreSQL, or the reason it is unreachable."""
    url = make_url(os.environ.get("EVIDENCE_TEST_PG_URL", DEFAULT_PG_URL))
    engine = create_engine(url, connect_args={"connect_timeout": 5})
    why = reach(engine)
    if why is not None and start_local() is None:
        why = reach(engine, attempts=30)
    if why is not None:
        engine.dispose()
        yield f"PostgreSQL unreachable at {url.render_as_string(hide_password=True)}: {why}"
        return
    yield engine
    engine.dispose()


def reach(engine: Engine, attempts: int = 1) -> str | None:
    """None once `engine` connects (trying once a second), else the last error in one line."""
    why = "not tried"
    for attempt in range(attempts):
        try:
            with engine.connect():
                return None
        except exc.DBAPIError as e:
            why = " ".join(str(e.orig).split())
        if attempt + 1 < attempts:
            time.sleep(1)
    return why


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A URL to an empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'evidence.db'}"
        return
    admin = request.getfixturevalue("pg_admin")
    if isinstance(admin, str):
        if os.environ.get("EVIDENCE_TEST_SKIP_PG") == "1":
            pytest.skip(admin)
        pytest.fail(f"{admin} (set EVIDENCE_TEST_SKIP_PG=1 to skip PostgreSQL tests)")
    schema = f"t_{secrets.token_hex(6)}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def repo(db_url: str) -> Iterator[Repository]:
    """A migrated repository on ``db_url``."""
    repository = Repository.open(db_url)
    try:
        yield repository
    finally:
        repository.close()


@pytest.fixture
def raw(db_url: str) -> Iterator[Engine]:
    """A plain engine on the same database, for tampering behind the repository's back."""
    engine = create_engine(db_url)
    try:
        yield engine
    finally:
        engine.dispose()
