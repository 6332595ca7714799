"""Opening the evidence database for reading only: what `runs`, `report`, `export` and the other
read commands use.

A read-only repository never migrates, reaps or writes: SQLite opens the file with
``mode=ro`` (a read-only file, directory or mount works), PostgreSQL sessions run with
``default_transaction_read_only``. A database whose schema is older than this version of
evidence is refused with one line naming the command that upgrades it.
"""

from __future__ import annotations

from storage import migrate as migrations
from storage.errors import StorageError
from storage.repository import Repository


def open_read_only(url: str) -> Repository:
    """Connect to ``url`` for reading only; raise StorageError (one line) when it cannot be
    read: no such SQLite file, unreachable server, no schema, or a schema not at head."""
    repo = Repository.connect(url, read_only=True)
    engine, shown = repo._engine, repo.url
    try:
        revision = repo.current_revision()
        migrations.check_known(revision)
        if revision is None:
            raise StorageError(f"the database {shown} holds no evidence yet (run "
                               "`evidence collect` or `evidence db upgrade` first)")
        if revision != migrations.HEAD:
            raise StorageError(
                f"the database {shown} has schema revision {revision!r}, older than this "
                f"version of evidence ({migrations.HEAD!r}); read commands never write: run "
                "`evidence db upgrade` first")
    except BaseException:
        engine.dispose()
        raise
    return repo
