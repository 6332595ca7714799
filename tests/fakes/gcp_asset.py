"""The local Cloud Asset API for tests: the kit's (`collector.testing.gcp`), plus validation.

`gcp_fake` (session) is the kit's `evidence_gcp_fake`; `gcp` (per test) resets it to the demo
organisation. `AssetEstate.load` first checks every asset against Google's discovery documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from collector.cloud.gcp import GcpScope
from collector.demo.gcp_estate import ORG, build_gcp_estate
from collector.demo.gcp_fake import GcpFake
from collector.model import Result
from collector.plugin import Check, ParamValue
from collector.testing import by_resource, statuses
from collector.testing.gcp import FAST_RETRY, GcpEstate
from collector.testing.sink import MemorySink
from tests.fakes.gcp_schema import problems

__all__ = ["FAST_RETRY", "AssetEstate", "by_resource", "gcp", "gcp_fake", "statuses"]


class AssetEstate(GcpEstate):
    """The kit's `GcpEstate` over an in-memory sink (`sink.calls`, `sink.blobs`), validating
    what it serves; `run` gives the results as a list."""

    sink: MemorySink

    def __init__(self, fake: GcpFake) -> None:
        super().__init__(fake, MemorySink())

    def load(self, assets: Iterable[Mapping[str, Any]], *, page_size: int = 3,
             validate: bool = True) -> None:
        """Serve `assets`, each first validated against Google's discovery documents (a test
        fixture with a field or type the real API would not return fails at once)."""
        assets = list(assets)
        if validate:
            found = [p for a in assets for p in problems(a)]
            assert not found, "fixture differs from the discovery documents:\n" + "\n".join(found)
        super().load(assets, page_size=page_size)

    def run(self, check: Check, params: Mapping[str, ParamValue] | None = None,
            scope: str = ORG, target: GcpScope | None = None) -> list[Result]:
        """Run one check over one scope, as the runner would, and return its results."""
        return list(self.run_check(check, params, scope, target).results)


@pytest.fixture(scope="session")
def gcp_fake(evidence_gcp_fake: GcpFake) -> GcpFake:
    """The kit's session Cloud Asset fake (`evidence_gcp_fake`)."""
    return evidence_gcp_fake


@pytest.fixture
def gcp(gcp_fake: GcpFake) -> AssetEstate:
    """The demo organisation, freshly loaded (page size 3: most reads take several pages)."""
    estate = AssetEstate(gcp_fake)
    estate.load(build_gcp_estate())
    return estate
