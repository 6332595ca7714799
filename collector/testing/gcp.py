"""GCP for check tests: the local Cloud Asset API, an estate of assets, one check run.

The fake (`collector.demo.gcp_fake`) answers the real `AssetServiceClient` over HTTP; scopes
are opened anonymously, as the runner opens them. `collector.demo.gcp_estate.asset` builds one
asset (re-exported here); `load_demo` serves `evidence demo`'s sample organisation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from google.auth.credentials import AnonymousCredentials

from collector.cloud.base import CallLog, EvidenceSink
from collector.cloud.gcp import GcpScope, RetrySettings
from collector.cloud.gcp_scopes import asset_client
from collector.demo.gcp_estate import ORG, asset, build_gcp_estate
from collector.demo.gcp_fake import GcpFake
from collector.plugin import Check, ParamValue
from collector.testing.run import CheckRun, run_check
from collector.testing.sink import MemorySink

__all__ = ["FAST_RETRY", "ORG", "GcpEstate", "asset"]

FAST_RETRY = RetrySettings(initial=0.01, maximum=0.02, multiplier=2.0, timeout=5.0)
"""Retries as the runner makes them, in milliseconds rather than seconds."""


class GcpEstate:
    """One test's GCP: the assets the fake serves, scopes to read them, checks to run."""

    def __init__(self, fake: GcpFake, sink: EvidenceSink | None = None) -> None:
        self.fake = fake
        self.endpoint = fake.endpoint
        self.sink = sink or MemorySink()

    def load(self, assets: Iterable[Mapping[str, Any]], *, page_size: int = 3) -> None:
        """Serve exactly `assets` (and forget the request log); `page_size` small, so that
        paging is exercised."""
        self.fake.reset(assets, page_size=page_size)

    def load_demo(self) -> None:
        """Serve `evidence demo`'s sample organisation (`collector.demo.gcp_estate.ORG`)."""
        self.load(build_gcp_estate())

    def scope(self, scope: str = ORG) -> GcpScope:
        """One scope (`organizations/N`, `folders/N` or `projects/ID`), connected."""
        client = asset_client(AnonymousCredentials(), self.endpoint, "test")
        target = GcpScope(scope, client, sink=self.sink, identity="anonymous", retry=FAST_RETRY)
        target.connect()
        return target

    def run_check(self, check: Check, params: Mapping[str, ParamValue] | None = None,
                  scope: str = ORG, target: GcpScope | None = None) -> CheckRun:
        """Run one check over one scope, as the runner would; `target` to reuse one."""
        opened = target or self.scope(scope)
        return run_check(check, opened.context("global", CallLog()), params)
