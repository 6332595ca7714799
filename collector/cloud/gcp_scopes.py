"""Which GCP scopes a run covers, and the credentials used to read them.

Credentials come from Application Default Credentials through google-auth: a service-account
key or workload-identity-federation file (`gcp.credentials_file`, else
GOOGLE_APPLICATION_CREDENTIALS), the attached service account on GCP (metadata server), or a
gcloud user (`gcloud auth application-default login`). `gcp.impersonate_service_account`
exchanges them for a short-lived token of that service account (the caller needs
roles/iam.serviceAccountTokenCreator on it).

A plain-http loopback `gcp.endpoint` (`http://127.0.0.1:PORT`, `http://localhost:PORT`) is a
local emulator such as the one `evidence demo` starts: without `gcp.credentials_file` the
client sends no credentials to it (anonymous), so real tokens never travel in clear text. Any
other `http://` endpoint is refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import google.auth
from google.api_core.client_options import ClientOptions
from google.api_core.gapic_v1.client_info import ClientInfo
from google.auth import aws, identity_pool, impersonated_credentials, pluggable
from google.auth import exceptions as auth_exc
from google.auth.credentials import AnonymousCredentials, Credentials
from google.cloud import asset_v1
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

from collector.cloud.base import CloudError, EvidenceSink, UnavailableScope
from collector.cloud.gcp import SCOPE_PATTERN, GcpScope, RetrySettings, contract_scope
from collector.cloud.loopback import is_loopback
from config.settings import GcpSettings

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
"""Cloud Asset accepts no narrower OAuth scope; the IAM roles granted keep access read-only."""
TOKEN_LIFETIME = 3600


class CredentialsProblem(Exception):
    """Credentials could not be found or built; the message says what to do."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def is_local_http(endpoint: str | None) -> bool:
    """True for `http://` on a loopback host (an emulator on this machine)."""
    return bool(endpoint) and urlsplit(endpoint).scheme == "http" and is_loopback(endpoint)


def credentials(gcp: GcpSettings) -> tuple[Credentials, str]:
    """The credentials to read with, and the identity to record (service account email)."""
    if gcp.endpoint and urlsplit(gcp.endpoint).scheme == "http" and not is_local_http(
            gcp.endpoint):
        raise CredentialsProblem("InsecureEndpoint", f"gcp.endpoint {gcp.endpoint} is plain "
                                 "http on a non-local host; use https (tokens would travel in "
                                 "clear text)")
    if is_local_http(gcp.endpoint) and not gcp.credentials_file:
        return AnonymousCredentials(), "anonymous (local emulator)"
    try:
        if gcp.credentials_file:
            creds = _load_file(str(gcp.credentials_file))
        else:
            creds, _ = google.auth.default(scopes=[CLOUD_PLATFORM])
    except (auth_exc.DefaultCredentialsError, ValueError, OSError) as exc:
        if gcp.credentials_file:
            raise CredentialsProblem("InvalidCredentialsFile", f"gcp.credentials_file "
                                     f"{gcp.credentials_file}: {exc}") from exc
        raise CredentialsProblem("NoCredentials", (
            "no Google credentials found: set gcp.credentials_file or "
            "GOOGLE_APPLICATION_CREDENTIALS to a service-account (or workload identity) file, "
            "run `gcloud auth application-default login`, or run on GCP with an attached "
            "service account")) from exc
    if gcp.impersonate_service_account:
        override = None
        if is_local_http(gcp.endpoint):
            override = (f"{gcp.endpoint}/v1/projects/-/serviceAccounts/"
                        f"{gcp.impersonate_service_account}:generateAccessToken")
        creds = impersonated_credentials.Credentials(
            source_credentials=creds, target_principal=gcp.impersonate_service_account,
            target_scopes=[CLOUD_PLATFORM], lifetime=TOKEN_LIFETIME,
            iam_endpoint_override=override)
    return creds, identity_of(creds)


def _load_file(path: str) -> Credentials:
    """A credentials file of a known type only (never an arbitrary configuration)."""
    with open(path, encoding="utf-8") as fh:
        info = json.load(fh)
    kind = info.get("type") if isinstance(info, dict) else None
    if kind == "service_account":
        return service_account.Credentials.from_service_account_info(info,
                                                                     scopes=[CLOUD_PLATFORM])
    if kind == "authorized_user":
        return user_credentials.Credentials.from_authorized_user_info(info,
                                                                      scopes=[CLOUD_PLATFORM])
    if kind == "external_account":  # workload identity federation
        source = info.get("credential_source") or {}
        module: Any = identity_pool
        if str(source.get("environment_id", "")).startswith("aws"):
            module = aws
        elif "executable" in source:
            module = pluggable
        creds: Credentials = module.Credentials.from_info(info, scopes=[CLOUD_PLATFORM])
        return creds
    raise ValueError(f"unsupported credentials type {kind!r} (expected service_account, "
                     "authorized_user or external_account)")


def identity_of(creds: Credentials) -> str:
    """The service account email when known (after the first request on GCE), else the user."""
    for attr in ("service_account_email", "signer_email", "account"):
        value = getattr(creds, attr, None)
        if isinstance(value, str) and value and value != "default":
            return value
    target = getattr(creds, "_target_principal", None)
    if isinstance(target, str) and target:
        return target
    return f"{type(creds).__module__}.{type(creds).__name__}"


def asset_client(creds: Credentials, endpoint: str | None,
                 tool_version: str) -> asset_v1.AssetServiceClient:
    """A Cloud Asset client over REST (one error model in production and in tests)."""
    options = ClientOptions(api_endpoint=endpoint) if endpoint else None
    return asset_v1.AssetServiceClient(
        transport="rest", credentials=creds, client_options=options,
        client_info=ClientInfo(user_agent=f"evidence/{tool_version}"))


def open_scopes(gcp: GcpSettings, sink: EvidenceSink, *, tool_version: str,
                retry: RetrySettings | None = None) -> Iterator[GcpScope | UnavailableScope]:
    """Each configured scope, connected (its projects read), or why it cannot be read."""
    bad = [s for s in gcp.scopes if not SCOPE_PATTERN.fullmatch(s)]
    for scope in bad:
        yield UnavailableScope("gcp", scope, "InvalidScope", (
            f"gcp.scopes: {scope!r} is not organizations/<number>, folders/<number> or "
            "projects/<project-id>"))
    good = [s for s in gcp.scopes if s not in bad]
    if not good:
        return
    try:
        creds, identity = credentials(gcp)
    except CredentialsProblem as exc:
        for scope in good:
            yield UnavailableScope("gcp", contract_scope(scope), exc.code, str(exc))
        return
    client = asset_client(creds, gcp.endpoint, tool_version)
    for scope in good:
        target = GcpScope(scope, client, sink=sink, identity=identity, retry=retry)
        try:
            target.connect()
        except CloudError as exc:
            yield UnavailableScope("gcp", contract_scope(scope), exc.code, _advice(exc, scope))
            continue
        if not isinstance(creds, AnonymousCredentials):  # GCE: the email is known now
            target.set_identity(identity_of(creds))
        yield target


def _advice(exc: CloudError, scope: str) -> str:
    """One line saying what failed and what to do about it."""
    if exc.code == "SERVICE_DISABLED":
        return exc.detail
    if exc.code == "PERMISSION_DENIED":
        return (f"cannot list assets of {scope} ({exc.detail}); grant the identity "
                f"roles/cloudasset.viewer on {scope} (see `evidence permissions --provider gcp`)")
    if exc.code == "NOT_FOUND":
        return f"{scope} does not exist or is not visible to these credentials ({exc.detail})"
    return f"{exc.operation or 'Cloud Asset'} failed for {scope}: {exc.detail or exc.code}"
