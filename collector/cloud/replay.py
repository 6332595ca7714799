"""Replay: run checks over recorded AWS responses instead of live requests.

`AwsReplayContext` has the interface of `AwsContext` (call / paginate / in_region / arn /
account_arn / account_id / partition / region, the same `absent=` and `wait_for=` semantics, the
same `CloudError` subclasses for recorded errors), but answers from a `Recording`: a map of
(service, operation, region, parameters) to a recorded response or error code. Tests use it with
JSON fixtures for APIs moto cannot serve; `Recording.add_stored` fills one from a stored run's
call records and response blobs, to evaluate a new check against history.

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

import base64
import binascii
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import botocore.session
from botocore import xform_name
from botocore.model import OperationModel, ServiceModel, Shape

from collector.cloud.aws import GLOBAL_SERVICES
from collector.cloud.aws_wire import ACCESS_DENIED, NOT_OFFERED
from collector.cloud.base import GLOBAL, AccessDenied, CallLog, CloudError, NotOffered
from collector.cloud.normalise import redact_params
from storage.canonical import canonical_json
from storage.records import CallRecord

ANY_REGION = "*"
DEFAULT_ACCOUNT = "123456789012"


class ReplayFormatError(ValueError):
    """A recording is malformed or disagrees with the AWS service model (one line: where, what)."""


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


@functools.cache
def _service_model(service: str) -> ServiceModel:
    return botocore.session.get_session().get_service_model(service)


def operation_model(service: str, operation: str, where: str = "") -> OperationModel:
    """botocore's model of `service`.`operation` (snake_case, as checks call it)."""
    try:
        model = _service_model(service)
    except Exception as exc:  # botocore raises UnknownServiceError
        raise ReplayFormatError(f"{where}: unknown AWS service {service!r}") from exc
    names = {xform_name(op): op for op in model.operation_names}
    if operation not in names:
        raise ReplayFormatError(f"{where}: {service} has no operation {operation!r}")
    return model.operation_model(names[operation])


def revive(value: Any, shape: Shape | None, where: str) -> Any:
    """The stored form of a response turned back into what boto3 returns, checked against
    the output shape (unknown keys are an error: AWS never sends them)."""
    if value is None:
        return None
    if shape is None:
        if value != {}:
            raise ReplayFormatError(f"{where}: the operation returns no body")
        return value
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            raise ReplayFormatError(f"{where}: expected an object for {shape.name}")
        members = shape.members
        unknown = sorted(set(value) - set(members))
        if unknown:
            raise ReplayFormatError(f"{where}: {shape.name} has no member(s) {unknown}")
        return {k: revive(v, members[k], f"{where}.{k}") for k, v in value.items()}
    if kind == "list":
        if not isinstance(value, list):
            raise ReplayFormatError(f"{where}: expected a list for {shape.name}")
        member = shape.member
        return [revive(v, member, f"{where}[{i}]") for i, v in enumerate(value)]
    if kind == "map":
        if not isinstance(value, dict):
            raise ReplayFormatError(f"{where}: expected an object for {shape.name}")
        return {k: revive(v, shape.value, f"{where}.{k}")
                for k, v in value.items()}
    if kind == "timestamp" and isinstance(value, str):
        return _timestamp(value, where)
    if kind == "timestamp" and isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if kind == "blob" and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return value.encode("utf-8")  # plain text, for readable fixtures
    return value


def _timestamp(text: str, where: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ReplayFormatError(f"{where}: {text!r} is not an ISO-8601 timestamp") from exc
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


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
                 log: CallLog | None = None) -> None:
        self._recording = recording
        self.region = region
        self.home_region = home_region
        self._partition = partition
        self.log = log if log is not None else CallLog()

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
        self.log.add(hashlib.sha256(canonical_json({
            "service": service, "operation": operation, "region": label,
            "params": redact_params(params)})).hexdigest())
        where = f"{service}:{operation}"
        found = self._recording.find(service, operation, label, params)
        if found is None:
            raise NotRecorded("NotRecorded", f"no recorded response for {where} in {label} "
                                             f"with {dict(params)}", operation=where)
        if found.error_code is not None:
            if found.error_code in absent:
                return None
            raise _error(found.error_code, found.error_message, where)
        if not paged and len(found.pages) != 1:
            raise NotRecorded("NotRecorded", f"{where} was recorded as {len(found.pages)} "
                                             "pages, not one response", operation=where)
        shape = operation_model(service, operation, where).output_shape
        return tuple(revive(p, shape, where) for p in found.pages)

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
                                partition=self._partition, log=self.log)

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        region = self.region if regional and self.region != GLOBAL else ""
        return f"arn:{self.partition}:{service}:{region}:{self.account_id}:{resource}"

    @property
    def account_arn(self) -> str:
        return f"arn:{self.partition}:iam::{self.account_id}:root"
