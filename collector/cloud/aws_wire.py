"""AWS on the wire: one attempt at a request (all its pages), and AWS errors as typed errors.

Used only by the cloud layer: collector/cloud/aws*.py (and the error-code sets by the replay
context).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError
from botocore.parsers import ResponseParserError

from collector.cloud.base import AccessDenied, CloudError, NotOffered, ScopeUnavailable

ACCESS_DENIED = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess",
    "AuthorizationError", "AuthorizationErrorException", "Forbidden",
    "InsufficientPrivilegesException", "AccessDeniedForDependencyException",
})
NOT_OFFERED = frozenset({"OptInRequired", "SubscriptionRequiredException",
                         "UnsupportedOperation", "UnknownOperationException"})


def client_config(max_workers: int, tool_version: str) -> Config:
    """Adaptive retries (client-side rate limiting after throttling), bounded timeouts.

    `max_workers` (aws.max_workers, default 8) bounds the requests in flight per run. Why 8:
    AWS meters read APIs per account and region with token buckets — EC2 Describe* refill
    about 20 requests/s (burst 100), IAM about 10-20/s account-wide, KMS/CloudTrail/Logs
    5-10/s per operation, Organizations ListAccounts about 1-5/s. At a typical 30-80 ms per
    request 8 workers send 100-250 requests/s spread over many services and regions, which
    stays under those rates most of the time while keeping the network busy; the scarce
    global buckets (IAM) see at most 8 concurrent callers, and bursts beyond a bucket are
    absorbed by the adaptive retry mode below (it slows this client down, not the run's
    other clients). Larger pools mostly buy throttling; smaller ones leave latency unused.

    Parameter validation stays on: it costs about 5 µs a request, and a check that passes a
    misspelt parameter gets botocore's clear ParamValidationError instead of a request that
    silently ignores it.
    """
    return Config(
        retries={"mode": "adaptive", "total_max_attempts": 8},
        max_pool_connections=max(10, max_workers * 2),
        connect_timeout=10,
        read_timeout=60,
        user_agent_extra=f"evidence/{tool_version}",
    )


@dataclass
class Sent:
    """What went over the wire for one logical request (all its pages and retries)."""

    pages: list[Any] = field(default_factory=list)
    requests: int = 0
    retries: int = 0
    status: int | None = None
    error: CloudError | None = None

    def saw(self, meta: Mapping[str, Any]) -> None:
        self.requests += 1 + meta.get("RetryAttempts", 0)
        self.retries += meta.get("RetryAttempts", 0)
        self.status = meta.get("HTTPStatusCode", self.status)


def send(
    client: Any, service: str, operation: str, params: Mapping[str, Any], paged: bool, prev: Sent
) -> Sent:
    """One attempt (all pages). Counts accumulate over attempts; pages do not."""
    sent = Sent(requests=prev.requests, retries=prev.retries)
    where = f"{service}:{operation}"
    try:
        if paged and client.can_paginate(operation):
            for page in client.get_paginator(operation).paginate(**params):
                sent.saw(page.get("ResponseMetadata", {}))
                sent.pages.append(page)
        else:
            resp = getattr(client, operation)(**params)
            sent.saw(resp.get("ResponseMetadata", {}))
            sent.pages.append(resp)
    except ClientError as exc:
        sent.saw(exc.response.get("ResponseMetadata", {}))
        sent.error = classify(exc, where)
    except NoCredentialsError as exc:
        sent.error = ScopeUnavailable("NoCredentials", str(exc), operation=where)
    except (BotoCoreError, ResponseParserError) as exc:
        # ResponseParserError (an unparseable body, e.g. an HTML 500 page) is not a BotoCoreError.
        sent.requests += 1
        sent.error = CloudError(type(exc).__name__, str(exc), operation=where)
    return sent


def classify(exc: ClientError, operation: str) -> CloudError:
    err = exc.response.get("Error", {})
    code = str(err.get("Code", "Unknown"))
    message = str(err.get("Message", ""))
    if code.isdigit():  # an error body in another protocol (seen from moto's IAM enforcement)
        found = _XML_CODE.search(message)
        inner = _XML_MESSAGE.search(message)
        code = found.group(1) if found else ("AccessDenied" if code == "403" else f"HTTP{code}")
        message = inner.group(1) if inner else message
    if not code:  # an <Errors><Error> body its protocol's parser skipped (s3control, moto)
        nested = exc.response.get("Errors", {}).get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        code = str(nested.get("Code") or ("AccessDenied" if status == 403 else f"HTTP{status}"))
        message = str(nested.get("Message") or message)
    if code in ACCESS_DENIED:
        return AccessDenied(code, message, operation=operation)
    if code in NOT_OFFERED:
        return NotOffered(code, message, operation=operation)
    return CloudError(code, message, operation=operation)


_XML_CODE = re.compile(r"<Code>([^<]+)</Code>")
_XML_MESSAGE = re.compile(r"<Message>([^<]*)</Message>")


def strip_account_host(request: Any, **_: Any) -> None:
    # s3control prefixes the host with the account id; a local endpoint (moto, a VPC endpoint
    # given as an IP) cannot resolve that name.
    scheme, _, rest = request.url.partition("://")
    host, slash, path = rest.partition("/")
    first, dot, remainder = host.partition(".")
    if first.isdigit() and len(first) == 12 and dot:
        request.url = f"{scheme}://{remainder}{slash}{path}"
        request.headers["Host"] = remainder.split("/")[0]
