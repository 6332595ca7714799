"""One collector per scope at a time, across processes, containers and hosts.

Before a run collects a scope it takes that scope's lock and holds it until the scope's last
check is stored. A second collector (another container, a manual `evidence collect` during a
scheduled run) waits up to `wait` seconds for it, then skips the scope: the scope is recorded
in its run as unavailable with code `ScopeBusy` (the run is `partial`, visibly) and one log
line says which scope and why. Different scopes are collected in parallel, which is what lets
the shards of an Indexed Job share one database.

* PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) on a dedicated pooled
  connection. The key is derived from the schema, provider and scope, so two evidence databases
  (schemas) on one server never block each other. The server releases it when the connection
  ends, so a killed collector never leaves a scope locked.
* SQLite: `flock` on a file per scope in `<database>.locks/` beside the database file; the
  kernel releases it when the process ends. (Good for one host or a local volume; network file
  systems may not honour flock.)
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import logging
import os
import re
import stat
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, text

from collector.cloud.base import UnavailableScope
from storage import Repository, StorageError

log = logging.getLogger("evidence.locks")

POLL_SECONDS = 0.5
BUSY = "ScopeBusy"
"""Error code of a scope skipped because another collector holds it."""


class Lease(Protocol):
    """A held scope lock."""

    def release(self) -> None:
        """Give the lock back (idempotent)."""
        ...


ScopeGate = Callable[[str, str, threading.Event], Lease | UnavailableScope]
"""(provider, scope, stop) -> a held lease, or why the scope is skipped. Waiting ends early
when `stop` is set."""


class _Nothing:
    def release(self) -> None:
        """Nothing to release."""


def no_locks(_provider: str, _scope: str, _stop: threading.Event) -> Lease:
    """A gate that admits everything (a runner built without locks)."""
    return _Nothing()


def lock_key(namespace: str, provider: str, scope: str) -> int:
    """A signed 64-bit advisory-lock key for one scope of one evidence database."""
    digest = hashlib.sha256(f"evidence-scope\0{namespace}\0{provider}\0{scope}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class _Once:
    """A lease released at most once, whichever thread asks first (the scope's last task or
    the runner's cleanup)."""

    def __init__(self, free: Callable[[], None]) -> None:
        self._free: Callable[[], None] | None = free
        self._lock = threading.Lock()

    def release(self) -> None:
        with self._lock:
            free, self._free = self._free, None
        if free is not None:
            free()


def _pg_free(conn: Connection, key: int) -> None:
    try:
        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        conn.commit()
    finally:
        conn.close()  # closing ends the lock in any case


def _file_free(fd: int) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class ScopeLocks:
    """The scope gate of one database: `locks(provider, scope, stop)` (see ScopeGate)."""

    def __init__(self, repo: Repository, *, wait: float = 0.0) -> None:
        self.repo = repo
        self.wait = max(0.0, wait)
        engine = repo.engine
        self.dialect = engine.dialect.name
        self._dir: Path | None = None
        if self.dialect == "sqlite":
            database = engine.url.database or "evidence.db"
            self._dir = Path(database).expanduser().resolve().with_name(
                Path(database).name + ".locks")

    def __call__(self, provider: str, scope: str,
                 stop: threading.Event) -> Lease | UnavailableScope:
        deadline = time.monotonic() + self.wait
        try_once = self._try_pg if self.dialect == "postgresql" else self._try_file
        waited = False
        while True:
            lease = try_once(provider, scope)
            if lease is not None:
                if waited:
                    log.info("scope %s/%s is free now; collecting it", provider, scope,
                             extra={"fields": {"scope": scope}})
                return lease
            left = deadline - time.monotonic()
            if left <= 0 or stop.is_set():
                break
            if not waited:
                log.info("scope %s/%s is being collected by another process; waiting up to "
                         "%.0f s", provider, scope, self.wait, extra={"fields": {"scope": scope}})
                waited = True
            stop.wait(min(POLL_SECONDS, left))
        how = f"after waiting {self.wait:.0f} s" if self.wait else "(--lock-wait 0)"
        message = (f"skipped: another collector is collecting {provider} scope {scope} right now "
                   f"{how}; its run has this scope's evidence")
        log.warning("%s", message, extra={"fields": {"scope": scope}})
        return UnavailableScope(provider, scope, BUSY, message)

    def _try_pg(self, provider: str, scope: str) -> Lease | None:
        conn = self.repo.engine.connect()
        try:
            namespace = str(conn.execute(text("SELECT current_database() || '.' || "
                                              "current_schema()")).scalar_one())
            key = lock_key(namespace, provider, scope)
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"),
                                    {"k": key}).scalar_one())
            conn.commit()  # the lock is the session's; do not sit idle in a transaction
        except BaseException:
            conn.close()
            raise
        if not got:
            conn.close()
            return None
        return _Once(partial(_pg_free, conn, key))

    def _try_file(self, provider: str, scope: str) -> Lease | None:
        assert self._dir is not None
        readable = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{provider}-{scope}")[:80]
        digest = hashlib.sha256(f"{provider}\0{scope}".encode()).hexdigest()[:16]
        fd = open_lock_file(self._dir, f"{readable}-{digest}.lock")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        except BaseException:
            os.close(fd)
            raise
        with contextlib.suppress(OSError):  # who holds it, for a person looking at the file
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        return _Once(partial(_file_free, fd))


def open_lock_file(directory: Path, name: str) -> int:
    """Open (creating) the lock file ``directory/name``: 0600 whatever the umask, in a 0700
    directory, never through a symbolic link (a link planted at the path, or as the directory,
    is refused with StorageError and its target left untouched)."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as e:
        raise StorageError(f"cannot create the lock directory {directory}: "
                           f"{e.strerror or e}") from e
    if directory.is_symlink():
        raise StorageError(f"the lock directory {directory} is a symbolic link; refusing to "
                           "follow it (remove it; evidence recreates the directory)")
    path = directory / name
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise StorageError(f"the lock file {path} is a symbolic link; refusing to follow "
                               "it (remove it; evidence recreates lock files)") from e
        raise StorageError(f"cannot open the lock file {path}: {e.strerror or e}") from e
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise StorageError(f"the lock file {path} is not a regular file; remove it")
        if stat.S_IMODE(mode) != 0o600:
            with contextlib.suppress(PermissionError):  # another user's file: still lockable
                os.fchmod(fd, 0o600)
    except BaseException:
        os.close(fd)
        raise
    return fd
