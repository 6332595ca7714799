"""Normalising API responses before hashing and storing them.

Two goals: the same cloud state gives the same bytes (so unchanged evidence is stored once),
and no credential or secret ever reaches the database, a log or a bundle. Redaction goes by
field shape, in the cloud layer, before anything is stored or handed to a check (built-in or
plug-in): known secret fields become `<redacted>`; environment variables, CloudFormation
templates, parameters and outputs, and values under secret-looking names (`db_password`, also
as a tag `{Key, Value}`) become keyed hashes (`collector.cloud.redaction`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from collector.cloud.redaction import keyed_hash, looks_secret

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
        "secureValue",  # Azure container instances' secure environment variables
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

HASHED_KEYS = frozenset({"TemplateBody", "OutputValue"})
"""Keys whose values are replaced by a keyed hash wherever they appear (CloudFormation template
bodies and stack outputs: free text that often embeds credentials)."""

HASHED_KEYS_BY_SERVICE: dict[str, frozenset[str]] = {
    # Stack parameters (and SSM values they resolve to); RDS, Redshift and ElastiCache use
    # `ParameterValue` for settings that checks judge, so only CloudFormation's are hashed.
    "cloudformation": frozenset({"ParameterValue", "ResolvedValue", "DefaultValue"}),
}
"""Keys hashed in one service's responses only."""

ENV_KEYS = frozenset({"Environment", "Variables", "environmentVariables", "EnvironmentVariables",
                      "buildEnvironmentVariables", "RuntimeEnvironmentVariables", "envVariables",
                      "environment_variables", "appSettings", "env", "Env", "environment"})
"""Keys holding environment variables, as a map (Lambda `Environment.Variables`, Cloud Functions
`environmentVariables`) or a list of `{name, value}` (ECS `containerDefinitions[].environment`,
Cloud Run `containers[].env`, Azure `siteConfig.appSettings`) or of `NAME=value` strings: names
are kept, every value becomes a keyed hash. A lower-case `environment` that is a map is build
configuration (CodeBuild), not variables: it is walked like any other map; a text value under
one of these names is a label or tag (`env: prod`) and is kept."""

NAME_FIELDS = ("Key", "key", "Name", "name", "ParameterKey", "OutputKey")
VALUE_FIELDS = ("Value", "value", "ParameterValue", "OutputValue")
"""`{Key, Value}` pairs (tags, metadata items, parameters): the value is hashed when the name
looks secret (`{"Key": "db_password", "Value": ...}`)."""

ITEM_FIELDS = frozenset({*NAME_FIELDS, *VALUE_FIELDS, "valueFrom", "valueSource", "secretRef",
                         "secureValue", "type", "Type"})
"""The fields of one `{name, value}` environment variable (ECS, Cloud Run, CodeBuild, Azure
container instances); a map with other keys is a map of variables."""

APP_SETTINGS_TYPES = ("microsoft.web/sites/config", "microsoft.web/sites/slots/config")
"""Azure App Service `.../config/appsettings` and `.../config/connectionstrings` resources: their
`properties` map names to values (hashed like environment variables)."""

SECRET_MAPS = ENV_KEYS
"""(Kept for callers of the former name.)"""
EMPTY: tuple[Any, ...] = (None, "", [], {})


def normalise_response(service: str, operation: str, page: Mapping[str, Any]) -> Any:
    """`normalise` plus the operation's own volatile top-level keys and the service's secrets."""
    drop = VOLATILE_BY_OPERATION.get((service, operation), frozenset())
    secrets = SECRET_KEYS | SECRET_KEYS_BY_SERVICE.get(service, frozenset())
    hashed = HASHED_KEYS | HASHED_KEYS_BY_SERVICE.get(service, frozenset())
    return normalise({k: v for k, v in page.items() if k not in drop}, secrets, hashed)


def normalise(obj: Any, secrets: frozenset[str] = SECRET_KEYS,
              hashed: frozenset[str] = HASHED_KEYS) -> Any:
    """Drop volatile keys and redact secrets, recursively. Returns a new structure.

    Values under `secrets` become `<redacted>` (their presence is kept, their content never);
    environment-variable values, `hashed` keys, values under secret-looking names and the
    values of `{Key, Value}` pairs with a secret-looking name become keyed hashes
    (`redacted:hmac-sha256:…`, see `collector.cloud.redaction`): equal secrets compare equal
    between runs without being readable or guessable.
    """
    if isinstance(obj, Mapping):
        app_settings = _is_app_settings(obj)
        pair = _secret_pair(obj)
        out: dict[str, Any] = {}
        for key, value in obj.items():
            if key in VOLATILE_KEYS:
                continue
            if key in secrets and value not in EMPTY:
                out[key] = REDACTED
            elif value in EMPTY or isinstance(value, bool):
                out[key] = value
            elif key in hashed or (pair and key in VALUE_FIELDS):
                out[key] = keyed_hash(value)
            elif _holds_env(key, value) or (app_settings and key == "properties"):
                out[key] = _env(value, secrets, hashed)
            elif looks_secret(str(key)) and isinstance(value, str | bytes | int | float):
                out[key] = keyed_hash(value)
            elif looks_secret(str(key)) and isinstance(value, list | tuple):
                out[key] = [keyed_hash(v) if isinstance(v, str) and v else
                            normalise(v, secrets, hashed) for v in value]
            else:
                out[key] = normalise(value, secrets, hashed)
        return out
    if isinstance(obj, list | tuple):
        return [normalise(v, secrets, hashed) for v in obj]
    return obj


def _env(value: Any, secrets: frozenset[str], hashed: frozenset[str]) -> Any:
    """Environment variables: names kept, values hashed (maps, `{name, value}` lists,
    `NAME=value` strings), whatever the nesting (`Environment: {Variables: {...}}`)."""
    if isinstance(value, Mapping):
        if any(isinstance(value.get(f), str) for f in NAME_FIELDS) and set(value) <= ITEM_FIELDS:
            return {k: keyed_hash(v) if k in VALUE_FIELDS and v not in EMPTY else
                    normalise(v, secrets, hashed) for k, v in value.items()
                    if k not in VOLATILE_KEYS}
        return {k: _env(v, secrets, hashed) for k, v in value.items() if k not in VOLATILE_KEYS}
    if isinstance(value, list | tuple):
        return [_env(v, secrets, hashed) for v in value]
    if isinstance(value, str) and "=" in value and not value.startswith("="):
        name, _, val = value.partition("=")
        return f"{name}={keyed_hash(val)}"
    if value in EMPTY or isinstance(value, bool):
        return value
    return keyed_hash(value)


def _holds_env(key: str, value: Any) -> bool:
    # A scalar under `env`/`Environment` is a label or tag (`env: prod`), not variables.
    if key not in ENV_KEYS or not isinstance(value, Mapping | list | tuple):
        return False
    return not (key == "environment" and isinstance(value, Mapping))


def _secret_pair(obj: Mapping[str, Any]) -> bool:
    return any(isinstance(obj.get(f), str) and looks_secret(obj[f]) for f in NAME_FIELDS) and \
        any(f in obj for f in VALUE_FIELDS)


def _is_app_settings(obj: Mapping[str, Any]) -> bool:
    kind = str(obj.get("type") or "").lower()
    name = str(obj.get("name") or "").lower().rsplit("/", 1)[-1]
    return kind in APP_SETTINGS_TYPES and name in ("appsettings", "connectionstrings")


def redact_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Request parameters as stored in provenance (secrets redacted the same way)."""
    out: dict[str, Any] = normalise(dict(params))
    return out
