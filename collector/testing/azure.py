"""Azure for check tests: the local HTTPS fake of Entra, ARM, Resource Graph and Microsoft Graph.

The fake (`collector.demo.azure_fake`) serves an `Estate` of plain JSON over TLS with a
throw-away certificate authority (`collector.demo.azure_tls`); the real SDK clients reach it
through `base_url`/`connection_verify`. `FakeToken` stands in for Entra; `azure_settings` points
a real credential's authority at the fake as well. `Estate` and `resource` (one Resource Graph
row) build what it serves.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from azure.core.credentials import AccessToken, AccessTokenInfo

from collector.cloud.azure import AzureSession, AzureSubscription
from collector.cloud.azure_subscriptions import endpoints
from collector.cloud.base import CallLog, EvidenceSink
from collector.demo.azure_estate import build_azure_estate
from collector.demo.azure_fake import AzureFake, Estate, jwt, resource
from collector.demo.azure_tls import local_tls
from collector.plugin import Check, ParamValue
from collector.testing.run import CheckRun, run_check
from collector.testing.sink import MemorySink
from config.settings import AzureSettings

__all__ = ["SUB_A", "SUB_B", "TENANT", "AzureEstate", "Estate", "FakeToken", "azure_settings",
           "resource", "served_azure_fake", "start_azure_fake"]

TENANT = "11111111-1111-1111-1111-111111111111"
SUB_A = "aaaaaaaa-0000-0000-0000-000000000001"
SUB_B = "bbbbbbbb-0000-0000-0000-000000000002"


class FakeToken:
    """A credential that hands out an unsigned JWT for `tenant` (no authority involved)."""

    def __init__(self, tenant: str = TENANT, app: str = "evidence-test") -> None:
        self.token = jwt({"tid": tenant, "oid": f"oid-{app}", "appid": app})
        self.calls = 0

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        """The token, valid for an hour (azure-core's `TokenCredential`)."""
        self.calls += 1
        return AccessToken(self.token, int(time.time()) + 3600)

    def get_token_info(self, *scopes: str, options: Any = None) -> AccessTokenInfo:
        """The token, valid for an hour (azure-core's `SupportsTokenInfo`)."""
        self.calls += 1
        return AccessTokenInfo(self.token, int(time.time()) + 3600)


def start_azure_fake(workdir: Path, estate: Estate | None = None, page_size: int = 1000
                     ) -> tuple[AzureFake, str]:
    """A started fake (an empty estate of `TENANT` by default) and the path of the PEM bundle
    of the certificate authority its clients must trust (written into `workdir`)."""
    ctx, bundle = local_tls(workdir)
    return AzureFake(estate or Estate(TENANT), ctx, page_size=page_size).start(), bundle


def served_azure_fake(workdir: Path) -> Iterator[tuple[AzureFake, str]]:
    """A fixture body: the fake and its CA bundle for a module or session, stopped at the end."""
    fake, bundle = start_azure_fake(workdir)
    try:
        yield fake, bundle
    finally:
        fake.stop()


def azure_settings(fake: AzureFake, bundle: str, **over: Any) -> AzureSettings:
    """Settings pointing every endpoint (ARM, authority, Graph) at the fake."""
    values: dict[str, Any] = {"endpoint": fake.url, "authority_host": fake.url,
                              "ca_bundle": bundle, "tenant_id": TENANT, **over}
    return AzureSettings(**values)


class AzureEstate:
    """One test's Azure: an estate (tenant `TENANT`, subscriptions `SUB_A` "prod" and `SUB_B`
    "dev", nothing in them) served afresh, sessions to read it, checks to run."""

    def __init__(self, fake: AzureFake, bundle: str, sink: EvidenceSink | None = None) -> None:
        self.fake = fake
        self.bundle = bundle
        self.tenant = TENANT
        self.estate = Estate(TENANT, subscriptions={SUB_A: "prod", SUB_B: "dev"})
        fake.reset(self.estate)
        self.sink = sink or MemorySink()

    def load(self, estate: Estate) -> None:
        """Serve `estate` instead (and forget the request log); sessions use its tenant."""
        self.estate, self.tenant = estate, estate.tenant_id
        self.fake.reset(estate)

    def load_demo(self) -> None:
        """Serve `evidence demo`'s two subscriptions (`collector.demo.azure_estate`)."""
        self.load(build_azure_estate())

    def session(self, retry_total: int = 0) -> AzureSession:
        """A session as a run opens it, with `FakeToken` for the estate's tenant."""
        urls = endpoints(azure_settings(self.fake, self.bundle, tenant_id=self.tenant))
        session = AzureSession(FakeToken(self.tenant), urls, self.sink, ca_bundle=self.bundle,
                               retry_total=retry_total, retry_backoff=0)
        session.identity, session.tenant_id = "evidence-test", self.tenant
        return session

    def run_check(self, check: Check, sub: str = SUB_A,
                  params: Mapping[str, ParamValue] | None = None,
                  session: AzureSession | None = None) -> CheckRun:
        """Run one check over one subscription, as the runner would; `session` to reuse one."""
        target = AzureSubscription(session or self.session(), sub, tenant_id=self.tenant)
        return run_check(check, target.context("global", CallLog()), params)
