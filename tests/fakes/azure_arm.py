"""The local Azure fake for tests: the kit's (`collector.testing.azure`) under the suite's names.

Tests reach it through the real SDK clients: `base_url`/`connection_verify` point them at it.
A `FakeToken` credential stands in for Entra in most tests; `settings` plus a real
`ClientSecretCredential` (or DefaultAzureCredential's environment source) covers the real path.
"""

from __future__ import annotations

from collections.abc import Mapping

from collector.cloud.azure import AzureSession
from collector.demo.azure_fake import AzureFake
from collector.model import Result
from collector.plugin import Check, ParamValue
from collector.testing import by_resource
from collector.testing.azure import (
    SUB_A,
    SUB_B,
    TENANT,
    AzureEstate,
    FakeToken,
    served_azure_fake,
    start_azure_fake,
)
from collector.testing.azure import azure_settings as settings
from collector.testing.sink import MemorySink

__all__ = ["SUB_A", "SUB_B", "TENANT", "Az", "FakeToken", "by_resource", "fake_server",
           "settings", "start_fake"]

start_fake = start_azure_fake
fake_server = served_azure_fake


class Az(AzureEstate):
    """The kit's `AzureEstate` over an in-memory sink (`sink.calls`, `sink.blobs`), whose `run`
    gives the results as a list."""

    sink: MemorySink

    def __init__(self, fake: AzureFake, bundle: str) -> None:
        super().__init__(fake, bundle, MemorySink())

    def run(self, check: Check, sub: str = SUB_A, params: Mapping[str, ParamValue] | None = None,
            session: AzureSession | None = None) -> list[Result]:
        """Run one check over one subscription, as the runner would, and return its results."""
        return list(self.run_check(check, sub, params, session).results)
