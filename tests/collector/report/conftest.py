"""Report tests run on SQLite and PostgreSQL (the storage fixtures), on histories stored
through the repository."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storage import Repository
from tests.storage.conftest import db_url, pg_admin

__all__ = ["db_url", "pg_admin", "repo"]


@pytest.fixture
def repo(db_url: str) -> Iterator[Repository]:
    """A migrated repository on each backend."""
    repository = Repository.open(db_url)
    try:
        yield repository
    finally:
        repository.close()
