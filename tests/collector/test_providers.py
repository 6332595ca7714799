"""The provider registry (collector.providers): each provider listed once, read by the plugin
API, the plan and the pool; a provider registered from outside core code takes part in a run."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from checks.aws.kms_cmk_rotation_enabled import kms_cmk_rotation_enabled
from checks.azure.keyvault_recoverable import keyvault_recoverable
from checks.gcp.kms_key_rotation import kms_key_rotation
from collector import providers
from collector.cloud.base import CallLog, ScopeStats, ScopeTarget, UnavailableScope
from collector.model import Result
from collector.plan import Selection
from collector.plugin import Check, CheckDefinitionError, check
from collector.providers import OpenRequest, Provider
from collector.results import result_rows
from collector.runner import Runner
from config.criteria import load_catalog
from config.loader import LoadedConfig, config_hash
from config.settings import AwsSettings, AzureSettings, GcpSettings, Settings
from storage import Repository

SUB = "00000000-0000-0000-0000-0000000000aa"


def test_the_built_in_providers_are_registered_once_in_run_order() -> None:
    assert providers.names() == ("aws", "gcp", "azure")
    assert list(providers.OPENERS) == ["aws", "gcp", "azure"]
    assert providers.OPENERS["gcp"] is providers.open_gcp


def test_enabled_and_thread_budget_come_from_the_providers_section() -> None:
    bare = Settings()
    assert [providers.enabled(bare, n) for n in providers.names()] == [True, False, False]
    assert providers.pool_threads(bare, "aws") == 8 * providers.AWS_THREADS_PER_WORKER
    configured = Settings(aws=AwsSettings(enabled=False, max_workers=1),
                          gcp=GcpSettings(scopes=["organizations/1"]),
                          azure=AzureSettings())
    assert [providers.enabled(configured, n) for n in providers.names()] == [False, True, True]
    assert providers.pool_threads(configured, "aws") == 1  # one worker stays strictly serial
    assert (providers.max_workers(configured, "gcp"),  # no max_workers setting: the default
            providers.pool_threads(configured, "gcp")) == (8, 8)


def test_each_provider_renders_its_own_permission_policy() -> None:
    settings = Settings(gcp=GcpSettings(scopes=["organizations/1"]),
                        azure=AzureSettings(subscriptions=[SUB]))
    aws = json.loads(providers.get("aws").permissions([kms_cmk_rotation_enabled], settings))
    actions = {a for s in aws["Statement"] for a in s["Action"]}
    assert set(kms_cmk_rotation_enabled.permissions) <= actions
    gcp = providers.get("gcp").permissions([kms_key_rotation], settings)
    assert "gcloud organizations add-iam-policy-binding 1 " in gcp  # the configured scope
    assert kms_key_rotation.permissions[0] in gcp
    azure = providers.get("azure").permissions([keyvault_recoverable], settings)
    assert f"/subscriptions/{SUB}" in azure


@dataclass(frozen=True)
class ToyContext:
    """What a toy provider's checks receive."""

    tenant: str
    region: str = "global"
    provider: str = "toy"


@dataclass
class ToyTarget:
    """One toy tenant (a ScopeTarget)."""

    scope: str
    provider: str = "toy"
    identity: str = "toy:reader"
    stats: dict[str, ScopeStats] = field(default_factory=dict)

    @property
    def scope_id(self) -> str:
        return self.scope

    def labels(self, scoping: str) -> list[str]:
        return ["global"]

    def context(self, label: str, log: CallLog) -> ToyContext:
        return ToyContext(self.scope)

    def scope_resource(self, label: str) -> str:
        return f"toy://{self.scope}"


def open_toy(settings: Settings, req: OpenRequest) -> Iterator[ScopeTarget | UnavailableScope]:
    yield ToyTarget("tenant-1")  # type: ignore[misc]
    yield UnavailableScope("toy", "tenant-2", "Forbidden", "no access to tenant-2")


def toy_permissions(checks: Sequence[Check], settings: Settings) -> str:
    return "\n".join(p for c in checks for p in c.permissions)


@pytest.fixture
def toy() -> Iterator[Provider]:
    provider = providers.register(Provider("toy", open_toy, None, toy_permissions))
    yield provider
    providers.unregister("toy")


def test_a_provider_registered_outside_core_takes_part_in_a_run(toy: Provider,
                                                                 tmp_path: Path) -> None:
    @check(id="toy_mfa_required", criteria=("CC6.1",), permissions=("toy.users.read",),
           scoping="global")
    def toy_mfa_required(ctx: ToyContext) -> Iterator[Result]:
        """Toy tenants require MFA (test only)."""
        yield Result.passed(f"toy://{ctx.tenant}/policy", "MFA is required")

    assert providers.names()[-1] == "toy" and providers.OPENERS["toy"] is open_toy
    assert toy.permissions([toy_mfa_required], Settings()) == "toy.users.read"
    repo = Repository.open(f"sqlite:///{tmp_path / 'e.db'}")
    try:
        settings = Settings(aws=AwsSettings(enabled=False))
        runner = Runner(repo, LoadedConfig(settings, None, config_hash(settings)),
                        load_catalog(), [toy_mfa_required])
        outcome = runner.run(Selection())
        rows = result_rows(repo, repo.get_run(outcome.run_id))
        scopes = {s.scope: s.errors for s in repo.scopes(outcome.run_id)}
    finally:
        repo.close()
    assert [(r.provider, r.scope, r.resource_id, r.status) for r in rows] == [
        ("toy", "tenant-1", "toy://tenant-1/policy", "pass")]
    assert scopes["tenant-2"] == (("Forbidden", "no access to tenant-2"),)


def test_a_check_of_an_unregistered_provider_is_refused() -> None:
    with pytest.raises(CheckDefinitionError, match=r"must start with aws_\|gcp_\|azure_$"):
        @check(id="toy_anything", criteria=("CC6.1",), permissions=("toy.read",))
        def toy_anything(ctx: object) -> Iterator[Result]:
            """Never registered."""
            yield from ()


def test_the_cli_offers_a_registered_provider(toy: Provider,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from tests.support.cli import run_cli

    for command in ("checks", "collect", "permissions"):
        shown = run_cli(capsys, command, "--help")
        assert "aws|gcp|azure|toy" in shown.out, command
    listed = run_cli(capsys, "checks", "--provider", "toy", "--format", "json")
    assert listed.code == 0 and listed.out == ""  # accepted; no toy check installed here
    perms = run_cli(capsys, "permissions", "--provider", "toy")
    assert perms.code == 2 and "no toy check matches" in perms.err
    providers.unregister("toy")
    gone = run_cli(capsys, "permissions", "--provider", "toy")
    assert gone.code == 2 and "'toy' is not one of" in gone.err
