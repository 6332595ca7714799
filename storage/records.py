"""Records that go into and come out of the evidence database.

All are frozen dataclasses. Every ``datetime`` is timezone-aware UTC: aware values in any zone
are converted to UTC on construction, naive values are rejected (``ValueError``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from storage.canonical import canonical_json, sha256_hex

RunStatus = Literal["running", "complete", "partial", "failed", "interrupted"]
"""Lifecycle of a run: ``running`` until sealed, then one of the four final states."""

RUN_STATUSES: tuple[str, ...] = get_args(RunStatus)
FINAL_STATUSES: tuple[str, ...] = tuple(s for s in RUN_STATUSES if s != "running")

ScopeError = tuple[str, str]
"""One error seen in a scope: ``(provider error code, message)``."""


def to_utc(value: datetime) -> datetime:
    """Return ``value`` converted to UTC; raise ``ValueError`` for a naive datetime."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()} has no timezone; pass an aware UTC")
    return value.astimezone(UTC)


def _normalise_datetimes(record: Any, *names: str) -> None:
    """Convert the named datetime fields of a frozen dataclass instance to UTC in place
    (``None`` stays ``None``; anything else that is not a datetime is left as it is)."""
    for name in names:
        value = getattr(record, name)
        if isinstance(value, datetime) and value.tzinfo is not UTC:  # naive: to_utc raises
            object.__setattr__(record, name, to_utc(value))


@dataclass(frozen=True)
class CallRecord:
    """Provenance of one distinct API request; stored once, addressed by :meth:`digest`."""

    provider: str
    """``aws``, ``gcp`` or ``azure``."""
    service: str
    """Service name as the provider spells it (``s3``, ``compute``, ``Microsoft.Storage``)."""
    operation: str
    """Operation name (``get_bucket_policy``, ``instances.list``...)."""
    params: Mapping[str, Any]
    """Request parameters, JSON-able, already redacted by the caller."""
    scope: str
    """Account id, project id or subscription id the call was made in."""
    region: str
    """Region, or ``global``."""
    identity: str
    """Caller identity (ARN, service account, principal id)."""
    http_status: int | None
    """Final HTTP status, or ``None`` if no response was received."""
    error_code: str | None
    """Provider error code (``AccessDenied``...) or ``None`` on success."""
    pages: int
    """Number of pages fetched."""
    complete: bool
    """Whether pagination ran to the end."""
    response_sha256: str | None
    """Blob hash of the normalised response (kind ``response``), or ``None``."""

    def as_dict(self) -> dict[str, Any]:
        """All fields as a JSON-able dict (``params`` as a plain dict)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["params"] = dict(self.params)
        return data

    def digest(self) -> str:
        """sha256 of the canonical JSON of all fields: the call's content address."""
        return sha256_hex(canonical_json(self.as_dict()))


@dataclass(frozen=True)
class Evidence:
    """Responses and call records collected but not yet stored.

    Stored in one transaction, blobs first (a call cites its response blob); with a result
    set when it is the evidence that result set cites (``RunStore.add_result_set``)."""

    blobs: tuple[tuple[str, bytes], ...] = ()
    """``(kind, data)`` pairs; each is stored once under the sha256 of ``data``."""
    calls: tuple[CallRecord, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.blobs or self.calls)

    def plus_blob(self, kind: str, data: bytes) -> Evidence:
        """The same evidence and one more blob (e.g. the result set citing it)."""
        return Evidence((*self.blobs, (kind, data)), self.calls)


@dataclass(frozen=True)
class ScopeRecord:
    """Volatile facts of one run in one provider x scope x region."""

    provider: str
    """``aws``, ``gcp`` or ``azure``."""
    scope: str
    """Account id, project id or subscription id."""
    region: str
    """Region, or ``global``."""
    identity: str
    """Identity the collector used in this scope."""
    started_at: datetime
    """When collection in this scope started (UTC)."""
    finished_at: datetime | None
    """When it finished (UTC), or ``None`` if it never did."""
    requests: int
    """Number of HTTP requests made (including pages and retries)."""
    retries: int
    """Number of retried requests."""
    errors: tuple[ScopeError, ...]
    """Errors seen, as ``(code, message)`` pairs, in the order the collector reports them."""
    calls_sha256: str | None
    """Blob hash (kind ``calls``) of the sorted list of call digests made in this scope."""

    def __post_init__(self) -> None:
        """Normalise datetimes to UTC and errors to a tuple of string pairs."""
        _normalise_datetimes(self, "started_at", "finished_at")
        errors = tuple((str(code), str(message)) for code, message in self.errors)
        object.__setattr__(self, "errors", errors)

    def as_dict(self) -> dict[str, Any]:
        """All fields as a JSON-able dict (errors as lists of two strings)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["errors"] = [list(pair) for pair in self.errors]
        return data

    def sort_key(self) -> tuple[str, str, str]:
        """Order of scopes in a manifest: provider, scope, region."""
        return (self.provider, self.scope, self.region)


@dataclass(frozen=True)
class ResultSetRecord:
    """Outcome of one check in one provider x scope x region of a run."""

    check_id: str
    """Check id as declared in its decorator."""
    check_version: str
    """Version of the check's code (its package version or declared version)."""
    provider: str
    """``aws``, ``gcp`` or ``azure``."""
    scope: str
    """Account id, project id or subscription id."""
    region: str
    """Region, or ``global``."""
    observed_at: datetime
    """When the results were observed (UTC)."""
    result_set_sha256: str
    """Blob hash of the per-resource results (content-addressed, shared across runs)."""
    n_pass: int
    """Number of ``pass`` results."""
    n_fail: int
    """Number of ``fail`` results."""
    n_error: int
    """Number of ``error`` results."""
    n_na: int
    """Number of ``not_applicable`` results."""

    def __post_init__(self) -> None:
        """Normalise datetimes to UTC."""
        _normalise_datetimes(self, "observed_at")

    def as_dict(self) -> dict[str, Any]:
        """All fields as a JSON-able dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def sort_key(self) -> tuple[str, str, str, str]:
        """Order of result sets in a manifest: check id, provider, scope, region."""
        return (self.check_id, self.provider, self.scope, self.region)


@dataclass(frozen=True)
class RunRecord:
    """One collection run, as stored."""

    run_id: str
    """Unique id chosen by the collector."""
    status: RunStatus
    """``running`` until sealed; then ``complete``, ``partial``, ``failed`` or ``interrupted``."""
    started_at: datetime
    """When the run started (UTC)."""
    finished_at: datetime | None
    """When it was sealed (for ``interrupted``: its last heartbeat), else ``None``."""
    heartbeat_at: datetime
    """Last sign of life of the collecting process (UTC)."""
    host: str
    """Host name of the collecting process."""
    pid: int
    """Process id of the collecting process on ``host``."""
    tool_version: str
    """Version of evidence that made the run."""
    config_hash: str
    """Hash of the effective configuration."""
    mapping_sha256: str
    """Hash of the criteria mapping in force (catalog, check criteria, overrides)."""
    identities: tuple[str, ...]
    """Identities used, sorted and distinct (empty until sealed)."""
    chain_seq: int | None
    """Position in the chain (1, 2, ...) once sealed, else ``None``."""
    prev_sha256: str | None
    """Manifest hash of the previous sealed run (``None`` for the first)."""
    manifest_sha256: str | None
    """Hash of this run's manifest once sealed, else ``None``."""
    collection_id: str | None = None
    """The collection the run belongs to (shard runs of one schedule slot share it), or
    ``None`` for a run that is a collection of its own."""
    changes_sha256: str | None = None
    """Digest of the run's change-index rows, sealed with it (``storage.index``); ``None`` for
    runs sealed before schema 0005 (their digests are ledger entries) and while running."""
    ledger_seq: int | None = None
    """The ledger's head sequence when the run was sealed (``storage.ledger``), from 0005 on."""
    ledger_sha256: str | None = None
    """The ledger's head hash when the run was sealed (``None`` while the ledger is empty)."""

    def __post_init__(self) -> None:
        """Normalise datetimes to UTC."""
        _normalise_datetimes(self, "started_at", "finished_at", "heartbeat_at")

    @property
    def sealed(self) -> bool:
        """Whether the run is in the chain (and therefore immutable)."""
        return self.chain_seq is not None


@dataclass(frozen=True)
class ChainCheck:
    """Outcome of :meth:`storage.Repository.verify_chain`."""

    ok: bool
    """True when every sealed run, its rows, its blobs and the chain head hold."""
    runs_checked: int
    """Number of sealed runs checked before stopping."""
    first_bad_run: str | None
    """Id of the first run (in chain order) that does not hold, if any."""
    reason: str | None
    """One-line reason when not ok."""
