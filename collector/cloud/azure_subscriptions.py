"""Which Azure subscriptions a run covers, and the credential and endpoints to read them.

The credential is `DefaultAzureCredential` limited to what a collector runs with: a service
principal in the environment, workload identity, managed identity, or the Azure CLI login.
Sovereign clouds change the ARM endpoint, the Entra authority and the token scopes together.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

from azure.core.credentials import TokenCredential
from azure.core.exceptions import AzureError, ClientAuthenticationError
from azure.identity import DefaultAzureCredential

from collector.cloud.azure import AzureSession, AzureSubscription, Endpoints
from collector.cloud.azure_wire import GRAPH_PAGE_SIZE, classify
from collector.cloud.base import CloudError, EvidenceSink, UnavailableScope
from collector.cloud.loopback import is_loopback
from config.settings import AzureSettings

CLOUDS: dict[str, tuple[str, str, str]] = {
    # name: (ARM endpoint, Entra authority, Microsoft Graph endpoint)
    "AzurePublicCloud": ("https://management.azure.com", "https://login.microsoftonline.com",
                         "https://graph.microsoft.com"),
    "AzureUSGovernment": ("https://management.usgovcloudapi.net",
                          "https://login.microsoftonline.us", "https://graph.microsoft.us"),
    "AzureChinaCloud": ("https://management.chinacloudapi.cn", "https://login.chinacloudapi.cn",
                        "https://microsoftgraph.chinacloudapi.cn"),
}
CREDENTIAL_SOURCES = ("environment service principal (AZURE_TENANT_ID/AZURE_CLIENT_ID/"
                      "AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH)",
                      "workload identity (AZURE_FEDERATED_TOKEN_FILE)", "managed identity",
                      "Azure CLI (az login)")
"""What `DefaultAzureCredential` is allowed to try, in order (named in the error)."""


def endpoints(azure: AzureSettings) -> Endpoints:
    """The cloud's endpoints, with `azure.endpoint` / `azure.authority_host` overrides.

    Token scopes always stay the cloud's own. Microsoft Graph has no override key: when
    `azure.endpoint` is a loopback address (a local fake standing in for the whole cloud, as in
    the tests and `evidence demo`), Graph is read from that same base URL.
    """
    arm, authority, graph = CLOUDS[azure.cloud]
    override = (azure.endpoint or "").rstrip("/")
    return Endpoints(
        arm=override or arm,
        authority=(azure.authority_host or authority).rstrip("/"),
        arm_scope=f"{arm}/.default",
        graph=override if override and is_loopback(override) else graph,
        graph_scope=f"{graph}/.default",
    )


def default_credential(azure: AzureSettings, ends: Endpoints) -> TokenCredential:
    """DefaultAzureCredential over the four sources a collector runs with."""
    kwargs: dict[str, Any] = {"authority": ends.authority}
    if azure.authority_host:  # a private authority cannot be validated against the public one
        kwargs["disable_instance_discovery"] = True
    if azure.ca_bundle:
        kwargs["connection_verify"] = azure.ca_bundle
    return DefaultAzureCredential(
        exclude_shared_token_cache_credential=True, exclude_visual_studio_code_credential=True,
        exclude_powershell_credential=True, exclude_developer_cli_credential=True,
        exclude_interactive_browser_credential=True, exclude_broker_credential=True,
        **kwargs)


def open_subscriptions(
    azure: AzureSettings,
    sink: EvidenceSink,
    *,
    tool_version: str,
    credential: TokenCredential | None = None,
    retry_total: int = 5,
    page_size: int = GRAPH_PAGE_SIZE,
) -> Iterator[AzureSubscription | UnavailableScope]:
    """Each configured subscription (or every enabled one the identity sees), or why not."""
    ends = endpoints(azure)
    cred = credential or default_credential(azure, ends)
    session = AzureSession(cred, ends, sink, ca_bundle=azure.ca_bundle, retry_total=retry_total,
                           tool_version=tool_version, page_size=page_size)
    try:
        _who_am_i(session, azure)
    except CloudError as exc:
        for name in _scope_names(azure):
            yield UnavailableScope("azure", name, exc.code, exc.detail)
        return
    client = session.arm
    if azure.subscriptions == "all":
        try:
            found = [s for s in client.subscriptions.list() if s.state == "Enabled"]
        except AzureError as exc:
            err = classify(exc, "subscriptions:list")
            yield UnavailableScope("azure", "all", err.code,
                                   f"cannot list subscriptions: {err.detail or err.code}")
            return
        if not found:
            yield UnavailableScope("azure", "all", "NoSubscriptions",
                                   f"the identity {session.identity} sees no enabled "
                                   "subscription; grant it Reader on the subscriptions")
        for sub in sorted(found, key=lambda s: str(s.subscription_id)):
            yield _checked(session, azure, str(sub.subscription_id), sub.tenant_id,
                           sub.display_name)
        return
    for sub_id in azure.subscriptions:
        try:
            sub = client.subscriptions.get(sub_id)
        except AzureError as exc:
            err = classify(exc, "subscriptions:get")
            yield UnavailableScope("azure", sub_id, err.code, _unknown_advice(sub_id, err))
            continue
        yield _checked(session, azure, sub_id, sub.tenant_id, sub.display_name)


def _checked(session: AzureSession, azure: AzureSettings, sub_id: str, tenant: str | None,
             name: str | None) -> AzureSubscription | UnavailableScope:
    expected = azure.tenant_id or session.tenant_id
    if tenant and expected and tenant.lower() != expected.lower():
        return UnavailableScope("azure", sub_id, "TenantMismatch",
                                f"subscription {sub_id} belongs to tenant {tenant}, not "
                                f"{expected}; set azure.tenant_id to its tenant or remove it")
    return AzureSubscription(session, sub_id, tenant_id=tenant or expected,
                             display_name=name or "")


def _who_am_i(session: AzureSession, azure: AzureSettings) -> None:
    """Get an ARM token now: a missing credential or a wrong tenant fails here, clearly."""
    try:
        token = session.credential.get_token(session.endpoints.arm_scope,
                                             tenant_id=azure.tenant_id)
    except ClientAuthenticationError as exc:
        detail = _condensed(exc.message)
        if "not configured to acquire tokens for tenant" in detail:
            raise CloudError("TenantMismatch", f"the credential cannot get tokens for tenant "
                             f"{azure.tenant_id} (azure.tenant_id): {detail}") from exc
        tried = "; ".join(CREDENTIAL_SOURCES)
        raise CloudError("NoCredential", f"no Azure credential could get a token (tried: "
                         f"{tried}): {detail}") from exc
    claims = _claims(token.token)
    tid = str(claims.get("tid") or "")
    if azure.tenant_id and tid and tid.lower() != azure.tenant_id.lower():
        raise CloudError("TenantMismatch", f"the credential's token is for tenant {tid}, but "
                         f"azure.tenant_id is {azure.tenant_id}")
    session.tenant_id = tid or (azure.tenant_id or "")
    who = claims.get("upn") or claims.get("appid") or claims.get("azp") or "unknown"
    session.identity = f"{who} (oid {claims.get('oid', '?')}, tenant {session.tenant_id or '?'})"


def _condensed(message: str | None, limit: int = 600) -> str:
    """azure-identity's multi-line error on one line (each source's reason kept)."""
    text = " ".join(line.strip() for line in (message or "").splitlines() if line.strip())
    text = text.split(" To mitigate this issue")[0]  # a link to a troubleshooting guide
    return text if len(text) <= limit else text[:limit] + "…"


def _claims(token: str) -> dict[str, Any]:
    """The (unverified) claims of a JWT access token: identity for provenance only."""
    try:
        payload = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _unknown_advice(sub_id: str, err: CloudError) -> str:
    if err.code in ("SubscriptionNotFound", "InvalidSubscriptionId", "ResourceNotFound"):
        return (f"subscription {sub_id} does not exist or is not visible to this identity; "
                "check azure.subscriptions")
    if err.code == "AuthorizationFailed":
        return f"no access to subscription {sub_id}: {err.detail}; grant the identity Reader"
    return f"cannot read subscription {sub_id}: {err.detail or err.code}"


def _scope_names(azure: AzureSettings) -> list[str]:
    return ["all"] if azure.subscriptions == "all" else list(azure.subscriptions)
