"""Azure: memoised and recorded Resource Graph, ARM and Microsoft Graph reads.

One `AzureSession` per run holds the credential, the clients and the memo shared by every
subscription of the run. One `AzureSubscription` per subscription is a `ScopeTarget`; checks
see an `AzureContext` (one subscription, region "global"). Bulk reads of resource properties go
through Azure Resource Graph (one query per subscription, paged on skip_token, whatever the
number of resources); what Resource Graph lacks (diagnostic settings, child settings such as
blob services or SQL auditing) is read from ARM; Entra ID facts from Microsoft Graph.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from azure.core import PipelineClient
from azure.core.credentials import TokenCredential
from azure.core.pipeline.policies import (
    BearerTokenCredentialPolicy,
    ContentDecodePolicy,
    CustomHookPolicy,
    HeadersPolicy,
    RetryPolicy,
    UserAgentPolicy,
)
from azure.core.rest import HttpRequest, HttpResponse
from azure.mgmt.resource.subscriptions import SubscriptionClient
from azure.mgmt.resourcegraph import ResourceGraphClient

from collector.cloud.azure_wire import GRAPH_PAGE_SIZE, Sent, get, graph_query
from collector.cloud.base import (
    GLOBAL,
    CallLog,
    CallSpec,
    EvidenceSink,
    Memo,
    Outcome,
    ScopeStats,
    memoised_fetch,
    record_call,
)
from collector.cloud.normalise import normalise, redact_params
from storage.canonical import canonical_json

CONNECT_TIMEOUT, READ_TIMEOUT = 10, 60
"""Seconds; azure-core's defaults (300 s) would stall a scheduled run on a dead endpoint."""


@dataclass(frozen=True)
class Endpoints:
    """Where one Azure cloud (or a local fake standing in for it) answers."""

    arm: str
    """Azure Resource Manager base URL (also serves Resource Graph)."""
    authority: str
    """Microsoft Entra authority host."""
    arm_scope: str
    """OAuth scope of ARM tokens (per cloud, unchanged when `arm` is overridden)."""
    graph: str
    """Microsoft Graph base URL."""
    graph_scope: str


class AzureSession:
    """One run's connection to Azure, shared by all its subscriptions."""

    def __init__(self, credential: TokenCredential, endpoints: Endpoints, sink: EvidenceSink,
                 *, ca_bundle: str | None = None, retry_total: int = 5,
                 tool_version: str = "0", page_size: int = GRAPH_PAGE_SIZE,
                 retry_backoff: float = 0.8) -> None:
        """`retry_total`/`retry_backoff`: azure-core's retry policy (429, 5xx, connection
        errors; Retry-After honoured) for ARM, Resource Graph and Microsoft Graph alike."""
        self.credential = credential
        self.endpoints = endpoints
        self.sink = sink
        self.page_size = page_size
        self.identity = ""
        self.tenant_id = ""
        self.memo = Memo()
        common: dict[str, Any] = {"connection_verify": ca_bundle or True,
                                  "retry_total": retry_total,
                                  "retry_backoff_factor": retry_backoff,
                                  "connection_timeout": CONNECT_TIMEOUT,
                                  "read_timeout": READ_TIMEOUT,
                                  "user_agent": f"evidence/{tool_version}"}
        self.resource_graph = ResourceGraphClient(credential, base_url=endpoints.arm,
                                                  credential_scopes=[endpoints.arm_scope],
                                                  **common)
        self.arm = SubscriptionClient(credential, base_url=endpoints.arm,
                                      credential_scopes=[endpoints.arm_scope], **common)
        """Subscriptions, and `send_request` for any ARM path Resource Graph lacks."""
        self.graph: PipelineClient[HttpRequest, HttpResponse] = PipelineClient(
            base_url=endpoints.graph,
            policies=[HeadersPolicy(), UserAgentPolicy(base_user_agent=common["user_agent"]),
                      ContentDecodePolicy(),
                      RetryPolicy(retry_total=retry_total, retry_backoff_factor=retry_backoff),
                      BearerTokenCredentialPolicy(credential, endpoints.graph_scope),
                      CustomHookPolicy()],
            connection_verify=common["connection_verify"],
            connection_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT,
        )

    def fetch(self, service: str, operation: str, params: Mapping[str, Any], scope: str,
              stats: ScopeStats, log: CallLog, send: Callable[[Sent], None], paged: bool,
              absent: tuple[str, ...] = ()) -> Any:
        """One logical request, made once per run; cited in `log`; `absent` codes → None."""
        key = (service, operation, scope, canonical_json(params))
        return memoised_fetch(self.memo, key,
                              lambda: self._request(service, operation, params, scope, stats,
                                                    send, paged),
                              log, absent)

    def _request(self, service: str, operation: str, params: Mapping[str, Any], scope: str,
                 stats: ScopeStats, send: Callable[[Sent], None], paged: bool) -> Outcome:
        sent = Sent()
        send(sent)
        body: Any = None
        stored: Any = None
        if sent.error is None:
            pages = [normalise(p) for p in sent.pages]
            body = pages if paged else (pages[0] if pages else {})
            stored = {"pages": pages} if paged else body
        call = CallSpec("azure", service, operation, redact_params(params), scope, GLOBAL,
                        self.identity)
        digest = record_call(self.sink, stats, call, sent, stored)
        return Outcome(body, digest, sent.error)


class AzureSubscription:
    """One subscription for one run (a `ScopeTarget`)."""

    provider = "azure"

    def __init__(self, session: AzureSession, subscription_id: str, *, tenant_id: str = "",
                 display_name: str = "") -> None:
        self.session = session
        self.subscription_id = subscription_id
        self.tenant_id = tenant_id or session.tenant_id
        self.display_name = display_name
        self.identity = session.identity
        self.stats: dict[str, ScopeStats] = {
            GLOBAL: ScopeStats("azure", subscription_id, GLOBAL, session.identity)}

    @property
    def scope_id(self) -> str:
        return self.subscription_id

    def labels(self, scoping: str) -> list[str]:
        return [GLOBAL]  # ARM is global: one read covers every region of the subscription

    def context(self, label: str, log: CallLog) -> AzureContext:
        return AzureContext(self, log)

    def scope_resource(self, label: str) -> str:
        return f"/subscriptions/{self.subscription_id}"


class AzureContext:
    """What a check sees: one subscription (region "global")."""

    provider = "azure"
    region = GLOBAL

    def __init__(self, subscription: AzureSubscription, log: CallLog) -> None:
        self._sub = subscription
        self._session = subscription.session
        self.log = log

    @property
    def subscription_id(self) -> str:
        return self._sub.subscription_id

    @property
    def tenant_id(self) -> str:
        return self._sub.tenant_id

    @property
    def subscription_resource(self) -> str:
        """The subscription itself, for subscription-wide settings."""
        return f"/subscriptions/{self.subscription_id}"

    def graph(self, query: str) -> list[dict[str, Any]]:
        """Every row of a Resource Graph (KQL) query over this subscription, all pages."""
        s = self._session
        sub = self.subscription_id
        pages = s.fetch("resourcegraph", "resources", {"query": query}, sub,
                        self._sub.stats[GLOBAL], self.log,
                        lambda sent: graph_query(s.resource_graph, sub, query, sent, s.page_size),
                        paged=True)
        return [row for page in pages for row in page.get("data") or []]

    def resources(self, *types: str, table: str = "resources") -> list[dict[str, Any]]:
        """Resources of the given ARM types (case-insensitive) from a Resource Graph table."""
        quoted = ", ".join(f"'{t.lower()}'" for t in sorted(types))
        return self.graph(f"{table} | where type in~ ({quoted}) | order by id asc")

    def arm(self, path: str, api_version: str, *,
            absent: tuple[str, ...] = ()) -> dict[str, Any] | None:
        """One ARM GET (`path` from /subscriptions/… or /providers/…); `absent` codes → None."""
        result: dict[str, Any] | None = self._get("arm", path, api_version, None, absent)
        return result

    def arm_list(self, path: str, api_version: str, *,
                 absent: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """Every item of an ARM list (`value`), following `nextLink`."""
        pages = self._get("arm", path, api_version, "nextLink", absent)
        return [item for page in pages or [] for item in page.get("value") or []]

    def msgraph(self, path: str, *, absent: tuple[str, ...] = ()) -> dict[str, Any] | None:
        """One Microsoft Graph GET (`path` like /v1.0/policies/…), read once per tenant."""
        result: dict[str, Any] | None = self._get("msgraph", path, None, None, absent)
        return result

    def msgraph_list(self, path: str, *, absent: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """Every item of a Microsoft Graph collection, following `@odata.nextLink`."""
        pages = self._get("msgraph", path, None, "@odata.nextLink", absent)
        return [item for page in pages or [] for item in page.get("value") or []]

    def _get(self, service: str, path: str, api_version: str | None, next_key: str | None,
             absent: tuple[str, ...]) -> Any:
        s = self._session
        url = f"{path}?api-version={api_version}" if api_version else f"{s.endpoints.graph}{path}"
        client: Any = s.arm if service == "arm" else s.graph
        # Graph facts belong to the tenant: read once per run, recorded under the tenant id.
        scope = self.subscription_id if service == "arm" else self.tenant_id
        params: dict[str, Any] = {"path": path}
        if api_version:
            params["api-version"] = api_version
        return s.fetch(service, "GET", params, scope, self._sub.stats[GLOBAL], self.log,
                       lambda sent: get(client, url, sent, next_key=next_key,
                                        where=f"{service}:GET {path}"),
                       paged=next_key is not None, absent=absent)
