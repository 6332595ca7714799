"""Engines and transactions: URL checks, SQLite locking recipe, error translation.

SQLite connections run in WAL mode with a 30 s busy timeout and foreign keys on. The driver's
own transaction handling is switched off and SQLAlchemy emits ``BEGIN`` itself: ``BEGIN
IMMEDIATE`` for write transactions (:func:`write_tx`), so a writer takes the database write lock
before reading anything and concurrent writers queue on the busy timeout instead of failing
with "database is locked"; plain deferred ``BEGIN`` for reads (:func:`read_tx`).
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.engine import URL, make_url

from storage.errors import StorageError

BUSY_TIMEOUT_S = 30
"""Seconds a SQLite writer waits for the write lock before giving up."""

_WRITE_OPTION = "evidence_write"
_SUPPORTED = "sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST:PORT/DB"


def parse_url(url: str) -> URL:
    """Parse and check a database URL; ``postgresql://`` means ``postgresql+psycopg://``."""
    try:
        parsed = make_url(url)
    except (exc.ArgumentError, ValueError) as e:
        raise StorageError(f"invalid database URL {mask(url)!r}: expected {_SUPPORTED}") from e
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgresql", "postgres") and driver in ("", "psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        if parsed.database in (None, "", ":memory:"):
            raise StorageError(
                "in-memory SQLite is not supported (it cannot be shared between connections); "
                "use a file: sqlite:///evidence.db"
            )
        return parsed
    raise StorageError(
        f"unsupported database URL scheme {parsed.drivername!r} in {mask(url)!r}: "
        f"expected {_SUPPORTED}"
    )


def mask(url: str | URL) -> str:
    """Render a URL with its password replaced by ``***``; never fails."""
    try:
        parsed = url if isinstance(url, URL) else make_url(url)
        return parsed.render_as_string(hide_password=True)
    except Exception:  # unparsable: hide anything between ':' and '@' in the authority
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", str(url))


def one_line(error: BaseException, *, secret: str | None = None) -> str:
    """The first line of a driver error, whitespace collapsed, with ``secret`` removed."""
    original = getattr(error, "orig", None) or error
    text = " ".join(str(original).split())
    if secret:
        text = text.replace(secret, "***")
    return text[:500]


def make_engine(url: URL) -> Engine:
    """Create the engine for a checked URL (see :func:`parse_url`), with our connection setup."""
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = 10
    try:
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    except ImportError as e:  # the psycopg driver is not installed
        raise StorageError(
            "PostgreSQL support needs psycopg: pip install 'cloud-evidence-collector[postgres]'"
        ) from e


def _sqlite_engine(url: URL) -> Engine:
    """SQLite engine: WAL, busy timeout, foreign keys, BEGIN IMMEDIATE for writers."""
    database = url.database or ""
    if not database.startswith("file:"):
        try:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StorageError(f"cannot create the directory for {database!r}: {e}") from e
    engine = create_engine(
        url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
            cursor.execute("PRAGMA foreign_keys = ON")
            _use_wal(cursor)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _use_wal(cursor: Any) -> None:
    """Switch the file to WAL (persistent: once done, later connections only read it).

    Changing the journal mode needs a moment of exclusive access, and SQLite may answer
    "database is locked" at once, without its busy handler, while other connections open the
    same new file; so retry for a few seconds before giving up.
    """
    if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
        return
    for attempt in range(50):
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError:
            if attempt == 49:
                raise
            time.sleep(0.1)


def _translate(e: exc.DBAPIError, what: str) -> StorageError:
    """Turn a driver error into a one-line StorageError."""
    if isinstance(e, exc.IntegrityError):
        return StorageError(f"{what} violates a database constraint: {one_line(e)}")
    return StorageError(f"database error during {what}: {one_line(e)}")


@contextmanager
def write_tx(engine: Engine, what: str = "write") -> Iterator[Connection]:
    """A write transaction, committed on success; on SQLite it holds the write lock throughout.

    On PostgreSQL it is an ordinary READ COMMITTED transaction: callers lock rows explicitly
    (``SELECT ... FOR UPDATE``) where they need to serialise.
    """
    try:
        with engine.connect() as conn:
            conn.execution_options(**{_WRITE_OPTION: True})
            with conn.begin():
                yield conn
    except exc.DBAPIError as e:
        raise _translate(e, what) from e


@contextmanager
def read_tx(engine: Engine, what: str = "read") -> Iterator[Connection]:
    """A read transaction (one consistent snapshot on both backends), rolled back at the end."""
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn
    except exc.DBAPIError as e:
        raise _translate(e, what) from e
