"""Plan and execute one collection run: providers x scopes x regions x selected checks.

Results are written as each check finishes in each scope (a killed process keeps everything
already collected); the run is sealed into the hash chain at the end.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial

from collector import __version__
from collector.cloud.base import (
    CallLog,
    CloudError,
    NotOffered,
    ScopeStats,
    ScopeTarget,
    UnavailableScope,
    resource_error,
)
from collector.locks import Lease, ScopeGate, no_locks
from collector.logs import log_context
from collector.mapping import build_mapping
from collector.model import Result, Status
from collector.notify.service import alerts_for_run, deliver_due
from collector.plan import Selection, params_for
from collector.plugin import Check
from collector.pool import ScopePool
from collector.providers import (
    OPENERS,
    Opener,
    OpenRequest,
    enabled,
    max_workers,
    pool_threads,
)
from collector.sink import BatchingSink
from config.criteria import Catalog
from config.loader import LoadedConfig
from storage import KIND_RESULT_SET, Repository
from storage.canonical import canonical_json, sha256_hex
from storage.records import ResultSetRecord, RunStatus, ScopeRecord

HEARTBEAT_EVERY = timedelta(seconds=30)
logger = logging.getLogger("evidence.runner")


@dataclass
class RunOutcome:
    """What a finished run reports back to the CLI."""

    run_id: str
    status: str
    manifest_sha256: str
    counts: dict[str, int] = field(default_factory=dict)
    scope_errors: list[UnavailableScope] = field(default_factory=list)


ProgressFn = Callable[[int, str], None]
"""Called with (tasks added, "") when work is planned and (0, label) when a task finishes."""


def new_run_id(now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


class Runner:
    """Executes one run into a repository."""

    def __init__(
        self,
        repo: Repository,
        loaded: LoadedConfig,
        catalog: Catalog,
        checks: Sequence[Check],
        *,
        progress: ProgressFn | None = None,
        openers: Mapping[str, Opener] | None = None,
        gate: ScopeGate | None = None,
    ) -> None:
        self.repo = repo
        self.loaded = loaded
        self.catalog = catalog
        self.checks = list(checks)
        self.progress = progress or (lambda n, label: None)
        self.openers = OPENERS if openers is None else openers
        self._stop = threading.Event()
        self._counts: dict[str, int] = {s.value: 0 for s in Status}
        self._lock = threading.Lock()
        self.gate = gate or no_locks
        """Taken per scope before collecting it (collector.locks: one collector per scope)."""
        self._cancel = threading.Event()
        self._leases: list[Lease] = []
        self.sink = BatchingSink(repo)
        """Where contexts put responses and calls: batched, flushed before results cite them."""

    def stop(self) -> None:
        """Cooperative stop (from a signal handler or another thread): no new scope or check
        starts, checks already running finish and are stored, the run is sealed
        `interrupted`."""
        self._cancel.set()

    def run(self, sel: Selection) -> RunOutcome:
        started = datetime.now(UTC)
        run_id = new_run_id(started)
        mapping = self.repo.put_blob("mapping", build_mapping(self.checks, self.loaded.settings,
                                                              self.catalog))
        self.repo.start_run(run_id, started_at=started, tool_version=__version__,
                            config_hash=self.loaded.config_hash, mapping_sha256=mapping,
                            host=socket.gethostname(), pid=os.getpid(),
                            collection_id=sel.collection_id)
        beat = threading.Thread(target=self._heartbeat, args=(run_id,), daemon=True)
        beat.start()
        identities: list[str] = []
        unavailable: list[UnavailableScope] = []
        status: RunStatus = "failed"
        settings = self.loaded.settings
        try:
            for provider, opener in self.openers.items():
                checks = [c for c in self.checks if c.provider == provider]
                if not checks or not enabled(settings, provider):
                    continue
                owns = partial(sel.shard.owns, provider) if sel.shard else None
                scopes = opener(settings, OpenRequest(self.sink, sel.regions, owns))
                with ScopePool(max_workers(settings, provider),
                               pool_threads(settings, provider)) as pool:
                    for item in scopes:
                        if self._cancel.is_set():
                            break
                        if isinstance(item, UnavailableScope):
                            if not sel.shard or sel.shard.owns(item.provider, item.scope):
                                unavailable.append(item)
                                self._record_unavailable(run_id, item)
                            continue
                        if sel.shard and not sel.shard.owns(item.provider, item.scope_id):
                            continue  # another shard's
                        lease = self.gate(item.provider, item.scope_id, self._cancel)
                        if isinstance(lease, UnavailableScope):  # busy: another collector has it
                            if not self._cancel.is_set():
                                unavailable.append(lease)
                                self._record_unavailable(run_id, lease)
                            continue
                        self._leases.append(lease)
                        identities.append(item.identity)
                        self._run_scope(run_id, item, checks, pool, lease)
            status = ("interrupted" if self._cancel.is_set() else
                      self._status(unavailable, collected=bool(identities)))
        except KeyboardInterrupt:
            status = "interrupted"
            raise
        finally:
            self._stop.set()
            for held in self._leases:
                held.release()
            now = datetime.now(UTC)
            digest = self.repo.finish_run(run_id, status=status, finished_at=now,
                                          identities=tuple(sorted(set(identities))),
                                          outbox=alerts_for_run(self.repo, run_id, status,
                                                                settings, now))
        # sealing wrote the run's change index and sealed its digest (storage.index); the
        # chain head is now anchored outside the database (collector.anchor)
        from collector.anchor.publish import after_seal

        after_seal(self.repo, self.loaded.settings)
        deliver_due(self.repo, settings, datetime.now(UTC))  # the rest retry from the outbox
        return RunOutcome(run_id, status, digest, dict(self._counts), unavailable)

    def _status(self, unavailable: list[UnavailableScope], collected: bool) -> RunStatus:
        if not collected and unavailable:
            return "failed"
        if unavailable or self._counts[Status.ERROR.value]:
            return "partial"
        return "complete"

    def _heartbeat(self, run_id: str) -> None:
        while not self._stop.wait(HEARTBEAT_EVERY.total_seconds()):
            try:
                self.repo.heartbeat(run_id, datetime.now(UTC))
            except Exception as exc:  # an outage: the run's own writes fail and say so
                logger.warning("heartbeat of run %s not recorded: %s", run_id, exc)

    def _run_scope(self, run_id: str, target: ScopeTarget, checks: Iterable[Check],
                   pool: ScopePool, lease: Lease | None = None) -> None:
        """Queue every check in every label (region) of one scope on the shared pool.

        Global checks go first: they loop over account-wide resources (IAM users, buckets) and
        are the long tasks, so starting them early keeps the pool's tail short. Then each check
        runs in every active scope before the next check (priority = its rank), so the scope
        opened last does not queue its long regional checks behind others' short ones. The scope's
        statistics are recorded when its last task finishes, and the scope (with its memo)
        is then released."""
        tasks = [(c, label) for c in checks for label in target.labels(c.scoping)]
        self.progress(len(tasks), "")

        def record() -> None:
            finished = datetime.now(UTC)
            try:
                self.sink.flush()
                for stats in list(target.stats.values()):
                    self._record_scope(run_id, stats, finished)
            finally:
                if lease is not None:
                    lease.release()

        rank = {c.id: n for n, c in enumerate(self.checks)}
        pool.scope([(rank[c.id] + (0 if c.scoping == "global" else len(rank)),
                     partial(self._run_check, run_id, target, c, label)) for c, label in tasks],
                   record)

    def _run_check(self, run_id: str, target: ScopeTarget, check: Check, label: str) -> None:
        if self._cancel.is_set():
            return  # stopping: checks not yet started never start
        with log_context(run_id=run_id, scope=target.scope_id, check=check.id, region=label):
            self._check(run_id, target, check, label)

    def _check(self, run_id: str, target: ScopeTarget, check: Check, label: str) -> None:
        log = CallLog()
        ctx = target.context(label, log)
        scope_rid = target.scope_resource(label)
        results: list[Result] = []
        try:
            results.extend(check.run(ctx, params_for(check, self.loaded)))
        except NotOffered as exc:
            results.append(Result.not_applicable(scope_rid, exc.detail or exc.code, exc.code))
        except CloudError as exc:
            results.append(resource_error(scope_rid, exc))
        except Exception as exc:  # a bug in a check: recorded as an error result, not hidden
            name = type(exc).__name__
            results.append(Result.error(scope_rid, f"check crashed: {name}: {exc}",
                                        f"CheckCrashed:{name}"))
        self._store_results(run_id, check, target.provider, target.scope_id, label, results,
                            log)
        self.progress(0, f"{check.id} {target.scope_id} {label}")

    def _store_results(self, run_id: str, check: Check, provider: str, scope: str, region: str,
                       results: list[Result], log: CallLog) -> None:
        ordered = sorted(results, key=lambda r: (r.resource_id, r.status.value, r.message))
        body = canonical_json({"check_id": check.id, "check_version": check.version,
                               "results": [r.as_json() for r in ordered],
                               "calls": log.digests()})
        digest = sha256_hex(body)
        n = {s: sum(1 for r in results if r.status is s) for s in Status}
        record = ResultSetRecord(
            check_id=check.id, check_version=check.version, provider=provider, scope=scope,
            region=region, observed_at=datetime.now(UTC), result_set_sha256=digest,
            n_pass=n[Status.PASS], n_fail=n[Status.FAIL], n_error=n[Status.ERROR],
            n_na=n[Status.NOT_APPLICABLE])
        # one transaction: the result set, its blob and the pending calls it cites
        self.sink.flush(lambda pending: self.repo.add_result_set(
            run_id, record, pending.plus_blob(KIND_RESULT_SET, body)))
        with self._lock:
            for s, k in n.items():
                self._counts[s.value] += k
        logger.log(logging.WARNING if n[Status.ERROR] else logging.INFO,
                   "stored %s in %s/%s/%s: %d pass, %d fail, %d error, %d not applicable",
                   check.id, provider, scope, region, n[Status.PASS], n[Status.FAIL],
                   n[Status.ERROR], n[Status.NOT_APPLICABLE],
                   extra={"fields": {"event": "result_set_stored", "provider": provider,
                                     "region": region, "result_set_sha256": digest}})

    def _record_scope(self, run_id: str, stats: ScopeStats, finished: datetime) -> None:
        calls = self.repo.put_call_list(stats.calls)
        errors = tuple((code, msg) for (code, msg) in sorted(stats.errors))
        self.repo.add_scope(run_id, ScopeRecord(
            provider=stats.provider, scope=stats.scope, region=stats.region,
            identity=stats.identity, started_at=stats.started_at, finished_at=finished,
            requests=stats.requests, retries=stats.retries, errors=errors, calls_sha256=calls))

    def _record_unavailable(self, run_id: str, item: UnavailableScope) -> None:
        now = datetime.now(UTC)
        self.repo.add_scope(run_id, ScopeRecord(
            provider=item.provider, scope=item.scope, region=item.region, identity="",
            started_at=now, finished_at=now, requests=0, retries=0,
            errors=((item.code, item.message),), calls_sha256=None))
