"""Runs left `running` by a process that died: how they are recognised and sealed.

Kept apart from the runner so that commands which only read the database (report, runs,
sample...) can reap without importing the collection machinery."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta

from storage import Repository

STALE_AFTER = timedelta(minutes=10)
"""A running run whose heartbeat is older than this is taken for dead (on any host)."""


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_interrupted(repo: Repository) -> list[str]:
    """Seal runs left `running` by a process that died (shown as `interrupted`)."""
    return repo.reap_interrupted(now=datetime.now(UTC), host=socket.gethostname(),
                                 is_alive=pid_alive, stale_after=STALE_AFTER)
