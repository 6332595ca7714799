"""The local Azure fake (collector.demo.azure_fake) served with a trustme certificate.

Tests reach it through the real SDK clients: `base_url`/`connection_verify` point them at it.
A `FakeToken` credential stands in for Entra in most tests; `fake_settings` plus a real
`ClientSecretCredential` (or DefaultAzureCredential's environment source) covers the real path.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import trustme
from azure.core.credentials import AccessToken, AccessTokenInfo

from collector.cloud.azure import AzureSession, AzureSubscription
from collector.cloud.azure_subscriptions import endpoints
from collector.cloud.base import CallLog
from collector.demo.azure_fake import AzureFake, Estate, jwt
from collector.model import Result
from collector.plugin import Check
from config.settings import AzureSettings
from tests.support.memory_sink import MemorySink

TENANT = "11111111-1111-1111-1111-111111111111"
SUB_A = "aaaaaaaa-0000-0000-0000-000000000001"
SUB_B = "bbbbbbbb-0000-0000-0000-000000000002"


class FakeToken:
    """A credential that hands out an unsigned JWT for `tenant` (no authority involved)."""

    def __init__(self, tenant: str = TENANT, app: str = "evidence-test") -> None:
        self.token = jwt({"tid": tenant, "oid": f"oid-{app}", "appid": app})
        self.calls = 0

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.calls += 1
        return AccessToken(self.token, int(time.time()) + 3600)

    def get_token_info(self, *scopes: str, options: Any = None) -> AccessTokenInfo:
        self.calls += 1
        return AccessTokenInfo(self.token, int(time.time()) + 3600)


def start_fake(tmp: Path, estate: Estate | None = None, page_size: int = 1000
               ) -> tuple[AzureFake, str]:
    """A started fake and the path of its CA bundle (PEM)."""
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    bundle = tmp / "azure-fake-ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    fake = AzureFake(estate or Estate(TENANT), ctx, page_size=page_size).start()
    return fake, str(bundle)


def settings(fake: AzureFake, bundle: str, **over: Any) -> AzureSettings:
    """Settings pointing every endpoint (ARM, authority, Graph) at the fake."""
    values: dict[str, Any] = {"endpoint": fake.url, "authority_host": fake.url,
                              "ca_bundle": bundle, "tenant_id": TENANT, **over}
    return AzureSettings(**values)


class Az:
    """One test's view of the fake: its estate, and a way to run one check against it."""

    def __init__(self, fake: AzureFake, bundle: str) -> None:
        self.fake = fake
        self.bundle = bundle
        self.estate = Estate(TENANT, subscriptions={SUB_A: "prod", SUB_B: "dev"})
        fake.reset(self.estate)
        self.sink = MemorySink()

    def session(self, retry_total: int = 0) -> AzureSession:
        session = AzureSession(FakeToken(), endpoints(settings(self.fake, self.bundle)),
                               self.sink, ca_bundle=self.bundle, retry_total=retry_total,
                               retry_backoff=0)
        session.identity, session.tenant_id = "evidence-test", TENANT
        return session

    def run(self, check: Check, sub: str = SUB_A, params: dict[str, Any] | None = None,
            session: AzureSession | None = None) -> list[Result]:
        target = AzureSubscription(session or self.session(), sub, tenant_id=TENANT)
        return list(check.run(target.context("global", CallLog()), params or {}))


def by_resource(results: list[Result]) -> dict[str, Result]:
    out = {r.resource_id: r for r in results}
    assert len(out) == len(results), "one result per resource"
    return out


def fake_server(tmp: Path) -> Iterator[tuple[AzureFake, str]]:
    """A fixture body: the fake for a module or session, stopped at the end."""
    fake, bundle = start_fake(tmp)
    yield fake, bundle
    fake.stop()
