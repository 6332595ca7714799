"""Replay: run checks over recorded AWS responses instead of live requests.

`AwsReplayContext` has the interface of `AwsContext` (call / paginate / in_region / arn /
account_arn / account_id / partition / region, the same `absent=` and `wait_for=` semantics, the
same `CloudError` subclasses for recorded errors), but answers from a `Recording`: a map of
(service, operation, region, parameters) to a recorded response or error code. Tests use it with
JSON fixtures for APIs moto cannot serve; `Recording.add_stored` fills one from a stored run's
call records and response blobs, to evaluate a new check against history. `Recording.failing`
answers one recorded request with an error instead (e.g. AccessDenied for one key's
DescribeKey), and the context keeps every `Request` it was asked, so a test can find a check's
per-resource reads and deny exactly one of them.

Recorded responses have the stored (normalised, canonical JSON) form: timestamps are ISO-8601
text and blobs base64 text. They are revived through botocore's service model into the types a
live boto3 call returns (`datetime`, `bytes`), and every key must exist in the operation's output
shape, so a fixture cannot drift from what AWS actually answers.

Fixture file format (one JSON object per file)::

    {"account_id": "123456789012",                  # optional, default 123456789012
     "calls": [
       {"service": "ssm", "operation": "describe_instance_information",
        "region": "us-east-1",                       # optional: omitted = any region
        "params": {},                                # exactly the parameters the check sends
        "pages": [{"InstanceInformationList": []}]}, # or "response": {...} for one page
       {"service": "securityhub", "operation": "get_enabled_standards", "params": {},
        "error": {"code": "InvalidAccessException", "message": "not subscribed"}}]}
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from collector.cloud.aws import GLOBAL_SERVICES
from collector.cloud.aws_wire import ACCESS_DENIED, NOT_OFFERED
from collector.cloud.base import GLOBAL, AccessDenied, CallLog, CloudError, NotOffered, Outcome
from collector.cloud.normalise import redact_params
from collector.cloud.replay_shapes import ReplayFormatError, operation_model, revive
from storage.canonical import canonical_json
from storage.records import CallRecord

__all__ = ["ANY_REGION", "AwsReplayContext", "NotRecorded", "Recorded", "Recording",
           "ReplayFormatError", "Request", "operation_model", "revive"]

ANY_REGION = "*"
DEFAULT_ACCOUNT = "123456789012"


class NotRecorded(CloudError):
    """The check made a request the recording does not hold: the evidence cannot answer it."""


@dataclass(frozen=True)
class Recorded:
    """One recorded request: its response (or pages), or the error AWS returned."""

    pages: tuple[Any, ...]
    """The response pages (one for a non-paginated call), in the stored form."""
    paged: bool
    error_code: str | None = None
    error_message: str = ""


class Recording:
    """Recorded responses by (service, operation, region, canonical parameters)."""

    def __init__(self, account_id: str = DEFAULT_ACCOUNT) -> None:
        self.account_id = account_id
        self._calls: dict[tuple[str, str, str, bytes], Recorded] = {}

    def failing(self, service: str, operation: str, params: Mapping[str, Any], *,
                code: str = "AccessDenied", message: str = "injected: not authorized",
                region: str = ANY_REGION) -> Recording:
        """A copy of this recording in which exactly this request (service, operation,
        parameters; in `region`, or in every region) answers the error `code`; every other
        request keeps its recorded answer."""
        copy = Recording(self.account_id)
        copy._calls = dict(self._calls)
        if region == ANY_REGION:  # the request fails wherever it was recorded
            key = _key(params)
            for (svc, op, reg, k) in self._calls:
                if (svc, op, k) == (service, operation, key):
                    copy.add(svc, op, params, Recorded((), False, code, message), region=reg)
        copy.add(service, operation, params, Recorded((), False, code, message), region=region)
        return copy

    def add_entry(self, entry: Mapping[str, Any], where: str = "entry") -> None:
        """Record one request given in the fixture-file form (see the module docstring),
        validated against botocore's output shape like a loaded file."""
        self._add_entry(entry, where)

    def add(self, service: str, operation: str, params: Mapping[str, Any], recorded: Recorded,
            *, region: str = ANY_REGION) -> None:
        """Record one request; `region` ANY_REGION answers it in every region."""
        self._calls[(service, operation, region, _key(params))] = recorded

    def find(self, service: str, operation: str, region: str,
             params: Mapping[str, Any]) -> Recorded | None:
        key = _key(params)
        return (self._calls.get((service, operation, region, key))
                or self._calls.get((service, operation, ANY_REGION, key)))

    def __len__(self) -> int:
        return len(self._calls)

    def add_stored(self, record: CallRecord, stored: Any) -> None:
        """One call of a stored run: its provenance record and its response blob as parsed
        JSON (None when the call failed). A paginated response is stored as {"pages": [...]}."""
        if record.error_code is not None:
            recorded = Recorded((), False, record.error_code)
        elif isinstance(stored, dict) and set(stored) == {"pages"}:
            recorded = Recorded(tuple(stored["pages"]), True)
        else:
            recorded = Recorded((stored,), False)
        self.add(record.service, record.operation, record.params, recorded,
                 region=record.region)

    @classmethod
    def load(cls, *paths: Path) -> Recording:
        """Read fixture files (a directory stands for its *.json files, in name order)."""
        files = [f for p in paths for f in (sorted(p.glob("*.json")) if p.is_dir() else [p])]
        recording = cls()
        for file in files:
            try:
                doc = json.loads(file.read_text())
            except (OSError, ValueError) as exc:
                raise ReplayFormatError(f"{file}: not readable JSON ({exc})") from exc
            if not isinstance(doc, dict) or not isinstance(doc.get("calls"), list):
                raise ReplayFormatError(f"{file}: expected an object with a 'calls' list")
            recording.account_id = str(doc.get("account_id", recording.account_id))
            for i, entry in enumerate(doc["calls"]):
                recording._add_entry(entry, f"{file}: calls[{i}]")
        return recording

    def _add_entry(self, entry: Any, where: str) -> None:
        if not isinstance(entry, dict) or not {"service", "operation"} <= entry.keys():
            raise ReplayFormatError(f"{where}: expected an object with 'service' and 'operation'")
        service, operation = str(entry["service"]), str(entry["operation"])
        params = entry.get("params", {})
        outcomes = [k for k in ("response", "pages", "error") if k in entry]
        if len(outcomes) != 1 or not isinstance(params, dict):
            raise ReplayFormatError(f"{where}: needs a 'params' object and exactly one of "
                                    "'response', 'pages' or 'error'")
        model = operation_model(service, operation, where)
        if "error" in entry:
            err = entry["error"]
            if not isinstance(err, dict) or not err.get("code"):
                raise ReplayFormatError(f"{where}: 'error' needs a 'code'")
            recorded = Recorded((), False, str(err["code"]), str(err.get("message", "")))
        else:
            paged = "pages" in entry
            pages = entry["pages"] if paged else [entry["response"]]
            if not isinstance(pages, list) or not all(isinstance(p, dict) for p in pages):
                raise ReplayFormatError(f"{where}: responses must be JSON objects")
            for n, page in enumerate(pages):
                revive(page, model.output_shape, f"{where}: page {n}")  # validates the shape
            recorded = Recorded(tuple(pages), paged)
        self.add(service, operation, params, recorded, region=str(entry.get("region",
                                                                             ANY_REGION)))


def _key(params: Mapping[str, Any]) -> bytes:
    return canonical_json(redact_params(params))


@dataclass(frozen=True)
class Request:
    """One request a check made of a replay context (what it asked, not what it got)."""

    service: str
    operation: str
    region: str
    """The region label it was answered in ("global" for global services)."""
    params: bytes
    """The canonical JSON of its (redacted) parameters."""

    @property
    def parameters(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.params)
        return parsed


def _error(code: str, message: str, operation: str) -> CloudError:
    if code in ACCESS_DENIED:
        return AccessDenied(code, message, operation=operation)
    if code in NOT_OFFERED:
        return NotOffered(code, message, operation=operation)
    return CloudError(code, message, operation=operation)


class AwsReplayContext:
    """What a check sees, answered from a `Recording`: one account from one region."""

    provider = "aws"

    def __init__(self, recording: Recording, region: str = GLOBAL, *,
                 home_region: str = "us-east-1", partition: str = "aws",
                 log: CallLog | None = None, regions: Sequence[str] = (),
                 requests: list[Request] | None = None) -> None:
        self._recording = recording
        self.region = region
        self.home_region = home_region
        self._partition = partition
        self.log = log if log is not None else CallLog()
        self._regions = tuple(regions) or ((region,) if region != GLOBAL else (home_region,))
        self.requests: list[Request] = requests if requests is not None else []
        """Every request made through this context and those derived from it, in order."""

    @property
    def regions(self) -> list[str]:
        """The regions the replayed run covers (default: this context's region, or home)."""
        return list(self._regions)

    @property
    def account_id(self) -> str:
        return self._recording.account_id

    @property
    def partition(self) -> str:
        return self._partition

    def _fetch(self, service: str, operation: str, params: Mapping[str, Any],
               absent: Iterable[str], paged: bool) -> tuple[Any, ...] | None:
        # The same region labels as the live context: global services once per account,
        # a regional API called from a global check in the home region.
        if service in GLOBAL_SERVICES:
            label = GLOBAL
        else:
            label = self.home_region if self.region == GLOBAL else self.region
        digest = hashlib.sha256(canonical_json({
            "service": service, "operation": operation, "region": label,
            "params": redact_params(params)})).hexdigest()
        self.requests.append(Request(service, operation, label, _key(params)))
        where = f"{service}:{operation}"
        # answered like a live memoised request: cited, `absent` codes None, errors fresh
        pages = self._outcome(service, operation, label, params, paged, digest).answer(
            self.log, frozenset(absent))
        if pages is None:
            return None
        shape = operation_model(service, operation, where).output_shape
        return tuple(revive(p, shape, where) for p in pages)

    def _outcome(self, service: str, operation: str, label: str, params: Mapping[str, Any],
                 paged: bool, digest: str) -> Outcome:
        """The recorded answer (its stored pages, or its error) as a live fetch's outcome."""
        where = f"{service}:{operation}"
        found = self._recording.find(service, operation, label, params)
        if found is None:
            return Outcome(None, digest, NotRecorded(
                "NotRecorded", f"no recorded response for {where} in {label} with "
                               f"{dict(params)}", operation=where))
        if found.error_code is not None:
            return Outcome(None, digest, _error(found.error_code, found.error_message, where))
        if not paged and len(found.pages) != 1:
            return Outcome(None, digest, NotRecorded(
                "NotRecorded", f"{where} was recorded as {len(found.pages)} pages, not one "
                               "response", operation=where))
        return Outcome(found.pages, digest)

    def call(self, service: str, operation: str, *, absent: tuple[str, ...] = (),
             wait_for: tuple[str, ...] = (), **params: Any) -> Any:
        """The recorded response (see `AwsContext.call`). A recorded `wait_for` code is the
        final answer of the live polling, so it raises like any other error."""
        pages = self._fetch(service, operation, params, absent, paged=False)
        return None if pages is None else pages[0]

    def paginate(self, service: str, operation: str, key: str, *,
                 absent: tuple[str, ...] = (), **params: Any) -> list[Any]:
        """Every item under `key` across the recorded pages (see `AwsContext.paginate`)."""
        pages = self._fetch(service, operation, params, absent, paged=True)
        items: list[Any] = []
        for page in pages or ():
            items.extend(page.get(key) or [])
        return items

    def prefetch(self, service: str, operation: str,
                 params: Sequence[Mapping[str, Any]]) -> None:
        """Nothing to fetch ahead: recorded responses are already here (see
        `AwsContext.prefetch`)."""

    def in_region(self, region: str) -> AwsReplayContext:
        return AwsReplayContext(self._recording, region, home_region=self.home_region,
                                partition=self._partition, log=self.log,
                                regions=self._regions, requests=self.requests)

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        region = self.region if regional and self.region != GLOBAL else ""
        return f"arn:{self.partition}:{service}:{region}:{self.account_id}:{resource}"

    @property
    def account_arn(self) -> str:
        return f"arn:{self.partition}:iam::{self.account_id}:root"
