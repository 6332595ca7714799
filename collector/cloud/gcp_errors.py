"""Google API errors as the typed errors the runner understands, with the provider's code.

REST errors carry the canonical status name (`PERMISSION_DENIED`) and an ErrorInfo reason
(`SERVICE_DISABLED`, `IAM_PERMISSION_DENIED`) in their JSON body; gRPC errors carry the same
as a status code. Either way the code recorded is the canonical name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.api_core import exceptions as gexc

from collector.cloud.base import AccessDenied, CloudError, ScopeUnavailable


def classify(exc: gexc.GoogleAPICallError, operation: str) -> CloudError:
    """The provider's status name as the error code; the typed error the runner expects."""
    rest = _rest_error(exc)
    status = (str(rest.get("status") or "") or getattr(exc.grpc_status_code, "name", None)
              or type(exc).__name__)
    message = str(rest.get("message") or exc.message or exc)
    if exc.reason == "SERVICE_DISABLED":
        consumer = _error_metadata(exc).get("consumer", "the quota project")
        return CloudError(
            "SERVICE_DISABLED",
            f"the Cloud Asset API (cloudasset.googleapis.com) is disabled for {consumer}; "
            "enable it with `gcloud services enable cloudasset.googleapis.com` in the project "
            "that owns the credentials (or their quota project)", operation=operation)
    if isinstance(exc, gexc.Forbidden):
        return AccessDenied(status, message, operation=operation)
    if isinstance(exc, gexc.Unauthorized):
        return ScopeUnavailable(status, message, operation=operation)
    return CloudError(status, message, operation=operation)


def _rest_error(exc: gexc.GoogleAPICallError) -> Mapping[str, Any]:
    """The `error` object of a REST error body (its `status` is the canonical code name)."""
    response = exc.response
    try:
        body = response.json() if response is not None and hasattr(response, "json") else {}
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, Mapping) else None
    return error if isinstance(error, Mapping) else {}


def _error_metadata(exc: gexc.GoogleAPICallError) -> Mapping[str, str]:
    meta = exc.metadata if isinstance(exc.metadata, Mapping) else {}
    return {str(k): str(v) for k, v in meta.items()}
