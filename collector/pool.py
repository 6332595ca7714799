"""The bounded thread pool a run uses for one provider, shared by its scopes.

Scopes (accounts x regions) are queued onto one pool of `max_workers` threads, so a scope's
slow tail overlaps the next scopes' work; at most `active_scopes(workers)` scopes are in
flight at once, so memory stays flat however many accounts a run covers.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable
from functools import partial


def active_scopes(workers: int) -> int:
    """Scopes (accounts) whose tasks may be queued or running at once: one per two workers,
    at least two. A scope ends with a tail of long sequential checks (one request after
    another over every key or bucket of a region) that keeps only a few workers busy; the
    other scopes in flight fill the rest of the pool. Memory holds at most this many scopes'
    memos (plus the one being opened), however many accounts the run covers."""
    return max(2, workers // 2)


Task = tuple[int, Callable[[], None]]
"""(priority, work): lower priorities run first, across every scope in flight."""
STOP = 1 << 62


class ScopePool:
    """One bounded thread pool per provider, shared by its scopes (accounts x regions).

    Tasks wait in one priority queue: a scope's long tasks (the runner gives global checks
    priority 0) start before any scope's short ones, so the scopes opened last do not end the
    run with their long tail. `scope()` blocks while `active_scopes(workers)` scopes are still
    in flight. The first exception a task raises (storage failures; check errors are results)
    is re-raised in the caller."""

    def __init__(self, workers: int, threads: int | None = None) -> None:
        """`workers`: the provider's max_workers; `threads`: the pool's size (default the
        same; more where the provider gates its requests itself)."""
        self._queue: queue.PriorityQueue[tuple[int, int, Callable[[], None] | None]] = (
            queue.PriorityQueue())
        self._order = itertools.count()
        self._active = active_scopes(workers)
        self._slots = threading.BoundedSemaphore(self._active)
        self._lock = threading.Lock()
        self._failure: BaseException | None = None
        self._threads = [threading.Thread(target=self._work, name=f"evidence-{n}", daemon=True)
                         for n in range(threads or workers)]
        for thread in self._threads:
            thread.start()

    def __enter__(self) -> ScopePool:
        return self

    def __exit__(self, *exc: object) -> None:
        for _ in range(self._active):  # wait until every scope has finished
            self._slots.acquire()
        for _ in self._threads:
            self._queue.put((STOP, next(self._order), None))
        for thread in self._threads:
            thread.join()
        self._raise()

    def _work(self) -> None:
        while True:
            _, _, task = self._queue.get()
            if task is None:
                return
            task()
            del task  # an idle thread must not keep its last scope (and its memo) alive

    def scope(self, tasks: list[Task], done: Callable[[], None]) -> None:
        self._slots.acquire()
        self._raise()
        pending = [len(tasks)]

        def run(work: Callable[[], None]) -> None:
            try:
                work()
            except BaseException as exc:
                self._fail(exc)
            with self._lock:
                pending[0] -= 1
                last = pending[0] == 0
            if last:
                self._finish(done)

        if not tasks:
            self._finish(done)
        for priority, work in tasks:
            self._queue.put((priority, next(self._order), partial(run, work)))

    def _finish(self, done: Callable[[], None]) -> None:
        try:
            done()
        except BaseException as exc:
            self._fail(exc)
        finally:
            self._slots.release()

    def _fail(self, exc: BaseException | None) -> None:
        if exc is not None:
            with self._lock:
                self._failure = self._failure or exc

    def _raise(self) -> None:
        with self._lock:
            failure = self._failure
        if failure is not None:
            raise failure
