"""The local Cloud Asset API for tests: the same fake `evidence demo` serves, plus helpers.

`gcp_fake` (session) is one server; `gcp` (per test) resets it to the demo organisation and
opens scopes on it through the real `AssetServiceClient` over HTTP, as the runner would.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pytest
from google.auth.credentials import AnonymousCredentials

from collector.cloud.base import CallLog
from collector.cloud.gcp import GcpScope, RetrySettings
from collector.cloud.gcp_scopes import asset_client
from collector.demo.gcp_estate import ORG, build_gcp_estate
from collector.demo.gcp_fake import GcpFake
from collector.model import Result, Status
from collector.plugin import Check
from tests.fakes.gcp_schema import problems
from tests.support.memory_sink import MemorySink

FAST_RETRY = RetrySettings(initial=0.01, maximum=0.02, multiplier=2.0, timeout=5.0)


class AssetEstate:
    """One test's view of the fake: load assets, open scopes, run checks, count requests."""

    def __init__(self, fake: GcpFake) -> None:
        self.fake = fake
        self.endpoint = fake.endpoint
        self.sink = MemorySink()

    def load(self, assets: Iterable[Mapping[str, Any]], *, page_size: int = 3,
             validate: bool = True) -> None:
        """Serve `assets`, each first validated against Google's discovery documents (a test
        fixture with a field or type the real API would not return fails at once)."""
        assets = list(assets)
        if validate:
            found = [p for a in assets for p in problems(a)]
            assert not found, "fixture differs from the discovery documents:\n" + "\n".join(found)
        self.fake.reset(assets, page_size=page_size)

    def scope(self, scope: str = ORG) -> GcpScope:
        client = asset_client(AnonymousCredentials(), self.endpoint, "test")
        target = GcpScope(scope, client, sink=self.sink, identity="anonymous",
                          retry=FAST_RETRY)
        target.connect()
        return target

    def run(self, check: Check, params: dict[str, Any] | None = None, scope: str = ORG,
            target: GcpScope | None = None) -> list[Result]:
        """Run one check over one scope, as the runner would, and return its results."""
        opened = target or self.scope(scope)
        return list(check.run(opened.context("global", CallLog()), params))


def statuses(results: list[Result]) -> dict[str, Status]:
    """Status by resource id (asserting each resource has one result)."""
    out = {r.resource_id: r.status for r in results}
    assert len(out) == len(results), f"duplicate resource ids in {results}"
    return out


def by_resource(results: list[Result]) -> dict[str, Result]:
    out = {r.resource_id: r for r in results}
    assert len(out) == len(results), f"duplicate resource ids in {results}"
    return out


@pytest.fixture(scope="session")
def gcp_fake() -> Iterator[GcpFake]:
    fake = GcpFake().start()
    yield fake
    fake.stop()


@pytest.fixture
def gcp(gcp_fake: GcpFake) -> AssetEstate:
    """The demo organisation, freshly loaded (page size 3: most reads take several pages)."""
    estate = AssetEstate(gcp_fake)
    estate.load(build_gcp_estate())
    return estate
