"""Schema migrations (Alembic), run programmatically: no alembic.ini.

``upgrade`` takes the write lock first (SQLite ``BEGIN IMMEDIATE``; a transaction-scoped advisory
lock on PostgreSQL) and runs every pending revision inside that one transaction, so two
processes opening a fresh database at once migrate it exactly once. Within one process a lock
also serialises all migrations, because Alembic's ``op``/``context`` proxies are process-global:
two threads migrating at once (even different databases) would cross their connections.

To write a new revision after changing ``storage/models/``, against a database at head::

    python -c "from storage.migrate import make_revision; \\
               make_revision('sqlite:///dev.db', 'add foo')"

and review the generated file in ``storage/migrations/versions/``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from storage.db import make_engine, parse_url, read_tx, write_tx
from storage.errors import StorageError

if TYPE_CHECKING:
    from alembic.config import Config

HEAD = "0006"
"""The newest schema revision (a test keeps it equal to the migration scripts' head). Knowing
it without Alembic lets every command open an up-to-date database without importing Alembic."""
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_PG_LOCK_KEY = 0x45564944  # "EVID": pg_advisory_xact_lock key for migrations
_PROCESS_LOCK = threading.Lock()  # taken before the database lock, never after


def alembic_config(conn: Connection | None = None) -> Config:
    """An Alembic config pointing at our migrations, carrying ``conn`` if given."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if conn is not None:
        config.attributes["connection"] = conn
    return config


def head_revision() -> str:
    """The newest schema revision of the migration scripts (equal to :data:`HEAD`)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def _revision_of(conn: Connection) -> str | None:
    """The schema revision recorded in the database (``None`` for an empty one)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    versions = list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    if len(versions) > 1:
        raise StorageError(f"the database has several schema heads ({', '.join(versions)})")
    return versions[0] if versions else None


def check_known(revision: str | None) -> None:
    """Raise StorageError if the database is at a revision this tool does not know."""
    if revision is None or revision == HEAD:
        return
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        known = ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise StorageError(
            f"the database schema is at revision {revision!r}, newer than this version of "
            f"evidence knows (up to {head_revision()!r}): upgrade evidence"
        )


def current_revision(engine: Engine) -> str | None:
    """The schema revision of the database behind ``engine``."""
    with read_tx(engine, "reading the schema revision") as conn:
        return _revision_of(conn)


def upgrade(engine: Engine) -> str:
    """Bring the database to the head revision (idempotent); return the head revision."""
    head = HEAD
    current = current_revision(engine)
    check_known(current)
    if current == head:  # the common case: no lock needed
        return head
    with _PROCESS_LOCK, write_tx(engine, "upgrading the database schema") as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        current = _revision_of(conn)
        check_known(current)
        if current != head:
            from alembic import command

            command.upgrade(alembic_config(conn), "head")
    return head


def make_revision(url: str, message: str, *, autogenerate: bool = True) -> None:
    """Developer helper: write a new revision file against ``url``'s schema."""
    from alembic import command

    engine = make_engine(parse_url(url))
    try:
        with _PROCESS_LOCK, engine.connect() as conn:
            config = alembic_config(conn)
            command.revision(config, message=message, autogenerate=autogenerate)
    finally:
        engine.dispose()
