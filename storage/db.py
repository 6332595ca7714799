"""Engines and transactions: URL checks, SQLite locking recipe, error translation.

SQLite connections run in WAL mode with a 30 s busy timeout and foreign keys on. The driver's
own transaction handling is switched off and SQLAlchemy emits ``BEGIN`` itself: ``BEGIN
IMMEDIATE`` for write transactions (:func:`write_tx`), so a writer takes the database write lock
before reading anything and concurrent writers queue on the busy timeout instead of failing
with "database is locked"; plain deferred ``BEGIN`` for reads (:func:`read_tx`).
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.engine import URL, make_url

from storage.errors import StorageError

BUSY_TIMEOUT_S = 30
"""Seconds a SQLite writer waits for the write lock before giving up."""

PG_CONNECT_DEFAULTS: dict[str, int] = {
    "connect_timeout": 10, "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
    "keepalives_count": 3}
"""libpq connection parameters used unless the URL sets them: a server that vanishes (a
network partition, a killed host) is noticed within about a minute instead of never."""
_WRITE_OPTION = "evidence_write"
_SUPPORTED = "sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST:PORT/DB"


class DatabaseUnavailable(StorageError):
    """The database server cannot be reached or dropped the connection (an outage, not bad
    input): the command stops, and what was already stored stays stored."""


_SECRET_QUERY = re.compile(r"([?&](?:password|sslpassword)=)[^&]*", re.IGNORECASE)
"""Query-string parameters that carry a secret (libpq's password and sslpassword)."""


def parse_url(url: str) -> URL:
    """Parse and check a database URL; ``postgresql://`` means ``postgresql+psycopg://``.

    A password containing ``@`` (not percent-encoded) is taken whole, up to the last ``@``
    before the host (the host is never taken from the password), and a ``?password=`` query
    parameter becomes the URL's password, so that both are masked in every message.
    """
    try:
        parsed = _normalise_password(make_url(_encode_userinfo(url)))
    except (exc.ArgumentError, ValueError) as e:
        raise StorageError(f"invalid database URL {mask(url)!r}: expected {_SUPPORTED}") from e
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgresql", "postgres") and driver in ("", "psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        if parsed.host or parsed.username or parsed.port:
            raise StorageError(
                f"invalid SQLite URL {mask(url)!r}: a SQLite URL has no host; use "
                "sqlite:///relative/path.db or sqlite:////absolute/path.db")
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


def _encode_userinfo(raw: str) -> str:
    """Percent-encode a user name and password written with a bare ``@`` (or ``/``) in them:
    the host follows the last ``@`` before the query (a host name never holds ``@``)."""
    scheme, sep, rest = raw.partition("://")
    head, qmark, query = rest.partition("?")
    if not sep or head.count("@") < 2 or ":" not in head.rpartition("@")[0]:
        return raw
    userinfo, _, hostpart = head.rpartition("@")
    user, _, password = userinfo.partition(":")
    return f"{scheme}://{quote(unquote(user), safe='')}:{quote(unquote(password), safe='')}" \
           f"@{hostpart}{qmark}{query}"


def _normalise_password(parsed: URL) -> URL:
    """Move a ``?password=`` query parameter to the URL's password (masked everywhere)."""
    if "password" in parsed.query and parsed.password is None:
        value = parsed.query["password"]
        parsed = parsed.set(password=value if isinstance(value, str) else value[-1])
        parsed = parsed.difference_update_query(["password"])
    return parsed


def mask(url: str | URL) -> str:
    """Render a URL with its password (also ``?password=`` and an ``@`` inside it) replaced by
    ``***``; never fails. Masks too much rather than too little."""
    if isinstance(url, URL):
        shown = url.render_as_string(hide_password=True)
    else:
        # Hide everything between the user name's ':' and the LAST '@' (a password may hold
        # '@', '/', '?'), then any secret query parameter.
        shown = re.sub(r"(://[^:/@?]*:).*@", r"\1***@", str(url))
    return _SECRET_QUERY.sub(r"\1***", shown)


def one_line(error: BaseException, *, secret: str | None = None) -> str:
    """The first line of a driver error, whitespace collapsed, with ``secret`` removed."""
    original = getattr(error, "orig", None) or error
    text = " ".join(str(original).split())
    if secret:
        text = text.replace(secret, "***")
    return text[:500]


def make_engine(url: URL, *, read_only: bool = False) -> Engine:
    """Create the engine for a checked URL (see :func:`parse_url`), with our connection setup.

    ``read_only``: the engine can never write. SQLite opens the file with ``mode=ro`` (and
    ``immutable=1`` when neither the file nor its directory can be written and no ``-wal``
    exists, so a read-only copy or mount is readable); PostgreSQL sessions get
    ``default_transaction_read_only``. A read-only engine never creates the database.
    """
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, read_only=read_only)
    connect_args: dict[str, Any] = {
        key: value for key, value in PG_CONNECT_DEFAULTS.items() if key not in url.query}
    try:
        engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    except ImportError as e:  # the psycopg driver is not installed
        raise StorageError(
            "PostgreSQL support needs psycopg: pip install 'cloud-evidence-collector[postgres]'"
        ) from e
    except exc.ArgumentError as e:
        raise StorageError(f"invalid database URL {mask(url)!r}: {one_line(e)}") from e
    if read_only:
        @event.listens_for(engine, "connect")
        def _read_only(dbapi_connection: Any, _record: Any) -> None:
            autocommit = dbapi_connection.autocommit
            dbapi_connection.autocommit = True
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET default_transaction_read_only = on")
            dbapi_connection.autocommit = autocommit
    return engine


def sqlite_path(url: URL) -> Path:
    """The database file of a SQLite URL (``~`` expanded)."""
    return Path(url.database or "").expanduser()


def _create_private(path: Path) -> None:
    """Create an empty database file 0600 whatever the umask, never through a symlink.

    SQLite gives the ``-wal`` and ``-shm`` files the mode of the database file, so they are
    0600 too. An empty file is a valid empty database."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as e:
        raise StorageError(f"cannot create the directory for {str(path)!r}: "
                           f"{e.strerror or e}") from e
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        return  # exists (or a symlink to one, which SQLite follows as the user meant)
    except OSError as e:
        raise StorageError(f"cannot create the database {str(path)!r}: {e.strerror or e}") from e
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def _read_only_uri(path: Path) -> str:
    """A ``file:`` URI opening ``path`` read-only (immutable when nothing can change it)."""
    if not path.is_file():
        raise StorageError(f"no evidence database at {str(path)!r} (read commands never "
                           "create one; `evidence collect` or `evidence db upgrade` does)")
    absolute = path.resolve()
    uri = f"{absolute.as_uri()}?mode=ro"
    wal = absolute.with_name(absolute.name + "-wal")
    writable = os.access(absolute, os.W_OK) and os.access(absolute.parent, os.W_OK)
    if not writable and not wal.exists():
        uri += "&immutable=1"  # SQLite could not create the -shm a WAL reader needs
    return uri


def _sqlite_engine(url: URL, *, read_only: bool = False) -> Engine:
    """SQLite engine: WAL, busy timeout, foreign keys, BEGIN IMMEDIATE for writers."""
    database = url.database or ""
    connect_args: dict[str, Any] = {"timeout": BUSY_TIMEOUT_S, "check_same_thread": False}
    if read_only and not database.startswith("file:"):
        uri = _read_only_uri(sqlite_path(url))
        connect_args["uri"] = True

        def creator() -> sqlite3.Connection:
            return sqlite3.connect(uri, **connect_args)

        engine = create_engine(url, creator=creator)
    else:
        if not database.startswith("file:"):
            _create_private(sqlite_path(url))
        engine = create_engine(url, connect_args=connect_args)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if read_only:
                cursor.execute("PRAGMA query_only = ON")
            else:
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


def unavailable(e: BaseException) -> bool:
    """Whether a driver error means the database server is unreachable or went away (a
    PostgreSQL outage), as opposed to a bad request or a SQLite file problem."""
    if isinstance(e, exc.DBAPIError) and e.connection_invalidated:
        return True
    return (isinstance(e, (exc.OperationalError, exc.InterfaceError))
            and not isinstance(getattr(e, "orig", None), sqlite3.Error))


def translate(e: exc.DBAPIError, what: str) -> StorageError:
    """Turn a driver error into a one-line StorageError (:class:`DatabaseUnavailable` for an
    outage)."""
    if unavailable(e):
        return DatabaseUnavailable(f"the database became unavailable during {what}: "
                                   f"{one_line(e)}")
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
        raise translate(e, what) from e


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
        raise translate(e, what) from e
