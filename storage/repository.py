"""The evidence database: one ``Repository`` per process, safe to share between threads.

Every method opens its own connection from the engine's pool and commits (or rolls back)
before returning; nothing is cached between calls. Methods are grouped by noun in mixins:
:class:`storage.blobs.BlobStore` (blobs, calls), :class:`storage.runs.RunStore` (runs),
:class:`storage.attachments.AttachmentStore` (attachments), :class:`storage.changes.ChangeStore`
(the change index), :class:`storage.ledger.LedgerStore` (the ledger),
:class:`storage.checkpoints.CheckpointStore` (checkpoints) and
:class:`storage.outbox.OutboxStore` (the alert outbox).
"""

from __future__ import annotations

from sqlalchemy import Engine, exc, func, select

from storage import migrate as migrations
from storage.attachments import AttachmentStore
from storage.blobs import BlobStore
from storage.changes import ChangeStore
from storage.checkpoints import CheckpointStore
from storage.db import make_engine, mask, one_line, parse_url, read_tx
from storage.errors import ChainBroken, StorageError
from storage.ledger import LedgerStore
from storage.models import TABLES, Base
from storage.outbox import OutboxStore
from storage.records import ChainCheck
from storage.runs import RunStore
from storage.verify import ChainVerifier


class Repository(BlobStore, RunStore, AttachmentStore, ChangeStore, LedgerStore,
                 CheckpointStore, OutboxStore):
    """Access to one evidence database (SQLite file or PostgreSQL)."""

    def __init__(self, engine: Engine, display_url: str) -> None:
        """Wrap an engine made by :meth:`open`; use :meth:`open` instead."""
        self._engine = engine
        self.url = display_url
        """The database URL with any password masked, for messages."""

    @classmethod
    def connect(cls, url: str, *, read_only: bool = False) -> Repository:
        """Connect to ``url`` and check that the database answers, touching no schema;
        StorageError (one line, password masked) for a bad URL or an unreachable database."""
        parsed = parse_url(url)
        shown = mask(parsed)
        engine = make_engine(parsed, read_only=read_only)
        try:
            with engine.connect():
                pass
        except exc.DBAPIError as e:
            engine.dispose()
            reason = one_line(e, secret=parsed.password)
            raise StorageError(f"cannot connect to the database {shown}: {reason}") from e
        return cls(engine, shown)

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Repository:
        """Connect to ``url`` and, unless ``migrate`` is false, bring its schema to head.

        ``url`` is ``sqlite:///PATH`` (the parent directory is created) or
        ``postgresql+psycopg://USER:PASSWORD@HOST:PORT/DB`` (``postgresql://`` means psycopg).
        Raises StorageError for an unsupported or invalid URL, an unreachable database, or a
        schema newer than this version of evidence.
        """
        repo = cls.connect(url)
        engine = repo._engine
        try:
            if migrate:
                repo.upgrade()
            else:
                migrations.check_known(repo.current_revision())
        except BaseException:
            engine.dispose()
            raise
        return repo

    def close(self) -> None:
        """Close every pooled connection; the repository is unusable afterwards."""
        self._engine.dispose()

    def __enter__(self) -> Repository:
        """Use as a context manager that closes on exit."""
        return self

    def __exit__(self, *_exc: object) -> None:
        """Close the repository."""
        self.close()

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for tests and maintenance tools)."""
        return self._engine

    def upgrade(self) -> str:
        """Migrate the schema to head (idempotent, safe to race); return the head revision."""
        return migrations.upgrade(self._engine)

    def current_revision(self) -> str | None:
        """The database's schema revision, ``None`` if it has never been migrated."""
        return migrations.current_revision(self._engine)

    def verify_chain(self) -> ChainCheck:
        """Check every sealed run against its manifest, the links between them, every blob and
        call they reference, and the chain head; name the first run that does not hold."""
        with read_tx(self._engine, "verifying the chain") as conn:
            return ChainVerifier(conn).verify()

    def require_intact(self) -> ChainCheck:
        """:meth:`verify_chain`, raising ChainBroken (one line naming the run or record) when
        the chain, the ledger or the change index does not hold: what export runs first."""
        check = self.verify_chain()
        if not check.ok:
            raise ChainBroken(f"the evidence database was altered: {check.reason}")
        return check

    def table_counts(self) -> dict[str, int]:
        """Row count of every evidence table (``alembic_version`` excluded)."""
        tables = Base.metadata.tables
        with read_tx(self._engine, "counting rows") as conn:
            return {
                name: int(conn.execute(select(func.count()).select_from(tables[name])).scalar_one())
                for name in TABLES
            }
