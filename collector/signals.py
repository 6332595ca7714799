"""Stopping on SIGTERM/SIGINT without losing evidence, and promptly.

The first signal asks the run to stop cooperatively (`Runner.stop`: no new check starts, the
checks in flight finish and are stored, the run is sealed `interrupted`). If that has not
happened within the grace period, or a second signal arrives, the process seals its own run as
`interrupted` itself (everything already stored is kept) and exits at once: a container
runtime's kill (after `docker stop -t` / `terminationGracePeriodSeconds`) never finds a run
half-written.
"""

from __future__ import annotations

import logging
import math
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from types import FrameType, TracebackType
from typing import Any

from collector.reaping import STALE_AFTER, pid_alive
from storage import Repository

log = logging.getLogger("evidence.signals")
SIGNALS = (signal.SIGTERM, signal.SIGINT)
DEFAULT_GRACE = 20.0
"""Seconds the checks in flight get to finish after SIGTERM (Docker gives 10 s by default,
Kubernetes 30 s: raise `stop_grace_period` / `terminationGracePeriodSeconds` with it)."""


def seal_own_runs(repo: Repository) -> list[str]:
    """Seal every run of this process (or of dead processes on this host) as `interrupted`."""
    me = os.getpid()
    return repo.reap_interrupted(now=datetime.now(UTC), host=socket.gethostname(),
                                 is_alive=lambda pid: pid != me and pid_alive(pid),
                                 stale_after=STALE_AFTER)


def exit_now(repo: Repository, code: int,
             report: Callable[[list[str]], None] | None = None) -> None:
    """Seal this process's running run as `interrupted`, let ``report`` print what was sealed
    (e.g. the JSON summary a script waits for), and exit with ``code`` immediately."""
    sealed: list[str] = []
    try:
        sealed = seal_own_runs(repo)
        log.warning("grace period over: sealed %s as interrupted; exiting",
                    ", ".join(sealed) or "no run")
    except Exception as exc:  # exiting anyway: the next start reaps the run
        log.error("could not seal the run before exiting (%s); the next start will", exc)
    if report is not None:
        try:
            report(sealed)
        except Exception as exc:  # exiting anyway; the run is sealed
            log.error("could not print the run's summary before exiting (%s)", exc)
    logging.shutdown()
    sys.stdout.flush()
    os._exit(code)


class GracefulStop:
    """While active (a context manager): SIGTERM/SIGINT call `stop`; `force` runs when the
    grace period ends or on a second signal. Handlers are only installed in the main thread
    (elsewhere the object is inert) and the previous ones are restored on exit."""

    def __init__(self, stop: Callable[[], None], force: Callable[[], None],
                 grace: float = DEFAULT_GRACE) -> None:
        if not math.isfinite(grace) or grace < 0:
            raise ValueError(f"grace must be a finite number of seconds >= 0, not {grace!r}")
        self._stop = stop
        self._force = force
        self.grace = grace
        self.requested = threading.Event()
        """Set once a stop was asked for."""
        self._timer: threading.Timer | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> GracefulStop:
        if threading.current_thread() is threading.main_thread():
            for sig in SIGNALS:
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, _t: type[BaseException] | None, _e: BaseException | None,
                 _tb: TracebackType | None) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()
        if self._timer is not None:
            self._timer.cancel()

    def request(self, reason: str) -> None:
        """Start stopping (what a signal does); a second request forces."""
        if self.requested.is_set():
            log.warning("%s again: not waiting for the checks in flight", reason)
            self._force()
            return
        self.requested.set()
        log.warning("%s: no new check starts; the checks in flight get %.0f s to finish, "
                    "then the run is sealed as interrupted", reason, self.grace)
        self._timer = threading.Timer(self.grace, self._force)
        self._timer.daemon = True
        self._timer.start()
        self._stop()

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        self.request(signal.Signals(signum).name)
