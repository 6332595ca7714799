"""GCP: Cloud Asset Inventory reads: memoised, recorded, paged, retried (the only asset client).

One `GcpScope` per configured scope (`organizations/N`, `folders/N` or `projects/ID`) and run
holds the Cloud Asset client, the memo shared by every check, and the scope's statistics. A
whole organisation is read with one paged `ListAssets` request per asset type and content type,
so requests grow with asset types and pages, never with resources or projects. Checks see a
`GcpContext`: the scope's assets as REST JSON (camelCase), plus which project each belongs to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from google.api_core import exceptions as gexc
from google.api_core.retry import Retry, if_exception_type
from google.auth import exceptions as auth_exc
from google.cloud import asset_v1

from collector.cloud.api import ContentType
from collector.cloud.base import (
    GLOBAL,
    CallLog,
    CallSpec,
    CloudError,
    EvidenceSink,
    Memo,
    Outcome,
    ScopeStats,
    ScopeUnavailable,
    memoised_fetch,
    record_call,
)
from collector.cloud.gcp_errors import classify
from collector.cloud.normalise import REDACTED, SECRET_KEYS, normalise
from config.fields import GCP_SCOPE

CONTENT_TYPES: dict[str, int] = {
    "RESOURCE": asset_v1.ContentType.RESOURCE,
    "IAM_POLICY": asset_v1.ContentType.IAM_POLICY,
    "ORG_POLICY": asset_v1.ContentType.ORG_POLICY,
}
PROJECT_TYPE = "cloudresourcemanager.googleapis.com/Project"
PAGE_SIZE = 1000
"""The largest page ListAssets allows: fewer round trips for big organisations."""
SCOPE_PATTERN = GCP_SCOPE
"""What `gcp.scopes` accepts (the config's own pattern)."""
RETRYABLE = (gexc.TooManyRequests, gexc.InternalServerError, gexc.BadGateway,
             gexc.ServiceUnavailable, gexc.GatewayTimeout)
GCP_SECRET_KEYS = frozenset({"privateKeyData", "rootPassword", "sslKey", "clientKey",
                             "sharedSecret", "secretValue"})
METADATA_KEPT = ("enable-", "block-", "serial-port-", "os-", "google-logging-", "vmdnssetting")
"""Instance/project metadata keys whose values are settings; all other values (startup scripts,
arbitrary user data) are redacted before storage."""


@dataclass(frozen=True)
class RetrySettings:
    """api_core retry with exponential backoff on throttling and server errors."""

    initial: float = 0.5
    maximum: float = 16.0
    multiplier: float = 2.0
    timeout: float = 120.0


@dataclass
class _Sent:
    pages: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0
    retries: int = 0
    status: int | None = None
    error: CloudError | None = None

    def retried(self, _exc: Exception) -> None:
        self.retries += 1
        self.requests += 1


def contract_scope(scope: str) -> str:
    """The results contract's `scope` of a configured scope: `projects/acme-prod` is `acme-prod`
    (the project id); `organizations/N` and `folders/N` stay as they are."""
    return scope.removeprefix("projects/")


def full_name(scope: str) -> str:
    """`organizations/1` → `//cloudresourcemanager.googleapis.com/organizations/1`."""
    return f"//cloudresourcemanager.googleapis.com/{scope}"


class GcpScope:
    """One configured scope for one run: client, memo and scope statistics (a ScopeTarget)."""

    provider = "gcp"

    def __init__(self, scope: str, client: asset_v1.AssetServiceClient, *, sink: EvidenceSink,
                 identity: str, retry: RetrySettings | None = None) -> None:
        self.scope = scope
        self.client = client
        self.sink = sink
        self.identity = identity
        self.retry = retry or RetrySettings()
        self.memo = Memo()
        self.stats: dict[str, ScopeStats] = {GLOBAL: ScopeStats("gcp", self.scope_id, GLOBAL,
                                                                identity)}

    @property
    def scope_id(self) -> str:
        """The project id of a project scope; `organizations/N` or `folders/N` otherwise."""
        return contract_scope(self.scope)

    def labels(self, scoping: str) -> list[str]:
        return [GLOBAL]

    def context(self, label: str, log: CallLog) -> GcpContext:
        return GcpContext(self, log)

    def scope_resource(self, label: str) -> str:
        return full_name(self.scope)

    def connect(self) -> None:
        """Read the scope's projects: proves credentials, permission and the API in one call."""
        try:
            self.fetch(PROJECT_TYPE, "RESOURCE", CallLog())
        except CloudError as exc:
            raise ScopeUnavailable(exc.code, exc.detail, operation=exc.operation) from exc

    def set_identity(self, identity: str) -> None:
        self.identity = identity
        for st in self.stats.values():
            st.identity = identity

    def fetch(self, asset_type: str, content_type: str, log: CallLog) -> list[dict[str, Any]]:
        """Every asset of one type in the scope (memoised per run; pagination completes)."""
        if content_type not in CONTENT_TYPES:
            raise ValueError(f"content_type must be one of {sorted(CONTENT_TYPES)}")
        assets: list[dict[str, Any]] = memoised_fetch(
            self.memo, (asset_type, content_type),
            lambda: self._request(asset_type, content_type), log)
        return assets

    def _request(self, asset_type: str, content_type: str) -> Outcome:
        sent = _send(self.client, self.scope, asset_type, content_type, self.retry)
        assets: list[dict[str, Any]] = []
        stored: Any = None
        if sent.error is None:
            pages = [_normalise_page(p) for p in sent.pages]
            for page in pages:
                assets.extend(page.get("assets") or [])
            stored = {"pages": pages}
        params = {"parent": self.scope, "assetTypes": [asset_type], "contentType": content_type,
                  "pageSize": PAGE_SIZE}
        call = CallSpec("gcp", "cloudasset", "ListAssets", params, self.scope_id, GLOBAL,
                        self.identity)
        digest = record_call(self.sink, self.stats[GLOBAL], call, sent, stored)
        return Outcome(assets, digest, sent.error)


def _send(client: asset_v1.AssetServiceClient, scope: str, asset_type: str, content_type: str,
          settings: RetrySettings) -> _Sent:
    sent = _Sent()
    retry = Retry(predicate=if_exception_type(*RETRYABLE), initial=settings.initial,
                  maximum=settings.maximum, multiplier=settings.multiplier,
                  timeout=settings.timeout, on_error=sent.retried)
    request = asset_v1.ListAssetsRequest(parent=scope, asset_types=[asset_type],
                                         content_type=CONTENT_TYPES[content_type],
                                         page_size=PAGE_SIZE)
    where = f"cloudasset:ListAssets {asset_type} ({content_type})"
    try:
        pager = client.list_assets(request=request, retry=retry, timeout=60.0)
        for page in pager.pages:
            sent.requests += 1
            sent.status = 200
            sent.pages.append(asset_v1.ListAssetsResponse.to_dict(
                page, preserving_proto_field_name=False, use_integers_for_enums=False,
                always_print_fields_with_no_presence=False))
    except gexc.GoogleAPICallError as exc:
        sent.requests += 1
        sent.status = exc.code if isinstance(exc.code, int) else None
        sent.error = classify(exc, where)
        _forget(exc)
    except gexc.RetryError as exc:
        cause = exc.cause
        sent.error = (classify(cause, where) if isinstance(cause, gexc.GoogleAPICallError)
                      else CloudError("DEADLINE_EXCEEDED", str(exc), operation=where))
        _forget(exc)
    except auth_exc.GoogleAuthError as exc:
        sent.error = ScopeUnavailable("CREDENTIALS_REFUSED", f"cannot obtain a Google access "
                                      f"token: {exc}", operation=where)
        _forget(exc)
    return sent


def _forget(exc: BaseException) -> None:
    """Drop the tracebacks of a handled (already classified) exception and of its causes:
    api_core's retry keeps the failed call's exception in a local of a frame on that
    exception's own traceback, a cycle through this module's frames that would hold the scope
    (its memo) until the garbage collector happens to run."""
    todo: list[BaseException | None] = [exc]
    seen: set[int] = set()
    while todo:
        item = todo.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        item.__traceback__ = None
        todo += [item.__cause__, item.__context__, getattr(item, "cause", None)]


def _normalise_page(page: Mapping[str, Any]) -> dict[str, Any]:
    """Drop the per-request `readTime`, redact secrets and free-form instance metadata."""
    body = {k: v for k, v in page.items() if k != "readTime"}
    out: dict[str, Any] = normalise(body, SECRET_KEYS | GCP_SECRET_KEYS)
    for asset in out.get("assets") or []:
        data = (asset.get("resource") or {}).get("data") or {}
        for key in ("metadata", "commonInstanceMetadata"):
            meta = data.get(key)
            if isinstance(meta, dict):
                for item in meta.get("items") or []:
                    name = str(item.get("key", ""))
                    if "value" in item and not name.startswith(METADATA_KEPT):
                        item["value"] = REDACTED
    return out


class GcpContext:
    """What a check sees: the assets of one scope, and which project each belongs to."""

    provider = "gcp"
    region = GLOBAL

    def __init__(self, scope: GcpScope, log: CallLog) -> None:
        self._scope = scope
        self.log = log

    @property
    def scope(self) -> str:
        """The configured scope (`organizations/N`, `folders/N` or `projects/ID`)."""
        return self._scope.scope

    @property
    def scope_id(self) -> str:
        """The scope as the results contract names it: a project id, or the org/folder node."""
        return self._scope.scope_id

    @property
    def scope_resource(self) -> str:
        return full_name(self._scope.scope)

    def assets(self, asset_types: str | Sequence[str],
               content_type: ContentType = "RESOURCE") -> list[dict[str, Any]]:
        """Every asset of the given types in the scope: one memoised, paged read per type.

        Each asset is Cloud Asset's REST JSON: `name` (full resource name), `assetType`,
        `ancestors` (`projects/N`, `folders/N`, `organizations/N`, nearest first) and, by
        content type, `resource.data`, `iamPolicy` or `orgPolicy`.
        """
        types = [asset_types] if isinstance(asset_types, str) else list(asset_types)
        out: list[dict[str, Any]] = []
        for asset_type in types:
            out.extend(self._scope.fetch(asset_type, content_type, self.log))
        return out

    def projects(self) -> list[dict[str, Any]]:
        """The ACTIVE projects in the scope (Project assets)."""
        return [a for a in self.assets(PROJECT_TYPE)
                if _data(a).get("lifecycleState", "ACTIVE") == "ACTIVE"]

    def project_ids(self) -> dict[str, str]:
        """Project number (`projects/N` as in `ancestors`) -> project id."""
        return {f"projects/{_number(_data(a).get('projectNumber'))}": str(_data(a)["projectId"])
                for a in self.assets(PROJECT_TYPE) if _data(a).get("projectId")}

    def scope_of(self, asset: Mapping[str, Any]) -> str:
        """The project id an asset belongs to, under project, folder and organisation scopes
        alike (`acme-prod`, never `projects/acme-prod` or the project number when the Project
        asset is readable); for an organisation- or folder-level asset, that node."""
        ancestors = asset.get("ancestors") or []
        if not ancestors:
            return self.scope_id
        first = str(ancestors[0])
        if first.startswith("projects/"):
            known = self.project_ids().get(first)
            if known is None and self.scope.startswith("projects/"):
                return self.scope_id  # a project scope holds only that project's assets
            return known or first.removeprefix("projects/")
        return first


def _data(asset: Mapping[str, Any]) -> Mapping[str, Any]:
    data = (asset.get("resource") or {}).get("data") or {}
    return data if isinstance(data, Mapping) else {}


def _number(value: object) -> str:
    # Numbers inside resource.data (a Struct) arrive as floats or strings.
    if isinstance(value, float):
        return str(int(value))
    return str(value)
