"""Azure on the wire: Resource Graph queries, ARM and Microsoft Graph GETs, paging and errors.

Every function here makes one *logical* request (all its pages, with azure-core's retry policy
underneath) and records what went over the wire in a `Sent`. Translating azure-core exceptions
and ARM / Graph error bodies into our typed errors happens here and nowhere else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from azure.core import PipelineClient
from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    HttpResponseError,
    ServiceRequestError,
)
from azure.core.pipeline import PipelineResponse
from azure.core.rest import HttpRequest, HttpResponse
from azure.mgmt.resource.subscriptions import SubscriptionClient
from azure.mgmt.resourcegraph import ResourceGraphClient
from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions, ResultFormat

from collector.cloud.base import AccessDenied, CloudError, NotOffered, ScopeUnavailable

GRAPH_PAGE_SIZE = 1000
"""Rows per Resource Graph page (the service's maximum)."""
MAX_PAGES = 10_000
"""A safety stop for a service that keeps answering with a next link."""
NOT_OFFERED = frozenset({"MissingSubscriptionRegistration", "SubscriptionNotRegistered",
                         "FeatureNotSupported"})
"""The resource provider is not registered / offered in this subscription."""


@dataclass
class Sent:
    """What went over the wire for one logical request (all its pages and retries)."""

    pages: list[Any] = field(default_factory=list)
    requests: int = 0
    status: int | None = None
    error: CloudError | None = None

    def hook(self, response: PipelineResponse[Any, Any]) -> None:
        """azure-core `raw_response_hook`: called once per HTTP attempt (retries included)."""
        self.requests += 1
        self.status = response.http_response.status_code

    @property
    def retries(self) -> int:
        return max(0, self.requests - len(self.pages) - (1 if self.error else 0))


def graph_query(client: ResourceGraphClient, subscription: str, query: str, sent: Sent,
                page_size: int = GRAPH_PAGE_SIZE) -> None:
    """All pages of one Resource Graph query over one subscription (objectArray rows)."""
    skip: str | None = None
    try:
        for _ in range(MAX_PAGES):
            options = QueryRequestOptions(top=page_size, skip_token=skip,
                                          result_format=ResultFormat.OBJECT_ARRAY)
            resp = client.resources(
                QueryRequest(subscriptions=[subscription], query=query, options=options),
                raw_response_hook=sent.hook)
            sent.pages.append({"data": list(resp.data or []),
                               "totalRecords": resp.total_records})
            skip = resp.skip_token
            if not skip and str(resp.result_truncated).lower() == "true":
                sent.error = CloudError("ResultTruncated", "Resource Graph truncated the "
                                        "result and gave no skip token",
                                        operation="resourcegraph:resources")
                return
            if not skip:
                return
        sent.error = CloudError("PagingDidNotEnd", f"more than {MAX_PAGES} pages")
    except AzureError as exc:
        sent.error = classify(exc, "resourcegraph:resources")


def get(client: SubscriptionClient | PipelineClient[HttpRequest, HttpResponse], url: str,
        sent: Sent, *, next_key: str | None, where: str) -> None:
    """GET `url` (relative to the client's base URL); with `next_key`, follow next links."""
    try:
        for _ in range(MAX_PAGES):
            resp = client.send_request(HttpRequest("GET", url), raw_response_hook=sent.hook)
            if resp.status_code >= 400:
                sent.error = _from_body(resp.status_code, resp.text(), where)
                return
            body = resp.json() if resp.text() else {}
            sent.pages.append(body)
            link = body.get(next_key) if next_key and isinstance(body, dict) else None
            if not link:
                return
            url = str(link)
        sent.error = CloudError("PagingDidNotEnd", f"more than {MAX_PAGES} pages",
                                operation=where)
    except AzureError as exc:
        sent.error = classify(exc, where)


def classify(exc: AzureError, where: str) -> CloudError:
    """An azure-core exception as a typed error with the service's own code."""
    if isinstance(exc, HttpResponseError) and exc.response is not None:
        status = int(exc.status_code or exc.response.status_code or 0)
        err = getattr(exc, "error", None)
        code = getattr(err, "code", None)
        if code:
            return _typed(status, str(code), str(getattr(err, "message", "") or ""), where)
        return _from_body(status, exc.response.text(), where)
    if isinstance(exc, ClientAuthenticationError):  # raised by the credential: no response
        return ScopeUnavailable("AuthenticationFailed", first_line(exc.message), operation=where)
    if isinstance(exc, ServiceRequestError):
        return CloudError("ServiceRequestError", first_line(exc.message), operation=where)
    return CloudError(type(exc).__name__, first_line(str(exc)), operation=where)


def _from_body(status: int, text: str, where: str) -> CloudError:
    """ARM and Graph both answer `{"error": {"code": …, "message": …}}`."""
    code, message = f"HTTP{status}", ""
    try:
        err = json.loads(text).get("error") or {}
        code = str(err.get("code") or code)
        message = str(err.get("message") or "")
    except (ValueError, AttributeError):
        message = text[:200]
    return _typed(status, code, message, where)


def _typed(status: int, code: str, message: str, where: str) -> CloudError:
    if status == 403 or code in ("AuthorizationFailed", "Authorization_RequestDenied"):
        return AccessDenied(code, message, operation=where)
    if status == 401:
        return ScopeUnavailable(code, message, operation=where)
    if code in NOT_OFFERED:
        return NotOffered(code, message, operation=where)
    return CloudError(code, message, operation=where)


def first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""
