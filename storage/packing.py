"""How a sealed run is kept: shared, content-addressed contents plus a few bytes of its own.

While a run is running its scopes and result sets are rows (``run_scopes``, ``run_results``), so
a killed collector keeps everything it wrote. Sealing packs them, so that an unchanged estate
adds almost nothing per run ("storage grows with change, not with time"):

* a **result index** blob per provider x scope (kind ``result_index``): the stable fields of its
  result sets (check, version, region, result set hash, counts), sorted as in the manifest;
* a **run contents** blob (kind ``run_contents``): the run's stable header (tool version, config
  hash, mapping hash, identities; from schema 0005 also the digest of its change-index rows and
  the ledger head at sealing), the stable fields of its scopes (identity, errors, call list)
  and the hashes of its result indexes;
* the run's **timings** (its own, in ``runs.timings``): every volatile value — when the run
  finished, when each scope started and finished, its request and retry counts, when each
  result set was observed — as microsecond offsets from the run's start, in the zlib-compressed
  canonical JSON array ``[1, finished, [[started, finished, requests, retries] per scope],
  [observed per result set]]`` (``1`` is the layout's version; scopes and result sets in
  manifest order). It is a few dozen bytes for an unchanged estate.

Both blobs are the same bytes run after run while nothing changes, so they are stored once. The
manifest (:mod:`storage.chain`) is rebuilt exactly from these three parts, the ``runs`` row and
the previous run's manifest hash (``prev_sha256`` is not stored again: it is the previous
sealed run's ``manifest_sha256``). The manifest's sha256 was fixed at sealing, so any change to
any part, or to an earlier run, shows when the chain is verified.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from storage.canonical import canonical_json, sha256_hex
from storage.errors import StorageError
from storage.records import ResultSetRecord, RunRecord, ScopeRecord

CONTENTS_FORMAT = "evidence-run-contents/1"
INDEX_FORMAT = "evidence-result-index/1"
TIMINGS_VERSION = 1
KIND_CONTENTS = "run_contents"
KIND_INDEX = "result_index"

_SCOPE_VOLATILE = ("started_at", "finished_at", "requests", "retries")
_RESULT_VOLATILE = ("observed_at",)
_US = timedelta(microseconds=1)


@dataclass(frozen=True)
class Header:
    """The stable facts of a run that are kept in its contents blob once it is sealed."""

    tool_version: str
    config_hash: str
    mapping_sha256: str
    identities: tuple[str, ...]
    changes_sha256: str | None = None
    """Digest of the run's change-index rows (schema 0005 on, ``storage.index``)."""
    ledger_seq: int | None = None
    """The ledger head's sequence at sealing (schema 0005 on, ``storage.ledger``)."""
    ledger_sha256: str | None = None
    """The ledger head's hash at sealing (``None`` while the ledger is empty)."""


@dataclass(frozen=True)
class Packed:
    """A sealed run's packed form: blobs to store, the contents hash and the timings bytes."""

    blobs: tuple[tuple[str, bytes], ...]
    """``(kind, data)`` of the contents blob and every result index blob."""
    contents_sha256: str
    timings: bytes
    """zlib-compressed canonical JSON (see the module docstring)."""


def _offset(run_start: datetime, at: datetime | None) -> int | None:
    """Microseconds from the run's start to ``at`` (``None`` stays ``None``)."""
    return None if at is None else (at - run_start) // _US


def _at(run_start: datetime, offset: int | None) -> datetime | None:
    """The instant ``offset`` microseconds after the run's start."""
    return None if offset is None else run_start + offset * _US


def _stable(record: ScopeRecord | ResultSetRecord, volatile: tuple[str, ...]) -> dict[str, Any]:
    """A record's fields without its volatile ones."""
    return {k: v for k, v in record.as_dict().items() if k not in volatile}


def pack(
    run: RunRecord, scopes: list[ScopeRecord], results: list[ResultSetRecord]
) -> Packed:
    """Pack a run being sealed (``run`` carries its final identities)."""
    scopes = sorted(scopes, key=ScopeRecord.sort_key)
    results = sorted(results, key=ResultSetRecord.sort_key)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for rs in results:
        groups.setdefault((rs.provider, rs.scope), []).append(_stable(rs, _RESULT_VOLATILE))
    blobs: list[tuple[str, bytes]] = []
    indexes = []
    for (provider, scope), stable in sorted(groups.items()):
        data = canonical_json({"format": INDEX_FORMAT, "provider": provider, "scope": scope,
                               "result_sets": stable})
        blobs.append((KIND_INDEX, data))
        indexes.append({"provider": provider, "scope": scope, "sha256": sha256_hex(data)})
    body: dict[str, Any] = {
        "format": CONTENTS_FORMAT,
        "tool_version": run.tool_version,
        "config_hash": run.config_hash,
        "mapping_sha256": run.mapping_sha256,
        "identities": list(run.identities),
        "scopes": [_stable(s, _SCOPE_VOLATILE) for s in scopes],
        "result_indexes": indexes,
    }
    if run.changes_sha256 is not None:  # sealed from schema 0005 on (absent before)
        body["changes_sha256"] = run.changes_sha256
    if run.ledger_seq is not None:
        body["ledger"] = [run.ledger_seq, run.ledger_sha256]
    contents = canonical_json(body)
    blobs.insert(0, (KIND_CONTENTS, contents))
    start = run.started_at
    timings = canonical_json([
        TIMINGS_VERSION,
        _offset(start, run.finished_at),
        [[_offset(start, s.started_at), _offset(start, s.finished_at), s.requests, s.retries]
         for s in scopes],
        [_offset(start, rs.observed_at) for rs in results],
    ])
    return Packed(tuple(blobs), sha256_hex(contents), zlib.compress(timings, 9))


@dataclass(frozen=True)
class Timings:
    """A packed run's volatile values, as offsets in microseconds from its start."""

    finished: int | None
    scopes: list[list[int | None]]
    """``[started, finished, requests, retries]`` per scope, in manifest order."""
    observed: list[int]
    """When each result set was observed, in manifest order."""


def _json(data: bytes, what: str, fmt: str) -> dict[str, Any]:
    """Parse a packed part, checking its format; StorageError naming ``what`` otherwise."""
    try:
        parsed = json.loads(data)
    except ValueError as e:
        raise StorageError(f"{what} is not JSON ({e})") from e
    if not isinstance(parsed, dict) or parsed.get("format") != fmt:
        raise StorageError(f"{what} is not in the {fmt} format")
    return parsed


def contents_of(data: bytes, sha: str) -> dict[str, Any]:
    """The parsed contents blob ``sha``."""
    return _json(data, f"run contents {sha}", CONTENTS_FORMAT)


def index_of(data: bytes, sha: str) -> list[dict[str, Any]]:
    """The stable result set fields kept in result index blob ``sha``."""
    return list(_json(data, f"result index {sha}", INDEX_FORMAT)["result_sets"])


def header_of(contents: dict[str, Any]) -> Header:
    """The run header kept in parsed contents."""
    ledger = contents.get("ledger") or [None, None]
    return Header(contents["tool_version"], contents["config_hash"],
                  contents["mapping_sha256"], tuple(contents["identities"]),
                  contents.get("changes_sha256"), ledger[0], ledger[1])


def index_hashes(contents: dict[str, Any]) -> list[str]:
    """The result index blob hashes named by parsed contents, in order."""
    return [str(entry["sha256"]) for entry in contents["result_indexes"]]


def timings_of(run_id: str, data: bytes) -> Timings:
    """A packed run's parsed timings."""
    what = f"the timings of run {run_id}"
    try:
        version, finished, scopes, observed = json.loads(zlib.decompress(data))
    except zlib.error as e:
        raise StorageError(f"{what} do not decompress ({e})") from e
    except (ValueError, TypeError) as e:
        raise StorageError(f"{what} are not a timings array ({e})") from e
    if version != TIMINGS_VERSION:
        raise StorageError(f"{what} have layout version {version!r}, not {TIMINGS_VERSION}")
    return Timings(finished, scopes, observed)


def sealed_record(
    row: RunRecord, header: Header, timings: Timings, prev_sha256: str | None
) -> RunRecord:
    """A packed run's record: its row completed with the header kept in its contents, its
    finishing time kept in its timings and the previous sealed run's manifest hash."""
    return replace(row, tool_version=header.tool_version, config_hash=header.config_hash,
                   mapping_sha256=header.mapping_sha256, identities=header.identities,
                   changes_sha256=header.changes_sha256, ledger_seq=header.ledger_seq,
                   ledger_sha256=header.ledger_sha256,
                   finished_at=_at(row.started_at, timings.finished),
                   prev_sha256=prev_sha256)


def unpack(
    run: RunRecord,
    contents: dict[str, Any],
    volatile: Timings,
    index: Callable[[str], list[dict[str, Any]]],
) -> tuple[list[ScopeRecord], list[ResultSetRecord]]:
    """Rebuild a packed run's scope and result set records exactly as they were sealed, from
    its contents and its timings (:func:`timings_of`).

    ``index(sha)`` returns a result index blob's parsed result sets (:func:`index_of`)."""
    start = run.started_at
    scope_times = volatile.scopes
    if len(scope_times) != len(contents["scopes"]):
        raise StorageError(f"the timings of run {run.run_id} do not match its scopes")
    scopes = [
        ScopeRecord(**{**stable, "errors": tuple(tuple(e) for e in stable["errors"]),
                       "started_at": _at(start, begun), "finished_at": _at(start, ended),
                       "requests": requests, "retries": retries})
        for stable, (begun, ended, requests, retries) in zip(contents["scopes"], scope_times,
                                                             strict=True)
    ]
    stable_results: list[dict[str, Any]] = []
    for sha in index_hashes(contents):
        stable_results += index(sha)
    stable_results.sort(key=lambda d: (d["check_id"], d["provider"], d["scope"], d["region"]))
    observed = volatile.observed
    if len(observed) != len(stable_results):
        raise StorageError(f"the timings of run {run.run_id} do not match its result sets")
    results = [ResultSetRecord(**{**stable, "observed_at": _at(start, at)})
               for stable, at in zip(stable_results, observed, strict=True)]
    return scopes, results
