"""Normalising API responses before hashing and storing them.

Two goals: the same cloud state gives the same bytes (so unchanged evidence is stored once),
and no credential or secret ever reaches the database, a log or a bundle.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

REDACTED = "<redacted>"

VOLATILE_KEYS = frozenset(
    {"ResponseMetadata", "RequestId", "requestId", "x-amz-request-id", "NextToken", "nextToken",
     "NextMarker", "Marker", "NextPageToken", "nextPageToken", "skipToken", "$skipToken"}
)
"""Per-request facts that say nothing about the cloud's state (request ids, page tokens)."""

SECRET_KEYS = frozenset(
    {
        "SecretString", "SecretBinary", "SecretAccessKey", "SessionToken", "Password",
        "MasterUserPassword", "PrivateKey", "UserData", "AuthToken", "ClientSecret",
        "AccessToken", "RefreshToken", "KeyMaterial", "Plaintext", "ConnectionString",
        "primaryKey", "secondaryKey", "connectionString", "password", "secret",
        "private_key", "client_secret", "access_token", "sasToken",
        "Base32StringSeed", "QRCodePNG",  # virtual MFA seeds (iam:ListVirtualMFADevices)
    }
)
"""Keys whose values are secrets wherever they appear."""

VOLATILE_BY_OPERATION: dict[tuple[str, str], frozenset[str]] = {
    # The answer to "please generate the report" (STARTED / COMPLETE) is about the request.
    ("iam", "generate_credential_report"): frozenset({"State", "Description"}),
    ("iam", "get_credential_report"): frozenset({"GeneratedTime"}),
    # Delivery heartbeats move every few minutes while the configuration stays the same.
    ("cloudtrail", "get_trail_status"): frozenset({
        "LatestDeliveryTime", "LatestDeliveryAttemptTime", "LatestDeliveryAttemptSucceeded",
        "LatestNotificationTime", "LatestNotificationAttemptTime",
        "LatestNotificationAttemptSucceeded", "LatestDigestDeliveryTime",
        "TimeLoggingStarted", "TimeLoggingStopped"}),
    # (LatestCloudWatchLogsDeliveryTime stays: aws_cloudtrail_cloudwatch_delivery judges it.)
}
"""Top-level response keys of one operation that change without any change of configuration.

They are per-run facts, like request ids: storing them would make an unchanged estate add new
evidence every run. The request itself is still recorded in the call's provenance.
"""

SECRET_KEYS_BY_SERVICE: dict[str, frozenset[str]] = {
    "ssm": frozenset({"Value"}),  # parameter values (SecureString or not) are often secrets
}
"""Keys that are secrets in one service's responses only."""

SECRET_MAPS = frozenset({"Environment", "environmentVariables", "Variables", "appSettings"})
"""Keys whose values are maps of names to possibly secret values: keep names, drop values."""


def normalise_response(service: str, operation: str, page: Mapping[str, Any]) -> Any:
    """`normalise` plus the operation's own volatile top-level keys."""
    drop = VOLATILE_BY_OPERATION.get((service, operation), frozenset())
    secrets = SECRET_KEYS | SECRET_KEYS_BY_SERVICE.get(service, frozenset())
    return normalise({k: v for k, v in page.items() if k not in drop}, secrets)


def normalise(obj: Any, secrets: frozenset[str] = SECRET_KEYS) -> Any:
    """Drop volatile keys and redact secrets, recursively. Returns a new structure."""
    if isinstance(obj, Mapping):
        out: dict[str, Any] = {}
        for key, value in obj.items():
            if key in VOLATILE_KEYS:
                continue
            if key in secrets and value not in (None, "", [], {}):
                out[key] = REDACTED
            elif key in SECRET_MAPS and isinstance(value, Mapping):
                out[key] = _names_only(value)
            else:
                out[key] = normalise(value, secrets)
        return out
    if isinstance(obj, list | tuple):
        return [normalise(v, secrets) for v in obj]
    return obj


def _names_only(value: Mapping[str, Any]) -> dict[str, Any]:
    # Lambda: Environment: {Variables: {NAME: value}}. Keep the structure and the names.
    out: dict[str, Any] = {}
    for k, v in value.items():
        if isinstance(v, Mapping):
            out[k] = _names_only(v)
        else:
            out[k] = REDACTED
    return out


def redact_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Request parameters as stored in provenance (secrets redacted the same way)."""
    out: dict[str, Any] = normalise(dict(params))
    return out
