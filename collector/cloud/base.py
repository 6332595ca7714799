"""What every cloud context shares: typed errors, memoisation, and per-scope recording.

A context is bound to one scope (AWS account + region, GCP project, Azure subscription). Checks
call it; it makes each distinct API request once per run and scope (`memoised_fetch`), records
the provenance of the request, and stores the normalised response content-addressed through a
sink. What a check may call on each provider's context is in `collector.cloud.api`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

from collector.model import Result
from storage.canonical import canonical_json
from storage.records import CallRecord

if TYPE_CHECKING:
    from collector.cloud.api import AwsApi, AzureApi, GcpApi

T = TypeVar("T")
Item = TypeVar("Item")

GLOBAL = "global"
"""The label of checks that run once per scope (and the `region` of their results)."""


class CloudError(Exception):
    """A provider call failed after retries; carries the provider's own error code."""

    def __init__(self, code: str, message: str, *, operation: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.detail = message
        self.operation = operation

    def fresh(self) -> Self:
        """A new exception like this one: same type, code, detail and operation, no traceback.

        A memoised error is raised as a fresh copy for every caller: threads never share one
        exception object (each gets its own traceback), and the memoised one never gets a
        traceback whose frames hold the scope, a cycle that would keep a finished scope (its
        memo) in memory until the garbage collector happens to run."""
        return type(self)(self.code, self.detail, operation=self.operation)


class AccessDenied(CloudError):
    """The identity lacks a permission (AccessDenied, UnauthorizedOperation, 403…)."""


class NotOffered(CloudError):
    """The API is not offered in this region / scope: results are `not_applicable`."""


class ScopeUnavailable(CloudError):
    """A whole scope cannot be read (role not assumable, expired credentials…)."""


class EvidenceSink(Protocol):
    """Where contexts put normalised responses and call provenance (storage, in practice)."""

    def put_blob(self, kind: str, data: bytes) -> str: ...

    def put_calls(self, calls: list[CallRecord]) -> list[str]: ...


@dataclass
class ScopeStats:
    """Volatile, per-run facts of one scope: kept per run and scope, never per request."""

    provider: str
    scope: str
    region: str
    identity: str = ""
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    requests: int = 0
    retries: int = 0
    errors: dict[tuple[str, str], int] = field(default_factory=dict)
    calls: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, requests: int, retries: int, digest: str, error: str | None) -> None:
        with self.lock:
            self.requests += requests
            self.retries += retries
            self.calls.add(digest)
            if error:
                key = (error, "")
                self.errors[key] = self.errors.get(key, 0) + 1


class Sent(Protocol):
    """What went over the wire for one logical request (each provider's wire layer has one)."""

    @property
    def pages(self) -> list[Any]: ...
    @property
    def requests(self) -> int: ...
    @property
    def retries(self) -> int: ...
    @property
    def status(self) -> int | None: ...
    @property
    def error(self) -> CloudError | None: ...


@dataclass(frozen=True)
class CallSpec:
    """Which API call a logical request was: the provenance fields of its `CallRecord`
    (`params` as they are to be stored, secrets already redacted)."""

    provider: str
    service: str
    operation: str
    params: dict[str, Any]
    scope: str
    region: str
    identity: str


def record_call(sink: EvidenceSink, stats: ScopeStats, call: CallSpec, sent: Sent,
                stored: Any) -> str:
    """Store a logical request's evidence and count it in its scope's statistics.

    `stored` is the normalised response, kept as a blob when the request succeeded; the call
    record (its provenance: who asked what, where, with which outcome) cites that blob. Every
    provider records its calls here, so a call record means the same for all of them.
    Returns the call's digest, by which result sets cite it."""
    sha = None if sent.error is not None else sink.put_blob("response", canonical_json(stored))
    code = sent.error.code if sent.error is not None else None
    record = CallRecord(
        provider=call.provider, service=call.service, operation=call.operation,
        params=call.params, scope=call.scope, region=call.region, identity=call.identity,
        http_status=sent.status, error_code=code, pages=len(sent.pages),
        complete=sent.error is None, response_sha256=sha)
    digest = sink.put_calls([record])[0]
    stats.count(sent.requests, sent.retries, digest, code)
    return digest


class Memo:
    """Each key computed once; concurrent callers of the same key wait for the first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._futures: dict[Hashable, Future[object]] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            fut = self._futures.get(key)
            owner = fut is None
            if fut is None:
                fut = Future()
                self._futures[key] = fut
        if owner:
            try:
                fut.set_result(compute())
            except BaseException as exc:
                fut.set_exception(exc)
        return fut.result()  # type: ignore[return-value]

    def __len__(self) -> int:
        return len(self._futures)


@dataclass(frozen=True)
class Outcome:
    """One logical request as memoised: its normalised body (or its error) and the digest of
    its call record, which every check using the answer cites."""

    body: Any
    digest: str
    error: CloudError | None = None

    def answer(self, log: CallLog, absent: Collection[str] = ()) -> Any:
        """What a caller gets: cites the call in `log`, then returns the body; an error whose
        code is in `absent` ("not configured") returns None; any other error is raised as a
        fresh copy (`CloudError.fresh`)."""
        log.add(self.digest)
        err = self.error
        if err is None:
            return self.body
        if err.code in absent:
            return None
        raise err.fresh()


def memoised_fetch(memo: Memo, key: Hashable, request: Callable[[], Outcome], log: CallLog,
                   absent: Collection[str] = ()) -> Any:
    """One logical request, made once per memo (a run's scope) whatever the number of callers.

    The first caller of `key` runs `request` (which sends, records and returns an `Outcome`;
    it reports errors in the outcome rather than raising them); concurrent callers of the same
    key wait for it. Every caller then gets `Outcome.answer`: the call cited in its own `log`,
    the body, None for `absent` codes, or its own fresh copy of the error."""
    return memo.get(key, request).answer(log, absent)


class CallLog:
    """The call digests one check used, so its result set can cite its evidence."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._digests: dict[str, None] = {}

    def add(self, digest: str) -> None:
        with self._lock:
            self._digests[digest] = None

    def digests(self) -> list[str]:
        with self._lock:
            return sorted(self._digests)


@dataclass(frozen=True)
class UnavailableScope:
    """A scope that could not be opened at all (role not assumable, no credentials…)."""

    provider: str
    scope: str
    code: str
    message: str
    region: str = GLOBAL
    """The whole scope (`global`), or one region of it that cannot be read (not enabled)."""


class ScopeTarget(Protocol):
    """One opened scope of a provider (an AWS account, a GCP scope, an Azure subscription)."""

    provider: str
    identity: str
    stats: dict[str, ScopeStats]

    @property
    def scope_id(self) -> str:
        """Account id / project or organisation / subscription id."""
        ...

    def labels(self, scoping: str) -> list[str]:
        """Where a check of this scoping runs: ["global"] or the regions in the run."""
        ...

    def context(self, label: str, log: CallLog) -> AwsApi | GcpApi | AzureApi:
        """The context a check receives for one label."""
        ...

    def scope_resource(self, label: str) -> str:
        """The resource id a scope-wide result (an error for the whole check) is about."""
        ...


def each(items: Iterable[Item], resource: Callable[[Item], str],
         judge: Callable[[Item], Iterable[Result]]) -> Iterator[Result]:
    """Judge resources one by one, so a read that fails for one resource costs only its verdict.

    For every item, `judge(item)` gives that resource's results (its per-resource reads happen
    inside it). When one of those reads fails with a `CloudError`, the item gets a single
    `error` result instead, on `resource(item)`, carrying the provider's code, the operation and
    the message; a `NotOffered` read gives `not_applicable`. Every other item keeps its verdict,
    whatever the iteration order. The item's results are collected before any is yielded, so
    a read failing half-way never leaves a partial verdict behind.

    Errors of the listing itself (before the loop) still fail the whole check: they make every
    resource of the scope unknown, which the reports treat as such (never as fixed).
    """
    for item in items:
        try:
            judged = list(judge(item))
        except NotOffered as exc:
            yield Result.not_applicable(resource(item), exc.detail or exc.code, exc.code)
        except CloudError as exc:
            yield resource_error(resource(item), exc)
        else:
            yield from judged


def resource_error(resource_id: str, exc: CloudError) -> Result:
    """The `error` result of one resource whose read failed: code, message and operation."""
    op = f" ({exc.operation})" if exc.operation else ""
    return Result.error(resource_id, f"{exc.detail or exc.code}{op}", exc.code)
