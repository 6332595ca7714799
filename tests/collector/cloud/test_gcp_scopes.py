"""Opening GCP scopes: scope validation, credentials (key file, impersonation, none)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth.compute_engine import _metadata

from collector.cloud.base import UnavailableScope
from collector.cloud.gcp import GcpScope
from collector.cloud.gcp_scopes import is_local_http, open_scopes
from collector.demo.gcp_estate import ORG
from config.settings import GcpSettings
from tests.fakes.gcp_asset import AssetEstate, gcp, gcp_fake
from tests.support.memory_sink import MemorySink

__all__ = ["gcp", "gcp_fake"]
READER = "reader@acme-prod.iam.gserviceaccount.com"
TARGET = "evidence@acme-prod.iam.gserviceaccount.com"


def opened(settings: GcpSettings) -> list[GcpScope | UnavailableScope]:
    return list(open_scopes(settings, MemorySink(), tool_version="test"))


def key_file(tmp_path: Path, token_uri: str) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path = tmp_path / "key.json"
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "acme-prod", "private_key_id": "abc",
        "private_key": pem, "client_email": READER, "client_id": "1",
        "token_uri": token_uri}))
    return path


def jwt_claims(authorization: str) -> dict[str, object]:
    token = authorization.removeprefix("Bearer ")
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_a_local_http_endpoint_is_read_anonymously(gcp: AssetEstate) -> None:
    [scope] = opened(GcpSettings(scopes=[ORG], endpoint=gcp.endpoint))

    assert isinstance(scope, GcpScope)
    assert scope.identity == "anonymous (local emulator)"
    assert {r.authorization for r in gcp.fake.list_requests()} == {""}


def test_service_account_key_file_gets_a_token_and_is_the_identity(
    gcp: AssetEstate, tmp_path: Path
) -> None:
    path = key_file(tmp_path, f"{gcp.endpoint}/token")

    [scope] = opened(GcpSettings(scopes=[ORG], endpoint=gcp.endpoint, credentials_file=str(path)))

    assert isinstance(scope, GcpScope)
    assert scope.identity == READER
    assert scope.stats["global"].identity == READER
    # GAPIC clients sign their own JWT with the key (no token exchange): it names the reader.
    [auth] = {r.authorization for r in gcp.fake.list_requests()}
    claims = jwt_claims(auth)
    assert claims["iss"] == READER and claims["sub"] == READER
    assert "PRIVATE KEY" not in json.dumps([c.as_dict() for c in scope.sink.calls.values()])  # type: ignore[attr-defined]


def test_impersonation_reads_as_the_target_service_account(
    gcp: AssetEstate, tmp_path: Path
) -> None:
    path = key_file(tmp_path, f"{gcp.endpoint}/token")

    [scope] = opened(GcpSettings(scopes=[ORG], endpoint=gcp.endpoint, credentials_file=str(path),
                                 impersonate_service_account=TARGET))

    assert isinstance(scope, GcpScope)
    assert scope.identity == TARGET
    assert {r.authorization for r in gcp.fake.list_requests()} == {
        "Bearer fake-impersonated-token"}


def test_missing_credentials_make_every_scope_unavailable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path))  # no gcloud ADC file
    monkeypatch.setattr(_metadata, "_NO_GCE_CHECK", True)  # not on GCE (google-auth's switch)

    results = opened(GcpSettings(scopes=[ORG, "projects/acme-dev"]))

    assert [(r.scope, r.code) for r in results if isinstance(r, UnavailableScope)] == [
        (ORG, "NoCredentials"), ("acme-dev", "NoCredentials")]  # the contract's project id
    assert "gcloud auth application-default login" in results[0].message  # type: ignore[union-attr]


def test_an_unreadable_credentials_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "key.json"
    bad.write_text("{}")

    [result] = opened(GcpSettings(scopes=[ORG], credentials_file=str(bad)))

    assert isinstance(result, UnavailableScope)
    assert result.code == "InvalidCredentialsFile"
    assert str(bad) in result.message


def test_scopes_the_config_would_reject_are_refused_by_the_opener(gcp: AssetEstate) -> None:
    settings = GcpSettings.model_construct(scopes=("billingAccounts/1", ORG),
                                           endpoint=gcp.endpoint, credentials_file=None,
                                           impersonate_service_account=None)

    results = opened(settings)

    assert isinstance(results[0], UnavailableScope) and results[0].code == "InvalidScope"
    assert "organizations/<number>" in results[0].message
    assert isinstance(results[1], GcpScope)


def test_plain_http_to_a_remote_host_is_refused() -> None:
    [result] = opened(GcpSettings(scopes=[ORG], endpoint="http://cloudasset.example.com"))

    assert isinstance(result, UnavailableScope) and result.code == "InsecureEndpoint"


def test_disabled_api_and_denied_scope_are_reported_per_scope(gcp: AssetEstate) -> None:
    gcp.fake.state.deny.add("cloudresourcemanager.googleapis.com/Project")

    [denied] = opened(GcpSettings(scopes=[ORG], endpoint=gcp.endpoint))
    gcp.fake.state.deny.clear()
    gcp.fake.state.service_disabled = True
    [disabled] = opened(GcpSettings(scopes=[ORG], endpoint=gcp.endpoint))

    assert isinstance(denied, UnavailableScope) and denied.code == "PERMISSION_DENIED"
    assert "roles/cloudasset.viewer" in denied.message
    assert isinstance(disabled, UnavailableScope) and disabled.code == "SERVICE_DISABLED"
    assert "cloudasset.googleapis.com" in disabled.message


def test_only_loopback_http_counts_as_local() -> None:
    assert is_local_http("http://127.0.0.1:8080") and is_local_http("http://localhost:1")
    assert is_local_http("http://[::1]:9")
    assert not is_local_http("https://127.0.0.1:8080")
    assert not is_local_http("http://10.0.0.1") and not is_local_http(None)
