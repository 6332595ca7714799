"""Opening Azure subscriptions: credentials (real azure-identity paths), clear errors, a run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from azure.core.credentials import TokenCredential
from azure.identity import ClientSecretCredential

from collector.cloud.azure import AzureSubscription
from collector.cloud.azure_subscriptions import endpoints, open_subscriptions
from collector.cloud.base import UnavailableScope
from collector.demo.azure_fake import AzureFake, Estate, resource
from collector.results import result_rows
from config.settings import AzureSettings
from storage import Repository
from tests.fakes.azure_arm import SUB_A, SUB_B, TENANT, FakeToken, settings, start_fake
from tests.support.cli import run_cli
from tests.support.memory_sink import MemorySink

OTHER_TENANT = "22222222-2222-2222-2222-222222222222"
UNKNOWN = "cccccccc-0000-0000-0000-000000000003"
AZURE_ENV = ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET",
             "AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_USERNAME",
             "AZURE_AUTHORITY_HOST", "IDENTITY_ENDPOINT", "MSI_ENDPOINT")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AzureFake, str]]:
    fake, bundle = start_fake(tmp_path_factory.mktemp("az"))
    yield fake, bundle
    fake.stop()


@pytest.fixture
def fake(server: tuple[AzureFake, str], monkeypatch: pytest.MonkeyPatch) -> AzureFake:
    for var in AZURE_ENV:
        monkeypatch.delenv(var, raising=False)
    server[0].reset(Estate(TENANT, subscriptions={SUB_A: "prod", SUB_B: "dev"}))
    return server[0]


@pytest.fixture
def bundle(server: tuple[AzureFake, str]) -> str:
    return server[1]


def opened(cfg: AzureSettings, credential: TokenCredential | None = None
           ) -> list[AzureSubscription | UnavailableScope]:
    return list(open_subscriptions(cfg, MemorySink(), tool_version="test", retry_total=0,
                                   credential=credential))


def test_all_enabled_subscriptions_through_a_real_client_secret_credential(
    fake: AzureFake, bundle: str
) -> None:
    cred = ClientSecretCredential(TENANT, "evidence-app", "s3cret", authority=fake.url,
                                  disable_instance_discovery=True, connection_verify=bundle)
    subs = opened(settings(fake, bundle), credential=cred)
    assert [s.scope_id for s in subs if isinstance(s, AzureSubscription)] == [SUB_A, SUB_B]
    first = subs[0]
    assert isinstance(first, AzureSubscription)
    assert first.identity.startswith("evidence-app (oid oid-evidence-app")
    assert first.scope_resource("global") == f"/subscriptions/{SUB_A}"
    assert first.labels("regional") == ["global"]
    assert fake.requests[("POST", "token")] >= 1


def test_default_credential_uses_the_environment_service_principal(
    fake: AzureFake, bundle: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_TENANT_ID", TENANT)
    monkeypatch.setenv("AZURE_CLIENT_ID", "env-app")
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "env-secret")
    [sub] = opened(settings(fake, bundle, subscriptions=[SUB_B]))
    assert isinstance(sub, AzureSubscription)
    assert (sub.scope_id, sub.identity.split()[0]) == (SUB_B, "env-app")


def test_no_credential_says_which_sources_were_tried(
    fake: AzureFake, bundle: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no `az` CLI
    monkeypatch.setenv("IDENTITY_ENDPOINT", f"{fake.url}/no-managed-identity")
    monkeypatch.setenv("IDENTITY_HEADER", "x")
    [scope] = opened(settings(fake, bundle, subscriptions=[SUB_A]))
    assert isinstance(scope, UnavailableScope)
    assert scope.code == "NoCredential" and scope.scope == SUB_A
    for source in ("environment service principal", "workload identity", "managed identity",
                   "Azure CLI"):
        assert source in scope.message


def test_wrong_secret_is_a_clear_credential_error(fake: AzureFake, bundle: str) -> None:
    cred = ClientSecretCredential(TENANT, "app", fake.estate.bad_secret, authority=fake.url,
                                  disable_instance_discovery=True, connection_verify=bundle)
    [scope] = opened(settings(fake, bundle), credential=cred)
    assert isinstance(scope, UnavailableScope) and scope.code == "NoCredential"
    assert "AADSTS7000215" in scope.message


def test_default_credential_error_keeps_each_sources_reason(
    fake: AzureFake, bundle: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_TENANT_ID", TENANT)
    monkeypatch.setenv("AZURE_CLIENT_ID", "env-app")
    monkeypatch.setenv("AZURE_CLIENT_SECRET", fake.estate.bad_secret)
    [scope] = opened(settings(fake, bundle, subscriptions=[SUB_A]))
    assert isinstance(scope, UnavailableScope) and scope.code == "NoCredential"
    assert "EnvironmentCredential" in scope.message and "AADSTS7000215" in scope.message
    assert "\n" not in scope.message


def test_credential_bound_to_another_tenant_is_a_tenant_mismatch(
    fake: AzureFake, bundle: str
) -> None:
    cred = ClientSecretCredential(OTHER_TENANT, "app", "s3cret", authority=fake.url,
                                  disable_instance_discovery=True, connection_verify=bundle)
    [scope] = opened(settings(fake, bundle, subscriptions=[SUB_A]), credential=cred)
    assert isinstance(scope, UnavailableScope) and scope.code == "TenantMismatch"
    assert TENANT in scope.message


def test_unknown_subscription_is_named_and_the_others_open(fake: AzureFake, bundle: str) -> None:
    subs = opened(settings(fake, bundle, subscriptions=[SUB_A, UNKNOWN]), credential=FakeToken())
    ok, missing = subs
    assert isinstance(ok, AzureSubscription)
    assert isinstance(missing, UnavailableScope)
    assert (missing.scope, missing.code) == (UNKNOWN, "SubscriptionNotFound")
    assert "does not exist" in missing.message and "azure.subscriptions" in missing.message


def test_token_of_another_tenant_is_a_tenant_mismatch(fake: AzureFake, bundle: str) -> None:
    subs = opened(settings(fake, bundle, subscriptions=[SUB_A, SUB_B]),
                  credential=FakeToken(tenant=OTHER_TENANT))
    assert [(s.scope, s.code) for s in subs if isinstance(s, UnavailableScope)] == [
        (SUB_A, "TenantMismatch"), (SUB_B, "TenantMismatch")]
    assert OTHER_TENANT in subs[0].message  # type: ignore[union-attr]


def test_subscription_of_another_tenant_is_a_tenant_mismatch(fake: AzureFake, bundle: str) -> None:
    fake.estate.sub_tenants[SUB_B] = OTHER_TENANT
    subs = opened(settings(fake, bundle), credential=FakeToken())
    assert isinstance(subs[0], AzureSubscription)
    assert isinstance(subs[1], UnavailableScope) and subs[1].code == "TenantMismatch"
    assert "set azure.tenant_id" in subs[1].message


def test_forbidden_configured_subscription_is_unavailable(fake: AzureFake, bundle: str) -> None:
    fake.estate.forbidden = {SUB_B}
    [scope] = opened(settings(fake, bundle, subscriptions=[SUB_B]), credential=FakeToken())
    assert isinstance(scope, UnavailableScope) and scope.code == "AuthorizationFailed"


def test_sovereign_clouds_change_endpoints_authority_and_scopes() -> None:
    gov = endpoints(AzureSettings(cloud="AzureUSGovernment"))
    assert gov.arm == "https://management.usgovcloudapi.net"
    assert gov.authority == "https://login.microsoftonline.us"
    assert gov.arm_scope == "https://management.usgovcloudapi.net/.default"
    assert gov.graph_scope == "https://graph.microsoft.us/.default"
    china = endpoints(AzureSettings(cloud="AzureChinaCloud",
                                    endpoint="https://arm.proxy.example.cn"))
    assert china.arm == "https://arm.proxy.example.cn"
    assert china.arm_scope == "https://management.chinacloudapi.cn/.default"
    assert china.graph == "https://microsoftgraph.chinacloudapi.cn"  # not a local fake


def test_a_run_goes_on_when_one_subscription_answers_403(
    fake: AzureFake, bundle: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AZURE_TENANT_ID", TENANT)
    monkeypatch.setenv("AZURE_CLIENT_ID", "run-app")
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "run-secret")
    fake.estate.forbidden = {SUB_B}
    for sub in (SUB_A, SUB_B):
        fake.estate.add(resource(sub, "rg", "Microsoft.KeyVault/vaults", "kv", {
            "enablePurgeProtection": True}))
    config = tmp_path / "evidence.yaml"
    config.write_text(yaml.safe_dump({"aws": {"enabled": False}, "azure": {
        "endpoint": fake.url, "authority_host": fake.url, "ca_bundle": bundle,
        "tenant_id": TENANT}}))
    db = f"sqlite:///{tmp_path / 'e.db'}"

    res = run_cli(capsys, "--config", str(config), "--db", db, "collect", "--format", "json",
                  "--check", "azure_keyvault_recoverable", "--check", "azure_zone_redundancy")

    assert res.code == 3, res.err  # partial: one subscription could not be read
    assert json.loads(res.out)["status"] == "partial"
    repo = Repository.open(db)
    rows = list(result_rows(repo, repo.list_runs()[0]))
    repo.close()
    a = [r for r in rows if r.scope == SUB_A]
    b = [r for r in rows if r.scope == SUB_B]
    assert {(r.check_id, r.status) for r in a} == {("azure_keyvault_recoverable", "pass")}
    assert {(r.status, r.error_code, r.resource_id) for r in b} == {
        ("error", "AuthorizationFailed", f"/subscriptions/{SUB_B}")}
    assert len(b) == 2 and all(r.provider == "azure" and r.region == "global" for r in rows)
