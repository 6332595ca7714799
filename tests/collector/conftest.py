"""Collector tests reuse the storage fixtures: every end-to-end run on SQLite and PostgreSQL."""

from tests.storage.conftest import db_url, pg_admin

__all__ = ["db_url", "pg_admin"]
